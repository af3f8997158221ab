from dockerlint.images.reference import literal_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, interpolated, scalar_text
from dockerlint.rulekit.image_policy import replacement_fix, unapproved

_POLICY = {"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"postgres:16*": "ghcr.io/acme/postgres:16*"}}


class UnapprovedImage(Rule):
    """
    Run only the organisation's approved images in Compose services.

    ## What it does
    With `approved-images` configured (the globs DF005 uses for `FROM`), flags a service whose
    `image` matches none of them.

    ## Why is this bad?
    Approved images are the ones the organisation patches, scans and signs; a Compose file is
    often how a developer's laptop or a CI job first runs an image, so it should pull the same
    approved images as production.

    ## Scope
    Inactive while `approved-images` is empty. A service with `build:` names the image it
    builds, so its `image` is not judged (its Dockerfile's `FROM` is DF005's). Interpolated
    images (`${IMAGE}`, `app:${TAG:-1}`) are not judged.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16.4
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: ghcr.io/acme/postgres:16.4
    ```

    ## Fix safety
    With an `image-replacements` entry for the image the fix writes the replacement, keeping
    the YAML quoting; it is safe because the user declared the replacement. No fix when the
    replacement is not approved itself or the scalar is not written literally.

    ## Compared with other tools
    The Compose counterpart of DF005 and KS302; no peer checks Compose images against an allow
    list.
    """

    code = "DC302"
    name = "compose-unapproved-image"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              db:
                image: 'postgres:16.4'
              cache:
                image: redis:7.4
              app:
                build: .
                image: example/app
            """,
            """
            services:
              db:
                image: 'ghcr.io/acme/postgres:16.4'
              cache:
                image: redis:7.4
              app:
                build: .
                image: example/app
            """,
            config=_POLICY,
            count=2,
        ),
        ok(
            """
            services:
              db:
                image: ghcr.io/acme/postgres:16.4
              tool:
                image: "${TOOL_IMAGE:-ghcr.io/acme/tool:1}"
            """,
            config=_POLICY,
        ),
        ok(
            """
            services:
              db:
                image: postgres:16.4
            """
        ),
    ]

    def check(self, ctx):
        if not ctx.settings.approved_images:
            return
        for service in compose_services(ctx):
            if "build" in service.node:
                continue
            node = service.image
            image = literal_image(scalar_text(node))
            if image is None or interpolated(image):
                continue
            verdict = unapproved(image, ctx.settings)
            if verdict is None:
                continue
            ctx.report(node.span, f"service {service.name}: {verdict.message}", fix=replacement_fix(ctx.source.text, node.span, verdict))
