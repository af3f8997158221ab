from dockerlint.analysis import final_image_stages, stage_infos
from dockerlint.images import parse_image
from dockerlint.knowledge import slimmer_variant
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class BloatedBaseImage(Rule):
    """The final image is built on a full variant where a slim official variant exists.

    ## What it does
    Flags a `FROM` in the final image that uses the full variant of an official image
    (`python:3.12`, `node:20-bookworm`, `debian:bookworm`) when the same image publishes a
    slimmer variant of the same version and Debian suite (`python:3.12-slim`,
    `node:20-bookworm-slim`, `debian:bookworm-slim`). The message names the concrete tag and,
    where the knowledge base has figures, the compressed size saved.

    ## Why is this bad?
    Full variants carry compilers, headers and hundreds of packages the application never
    uses: python:3 is about 415 MB compressed against 43 MB for python:3-slim. Every extra
    package is download time, disk and attack surface, and vulnerability scanners report
    each one.

    ## Scope
    Only stages in the final image. Builder stages may use full images: that is the point of
    a multi-stage build. Tags that are already lean (slim, alpine, distroless, nanoserver...)
    are never flagged, and neither are unusual tags the knowledge base cannot map with
    confidence.

    ## Fix safety
    Unsafe: the slim variant lacks packages (compilers, `-dev` headers, some shared
    libraries) that later instructions may rely on; rebuild and test after applying.

    ## Compared with other tools
    hadolint, Trivy and Checkov recommend nothing; Snyk and Docker Scout recommend base images
    online, from vulnerability data, with an account.
    """

    code = "DF003"
    name = "bloated-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    stages = "final"
    examples = [
        bad("FROM python:3.12\nCOPY app.py /\n", fixed="FROM python:3.12-slim\nCOPY app.py /\n"),
        bad("FROM node:20-bookworm AS run\n", fixed="FROM node:20-bookworm-slim AS run\n"),
        bad("FROM debian:bookworm\n", fixed="FROM debian:bookworm-slim\n"),
        ok("FROM python:3.12-slim\n"),
        ok("FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n"),
        ok("FROM node:20-alpine\n"),
        ok("FROM ubuntu:24.04\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        for index in sorted(final_image_stages(df, ctx.settings.build_args)):
            info = infos[index]
            if info.image is None or info.parent is not None:
                continue
            ref = parse_image(info.image)
            variant = slimmer_variant(ref)
            if variant is None:
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            if word is None:
                continue
            saved = f", about {variant.saved_mb:.0f} MB smaller compressed ({variant.source})" if variant.saved_mb else ""
            fix = None
            if info.image == info.stage.image and ref.digest is None:
                fix = make_fix([Edit(word.span.start, word.span.end, variant.image)], Applicability.UNSAFE, f"use {variant.image}")
            ctx.report(
                word.span,
                f"`{info.image}` is the full variant; `{variant.image}` is the same release without build tools{saved}",
                fix=fix,
            )
