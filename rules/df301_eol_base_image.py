from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.analysis import stage_infos
from dockerlint.rulekit.eol_images import eol_report

_DAY = {"as-of": "2026-12-06"}


class EndOfLifeBaseImage(Rule):
    """
    Build on base images that still get security fixes.

    ## What it does
    Flags a `FROM` image whose tag names a release that is end of life: the image's own
    release (`python:3.8-slim` is Python 3.8, `node:16-alpine` Node.js 16, `debian:buster`
    Debian 10) or the distribution under a language image (`python:3.12-buster` is built on
    Debian 10, `node:20-alpine3.16` on Alpine 3.16). The message names the end-of-life date.

    ## Why is this bad?
    Nobody patches an end-of-life release: every vulnerability found after that day stays in
    the image, and the official images stop being rebuilt, so even the distribution packages
    underneath freeze.

    ## Scope
    Release data is a dated snapshot of endoflife.date (`dockerlint images` shows its date;
    `dockerlint images --refresh` updates it). Judged against today's date, or `--as-of
    YYYY-MM-DD` / `as-of = "..."` in config for reproducible CI. Debian counts until the end
    of Debian LTS (the official images are rebuilt through LTS), Ubuntu until the end of
    standard support. Tags less precise than the product's releases (`python:3`, `mysql:8`)
    and moving tags (`latest`, `lts`, `stable`) are not judged; images from `ARG`s are judged
    once resolved. Known products: Debian, Ubuntu, Alpine, CentOS (and Stream), Rocky,
    AlmaLinux, Fedora, Amazon Linux, Oracle Linux, UBI/RHEL, Python, Node.js, Go, Temurin,
    Corretto, Ruby, PHP, .NET, PostgreSQL, MySQL, MariaDB, Redis, Valkey, nginx, MongoDB,
    RabbitMQ, Tomcat, httpd, HAProxy, memcached, Traefik, Caddy, Erlang, Elixir, Perl,
    Elasticsearch, OpenSearch.

    ## Example
    ```dockerfile
    FROM python:3.8-slim
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    ```

    ## Fix safety
    Unsafe: the fix moves to the oldest release newer than the image's that is still supported
    on the judged day, keeping the variant (`-slim`, `-alpine`): the smallest step, but still a
    new release the application must be tested on. When the distribution under a language
    image changes (`python:3.12-buster` -> `python:3.12-bookworm`) or the tag carries a build
    date, the fix is display-only: official images publish only some variants of each release,
    and that cannot be checked offline. An image from an `ARG` gets no fix (change the `ARG`).

    ## Compared with other tools
    Trivy reports an end-of-life OS when it scans a built image; hadolint and Checkov have no
    such check. KS301 and DC301 are the Kubernetes and Compose counterparts.
    """

    code = "DF301"
    judged_by_date = True
    name = "end-of-life-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad("FROM python:3.8-slim AS build\nFROM node:16-alpine\n", "FROM python:3.11-slim AS build\nFROM node:22-alpine\n", config=_DAY, count=2),
        bad("FROM debian:buster-slim\n", "FROM debian:bookworm-slim\n", config=_DAY),
        bad("FROM python:3.12-buster\n", config=_DAY),  # display-only fix: the variant may not exist
        bad("ARG PG=9.6\nFROM postgres:${PG}-alpine\n", config=_DAY),
        ok("FROM python:3.13-slim\nFROM node:24-alpine\nFROM debian:bookworm\nFROM python:3\nFROM mysql:8\n", config=_DAY),
        ok("FROM python:3.8-slim\n", config={"as-of": "2024-01-01"}),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        for info in infos:
            image = info.image
            if image is None or info.parent is not None or "$" in image:
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            span = word.span if word else info.stage.from_.span
            found = eol_report(image, ctx.settings, ctx.source.text, span, literal=word is not None and word.value == image)
            if found is not None:
                ctx.report(span, found[0], fix=found[1])
