from dockerlint.analysis import final_image_stages, is_root_user, last_user, stage_infos
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class FinalStageRunsAsRoot(Rule):
    """The final image runs as root.

    ## What it does
    Flags a Dockerfile whose final image never switches to a non-root user: the last stage has
    no `USER` (and the stage it is built `FROM`, if it is an earlier stage of this file, did not
    set a non-root one either), or its effective last `USER` is `root`/`0`.

    ## Why is this bad?
    Containers run as root unless told otherwise. A compromised process then owns the whole
    container file system and is one kernel bug away from the host. Builder stages may run as
    root freely: they never ship.

    ## Scope
    Only the stages in the final image: the last stage and the chain of stages it is built
    `FROM`. Images that start from `scratch` and distroless `:nonroot` variants are judged by
    their `USER` like any other; a base image that sets its own non-root user
    (`*-nonroot`, `:nonroot`, `cgr.dev/chainguard/*`) is accepted.

    ## Compared with other tools
    hadolint DL3002 only looks at `USER root` lines (in every stage) and misses the common
    case of no `USER` at all; Checkov CKV_DOCKER_3 and Trivy DS002 check that a `USER` exists.
    """

    code = "DF001"
    name = "final-image-runs-as-root"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("CKV_DOCKER_3", "AVD-DS-0002")
    stages = "final"
    security = True
    examples = [
        bad("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCMD [\"flask\", \"run\"]\n"),
        bad("FROM debian:12 AS base\nUSER app\nFROM base\nUSER root\n"),
        ok("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n"),
        ok("FROM debian:12 AS base\nRUN useradd app\nUSER app\nFROM base\nCMD [\"true\"]\n"),
        ok("FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n"),
    ]

    NONROOT_IMAGE_HINTS = (":nonroot", "-nonroot", "cgr.dev/chainguard/")

    def check(self, ctx):
        df = ctx.dockerfile
        if not df.stages:
            return
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        chain = sorted(final_image_stages(df, ctx.settings.build_args), reverse=True)
        for index in chain:  # last stage first, then its parents
            user = last_user(infos[index].stage)
            if user is not None:
                if is_root_user(user):
                    ctx.report(user.span, "The final image runs as root: switch to a non-root USER after the steps that need root")
                return
        base = infos[chain[-1]].image or ""
        if any(h in base for h in self.NONROOT_IMAGE_HINTS):
            return
        final = infos[-1].stage.from_
        ctx.report(
            final.span,
            "The final image never sets a non-root USER, so its containers run as root: add `USER <name>` after installing packages",
        )
