from dockerlint.rulekit.analysis import stage_infos
from dockerlint.images.reference import has_valid_digest, parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class UnpinnedBaseImage(Rule):
    """A `FROM` image is referenced by tag, not pinned to a digest.

    ## What it does
    Flags `FROM` images without an `@sha256:...` digest. `scratch`, earlier stage names and
    images whose `ARG` cannot be resolved are skipped.

    ## Why is this bad?
    A tag is mutable: `python:3.12-slim` is rebuilt every few weeks and a registry (or anyone
    who can push to it) can move it at any time. A build from the same Dockerfile is then not
    reproducible, and a compromised tag flows straight into the image. A digest names exactly
    one manifest; keeping the tag beside it (`python:3.12-slim@sha256:...`) keeps it readable
    and lets Renovate or Dependabot update it.

    ## Scope
    Off by default (enable it with `--extend-select DF004`). dockerlint never touches the
    network while linting, so this rule has no fix: run `dockerlint pin` to resolve the tags
    through the registry API and rewrite the `FROM` lines (and the `image:` fields of
    Kubernetes manifests and Compose files).

    ## Compared with other tools
    Checkov CKV_DOCKER_... has no digest check; Docker Scout and Trivy's misconfiguration
    checks do not require digests either. hadolint DL3006/DL3007 only look at the tag.
    """

    code = "DF004"
    whole_object = True
    name = "unpinned-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    enabled_by_default = False
    security = True
    examples = [
        bad("FROM python:3.12-slim\n", at=(1, 6)),
        bad("ARG BASE=debian:12\nFROM $BASE\n", at=(2, 6)),
        bad("FROM golang:1.22 AS build\nFROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n", count=2, at=[(1, 6), (2, 6)]),
        ok("FROM python:3.12-slim@sha256:" + "a" * 64 + "\n"),
        ok("FROM scratch\n"),
        ok("FROM debian@sha256:" + "b" * 64 + " AS base\nFROM base\n"),
        ok("FROM $UNKNOWN\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        for info in infos:
            image = info.image
            if image is None or info.parent is not None or image.lower() == "scratch" or "$" in image:
                continue
            ref = parse_image(image)
            if has_valid_digest(ref):
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            ctx.report(
                word.span if word else info.stage.from_.span,
                f"`{image}` is not pinned to a digest: `dockerlint pin` resolves the tag and writes `{ref.name}:{ref.tag or 'latest'}@sha256:...`",
            )
