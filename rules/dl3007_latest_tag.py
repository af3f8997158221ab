from dockerlint.rulekit.analysis import stage_infos, tag_is_written
from dockerlint.images.reference import parse_image
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
    Every stage. `image:latest@sha256:...` is pinned by its digest and is fine. Like hadolint,
    this rule judges the tag as written; `ARG VERSION=latest` + `FROM img:${VERSION}`, which
    hadolint misses (its issue 412) though a plain `docker build` pulls `latest`, is reported
    by DF006, so a hadolint pragma or `.hadolint.yaml` that names DL3007 keeps its meaning.

    ## Compared with other tools
    hadolint DL3007 (same meaning), Trivy DS001, Checkov CKV_DOCKER_7.
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
        bad("ARG REGISTRY=docker.io\nFROM ${REGISTRY}/node:latest\n"),
        ok("ARG TAG=latest\nFROM node:${TAG}\n"),  # DF006: the ARG's default decides
        ok("FROM debian:bookworm\n"),
        ok("FROM debian:latest@sha256:7959ed6f7e35f8b1aaa06d1d8259d4ee25aa85a086d5c125480c333183f9deeb\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        for info in ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args)):
            if info.image is None or info.parent is not None:
                continue
            ref = parse_image(info.image)
            if ref.tag == "latest" and ref.digest is None and tag_is_written(info.stage.image):
                word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
                ctx.report(
                    word.span if word else info.stage.from_.span,
                    "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag",
                )
