from dockerlint.rulekit.analysis import stage_infos, tag_is_written
from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class UntaggedImage(Rule):
    """Always tag the version of an image explicitly.

    ## What it does
    Flags a `FROM` whose image has neither a tag nor a digest, such as `FROM debian`.

    ## Why is this bad?
    Without a tag Docker pulls `latest`, which moves: the same Dockerfile builds a different
    image tomorrow, and a breaking upstream release lands in your build unannounced.

    ## Scope
    Every stage. `scratch`, earlier stage names (`FROM build`) and digest-pinned images are
    fine. Like hadolint, this rule judges the image as written: when an `ARG` decides the tag
    part (`ARG BASE=debian` + `FROM $BASE`), the finding is DF006's, so a hadolint pragma or
    `.hadolint.yaml` that names DL3006 means exactly what it meant. `ARG` defaults (and
    `build-args` from config) are still resolved so that an `ARG` naming an earlier stage
    (`FROM binary-${TARGETOS}`) or a registry (`FROM $REGISTRY/debian`) is judged right.

    ## Compared with other tools
    hadolint DL3006 (same meaning), Trivy DS001 (with DL3007), Checkov CKV_DOCKER_7. hadolint
    does not resolve `ARG`s (its issues 219, 858, 979): it flags `FROM binary-${TARGETOS}` (a
    stage chosen by an ARG) and `FROM repo/${IMAGE}` whose ARG has no default (the tag may
    come with its value), which are not reported here.
    """

    code = "DL3006"
    name = "untagged-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3006", "CKV_DOCKER_7", "AVD-DS-0001")
    security = True
    examples = [
        bad("FROM debian\n"),
        bad("FROM debian AS builder\n"),
        bad("ARG REGISTRY=docker.io\nFROM ${REGISTRY}/debian\n"),
        ok("ARG BASE=debian\nFROM ${BASE}\n"),  # DF006: the ARG's default decides
        ok("FROM debian:12\n"),
        ok("FROM ruby@sha256:f1dbca0f5dbc9\n"),
        ok("FROM scratch\n"),
        ok("FROM ${VALUE}\n"),
        ok("ARG WINDOWS_VERSION=\nFROM mcr.microsoft.com/windows/servercore:${WINDOWS_VERSION}\n"),
        ok("FROM golang:1.22 AS build\nFROM build AS test\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        seen_aliases: set[str] = set()
        for info in ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args)):
            stage = info.stage
            image = info.image
            if image is not None and image.lower() != "scratch" and image.lower() not in seen_aliases and image:
                ref = parse_image(image)
                # `ARG TAG=` + `FROM img:${TAG}`: an empty default leaves `img:`, not a valid
                # reference: the tag has to come from a build argument, so it is unknown.
                empty_tag = image != stage.image and image.endswith((":", "@"))
                if ref.tag is None and ref.digest is None and not empty_tag and tag_is_written(stage.image):
                    word = next((w for w in stage.from_.words() if not w.value.startswith("--")), None)
                    span = word.span if word else stage.from_.span
                    via = f" (`{stage.image}` resolves to `{image}`)" if image != stage.image else ""
                    ctx.report(span, f"Always tag the version of an image explicitly{via}")
            if stage.alias:
                seen_aliases.add(stage.alias.lower())
