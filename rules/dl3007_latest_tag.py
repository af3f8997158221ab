from dockerlint.analysis import stage_infos
from dockerlint.images import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class LatestTag(Rule):
    """Using `latest` is prone to errors if the image will ever update.

    ## What it does
    Flags a `FROM` image tagged `:latest` without a digest.

    ## Why is this bad?
    `latest` is whatever was pushed last. Builds stop being reproducible and a new major
    version can arrive without anyone choosing it. Pin a version tag (and, for full
    reproducibility, a digest: `dockerlint pin`).

    ## Scope
    Every stage; `ARG` defaults in `FROM` are resolved. `image:latest@sha256:...` is pinned
    by its digest and is fine.

    ## Compared with other tools
    hadolint DL3007 (same meaning), Trivy DS001, Checkov CKV_DOCKER_7. hadolint does not
    resolve `ARG`s, so it misses `ARG VERSION=latest` + `FROM img:${VERSION}` (its issue 412):
    a plain `docker build` of such a file pulls `latest`.
    """

    code = "DL3007"
    name = "latest-tag"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3007", "CKV_DOCKER_7", "AVD-DS-0001")
    security = True
    examples = [
        bad("FROM debian:latest\n"),
        bad("FROM debian:latest AS builder\n"),
        bad("ARG TAG=latest\nFROM node:${TAG}\n"),
        ok("FROM debian:bookworm\n"),
        ok("FROM debian:latest@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        for info in ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args)):
            if info.image is None or info.parent is not None:
                continue
            ref = parse_image(info.image)
            if ref.tag == "latest" and ref.digest is None:
                word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
                ctx.report(
                    word.span if word else info.stage.from_.span,
                    "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
                )
