from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, service_image


class LatestImageTag(Rule):
    """
    Pin service images to a version, not `latest` or no tag.

    ## What it does
    Flags a service whose `image` has the tag `latest` or no tag (`postgres`,
    `redis:latest`). A digest (`@sha256:...`) pins the image; a service with `build:` names the
    image it builds, so its `image` is not judged.

    ## Why is this bad?
    `latest` moves: `docker compose pull` or a fresh machine silently brings a new major
    version (a database upgrade that refuses the old data directory, a breaking API), and two
    developers run different stacks from the same file.

    ## Scope
    Every service; interpolated images (`${IMAGE}`, `app:${TAG:-1.0}`) are not judged.

    ## Compared with other tools
    The Compose counterpart of DL3006/DL3007 and KS001. Checkov, Trivy and kube-linter have no
    Compose checks.
    """

    code = "DC001"
    name = "compose-latest-image-tag"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            services:
              db:
                image: postgres
              cache:
                image: redis:latest
            """,
            count=2,
        ),
        ok(
            """
            services:
              db:
                image: postgres:16.4
              app:
                build: .
                image: example/app
              proxy:
                image: nginx@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
              tool:
                image: "ghcr.io/acme/tool:${TOOL_VERSION:-1.2}"
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            if "build" in service.node:
                continue
            ref, node = service_image(service)
            if ref is None or ref.digest is not None:
                continue
            if ref.tag is None:
                problem = "has no tag (Docker pulls `latest`)"
            elif ref.tag == "latest":
                problem = "uses the `latest` tag"
            else:
                continue
            ctx.report(node.span, f"image `{node.value}` of service {service.name} {problem}; pin a version or a digest")
