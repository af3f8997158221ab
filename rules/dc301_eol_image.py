from dockerlint.images.reference import literal_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, interpolated, scalar_text
from dockerlint.rulekit.eol_images import eol_report

_DAY = {"as-of": "2026-12-06"}


class EndOfLifeImage(Rule):
    """
    Run service images that still get security fixes.

    ## What it does
    Flags a service whose image tag names an end-of-life release: its own (`mysql:5.7`,
    `redis:6.0`) or the distribution underneath (`php:8.3-apache-buster`). The message names
    the end-of-life date.

    ## Why is this bad?
    An end-of-life database or runtime gets no security fixes, and a Compose file is often how
    it first reaches a developer machine or a CI job.

    ## Scope
    As DF301: the bundled endoflife.date snapshot (`dockerlint images`), today's date or
    `--as-of`. A service with `build:` names the image it builds (its `FROM` is DF301's);
    interpolated images are not judged.

    ## Example
    ```yaml
    services:
      db:
        image: mysql:5.7
    ```

    ## Use instead
    ```yaml
    services:
      db:
        image: mysql:8.4
    ```

    ## Fix safety
    Unsafe, to the oldest supported release newer than the image's, same variant: a database
    major upgrade may need a data migration, so test it. Display-only when the distribution
    suffix has to change or the tag carries a build date.

    ## Compared with other tools
    The Compose counterpart of DF301 and KS301; no peer checks Compose images for end of life.
    """

    code = "DC301"
    judged_by_date = True
    name = "compose-end-of-life-image"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            services:
              db:
                image: mysql:5.7
              cache:
                image: 'redis:6.0-alpine'
              app:
                build: .
                image: python:2.7
            """,
            """
            services:
              db:
                image: mysql:8.4
              cache:
                image: 'redis:6.2-alpine'
              app:
                build: .
                image: python:2.7
            """,
            config=_DAY,
            count=2,
        ),
        ok(
            """
            services:
              db:
                image: postgres:17
              tool:
                image: "python:${PY:-3.8}"
            """,
            config=_DAY,
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            if "build" in service.node:
                continue
            node = service.image
            image = literal_image(scalar_text(node))
            if image is None or interpolated(image):
                continue
            found = eol_report(image, ctx.settings, ctx.source.text, node.span)
            if found is not None:
                ctx.report(node.span, f"service {service.name}: {found[0]}", fix=found[1])
