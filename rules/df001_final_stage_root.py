from dockerlint.rulekit.analysis import final_image_stages, is_root_user, last_user, stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.images.knowledge import info
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok

# How to get a non-root user, per base-image family; only families where it is known to work.
DEBIAN_USER = (
    "RUN groupadd --system app && useradd --system --gid app --create-home app",
    "USER app",
)
ALPINE_USER = ("RUN addgroup -S app && adduser -S -D -G app app", "USER app")
# Images that already ship a non-root user: switch to it, create nothing.
EXISTING_USER = {"node": ("USER node",)}
DISTROLESS_USER = ("USER 65532:65532",)  # distroless's `nonroot` user


def non_root_lines(image: str) -> tuple[str, ...] | None:
    """The lines that give this base image a non-root user, or None when we cannot know."""
    if image.startswith("gcr.io/distroless/"):
        return DISTROLESS_USER
    ref = parse_image(image)
    name = ref.official_name
    if name is None:
        return None
    if name in EXISTING_USER:
        return EXISTING_USER[name]
    if name == "alpine" or "alpine" in (ref.tag or ""):
        return ALPINE_USER
    data = info(ref)
    if data is not None and data.get("package_manager") == "apt" and "windows" not in (ref.tag or "") and "nanoserver" not in (ref.tag or ""):
        return DEBIAN_USER
    return None


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

    ## Fix safety
    Unsafe: files written earlier belong to root and the new user may not be able to write
    them, and ports below 1024 can no longer be bound. The fix only uses a user that exists or
    that it creates the way the base image family needs: `groupadd`/`useradd` on Debian and
    Ubuntu based official images, `addgroup`/`adduser -D` on Alpine, the existing `node` user
    of the node images, distroless's `nonroot` (65532). It goes into the final stage only, after
    its last RUN/COPY/ADD/WORKDIR, so build steps still run as root. For any other base image
    there is no fix: we never switch to a user that may not exist.

    ## Compared with other tools
    hadolint DL3002 only looks at `USER root` lines (in every stage) and misses the common
    case of no `USER` at all; Checkov CKV_DOCKER_3 and Trivy DS002 check that a `USER` exists.
    """

    code = "DF001"
    whole_object = True
    name = "final-image-runs-as-root"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("CKV_DOCKER_3", "AVD-DS-0002")
    stages = "final"
    security = True
    examples = [
        bad(
            "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCMD [\"flask\", \"run\"]\n",
            fixed=(
                "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"
                "RUN groupadd --system app && useradd --system --gid app --create-home app\nUSER app\n"
                "CMD [\"flask\", \"run\"]\n"
            ),
        ),
        bad(
            "FROM alpine:3.20\nRUN apk add --no-cache curl\nENTRYPOINT [\"curl\"]\n",
            fixed="FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN addgroup -S app && adduser -S -D -G app app\nUSER app\nENTRYPOINT [\"curl\"]\n",
        ),
        bad("FROM node:22-slim\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n", fixed="FROM node:22-slim\nCOPY . /app\nUSER node\nCMD [\"node\", \"/app/server.js\"]\n"),
        bad("FROM example.com/custom/base:1.0\nCMD [\"run\"]\n"),  # unknown family: no fix
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
        final_stage = infos[-1].stage
        ctx.report(
            final_stage.from_.span,
            "The final image never sets a non-root USER, so its containers run as root: add `USER <name>` after installing packages",
            fix=self._fix(ctx, final_stage, base),
        )

    @staticmethod
    def _fix(ctx, stage, base_image: str):
        lines = non_root_lines(base_image) if base_image else None
        if lines is None or any(i.keyword == "ONBUILD" for i in stage.instructions):
            return None
        anchor = stage.from_
        for instruction in stage.instructions:
            if instruction.keyword in ("RUN", "COPY", "ADD", "WORKDIR"):
                anchor = instruction
        text = ctx.source.text
        newline = ctx.dockerfile.newline
        end = anchor.span.end
        if end < len(text) and text.startswith(newline, end):
            at, content = end + len(newline), "".join(line + newline for line in lines)
        else:  # the anchor is the last line and has no newline
            at, content = end, "".join(newline + line for line in lines)
        return make_fix([Edit(at, at, content)], Applicability.UNSAFE, f"add `{lines[-1]}` to the final stage")
