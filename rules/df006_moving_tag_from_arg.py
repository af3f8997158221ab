from dockerlint.rulekit.analysis import global_arg_values, stage_infos, tag_is_written, variable_names
from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class MovingTagFromArg(Rule):
    """An `ARG` value leaves a `FROM` image untagged or on `latest`.

    ## What it does
    Resolves the `ARG`s a `FROM` image is built from (their defaults before the first `FROM`,
    or `build-args` from config) and flags the `FROM` when that value decides the tag and
    leaves the image without one, or on `latest`, and without a digest:
    `ARG TAG=latest` + `FROM node:${TAG}`, `ARG BASE=debian` + `FROM $BASE`.

    ## Why is this bad?
    A plain `docker build .`, and every CI job that passes no `--build-arg`, builds from the
    default: it pulls whatever `latest` is that day, exactly as `FROM node:latest` would. The
    variable only hides the moving tag from review and from hadolint. Give the `ARG` a version
    default (`ARG TAG=20-bookworm-slim`) and override it where another version is wanted.

    ## Scope
    Every stage. An image whose tag is written out is judged by DL3006 and DL3007, which keep
    hadolint's meaning; this rule covers what only the `ARG`'s value decides. An `ARG` without
    a default is unknown and not flagged (DF110 reports a `FROM` that its empty default makes
    invalid), and an `ARG` that names an earlier stage is fine. Its own code means a
    `.hadolint.yaml` or pragma that ignores DL3007 does not silence it: ignore DF006 as well
    where moving base images are wanted.

    ## Compared with other tools
    hadolint resolves no `ARG`s, so its DL3006 and DL3007 never see these images (its issues
    219, 412, 858 and 979); nor do Checkov's CKV_DOCKER_7 or Trivy's DS001.
    """

    code = "DF006"
    name = "moving-tag-from-arg"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad("ARG TAG=latest\nFROM node:${TAG}\n", at=(2, 6)),
        bad("ARG BASE=debian\nFROM ${BASE} AS build\n", at=(2, 6)),
        bad("ARG IMAGE=node:latest\nFROM $IMAGE\n", at=(2, 6)),
        bad("ARG TAG\nFROM node:${TAG}\n", config={"build-args": {"TAG": "latest"}}, at=(2, 6)),
        ok("ARG TAG=20-bookworm-slim\nFROM node:${TAG}\n"),
        ok("ARG TAG=latest\nFROM node:${TAG}\n", config={"build-args": {"TAG": "20"}}),
        ok("ARG TAG\nFROM node:${TAG}\n"),
        ok("ARG BASE=debian@sha256:" + "c" * 64 + "\nFROM $BASE\n"),
        ok("FROM golang:1.22 AS build-linux\nARG TARGETOS=linux\nFROM build-${TARGETOS}\n"),
        ok("FROM node:latest\n"),  # DL3007's
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        build_args = ctx.settings.build_args
        for info in ctx.cached("stage_infos", lambda: stage_infos(df, build_args)):
            stage, image = info.stage, info.image
            if image is None or info.parent is not None or tag_is_written(stage.image):
                continue
            if image.lower() == "scratch" or image.endswith((":", "@")):
                continue  # an empty default (`img:`) is DF110's
            ref = parse_image(image)
            if ref.digest is not None or ref.tag not in (None, "latest"):
                continue
            values = ctx.cached("global_arg_values", lambda: global_arg_values(df, build_args))
            # The ARGs in the last path component decide the tag (`${NS}/base:${VERSION}`: VERSION).
            names = variable_names(stage.image.rsplit("/", 1)[-1]) or variable_names(stage.image)
            names = [n for n in dict.fromkeys(names) if values.get(n) is not None]
            given = ", ".join(f"`{n}={values[n]}`" for n in names)
            pulled = f"`{image}`" if ref.tag else f"`{image}`, untagged (that is `latest`)"
            wanted = "a version" if ref.tag else "a tagged image"
            word = next((w for w in stage.from_.words() if not w.value.startswith("--")), None)
            ctx.report(
                word.span if word else stage.from_.span,
                f"With {given} this FROM pulls {pulled}: make the ARG's value {wanted}",
            )
