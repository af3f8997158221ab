from dockerlint.images.knowledge import info, runtime_user, starts_as_root
from dockerlint.images.reference import parse_image
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.analysis import final_image_stages, is_root_user, last_user, stage_infos
from dockerlint.rulekit.image_role import base_image_shape
from dockerlint.rulekit.patterns import lazy

# The user the fix creates: a numeric UID/GID above the ranges distributions hand out (Ubuntu
# 24.04 ships `ubuntu` as 1000), so `USER` is numeric (DL3066; the kubelet can verify it).
UID = 10001
# How to get a non-root user, per base-image family; only families where it is known to work.
DEBIAN_USER = (
    f"RUN groupadd --system --gid {UID} app && useradd --system --no-log-init --uid {UID} --gid app --create-home app",
    f"USER {UID}:{UID}",
)
ALPINE_USER = (f"RUN addgroup -S -g {UID} app && adduser -S -D -u {UID} -G app app", f"USER {UID}:{UID}")
# Images that already ship a non-root user: switch to it by number, create nothing.
EXISTING_USER = {"node": ("USER 1000:1000",)}  # the node images' `node` user
DISTROLESS_USER = ("USER 65532:65532",)  # distroless's `nonroot` user
# What in a Dockerfile shows that its entrypoint must start as root and drop privileges itself.
_STARTS_AS_ROOT = (
    (lazy(r"s6-overlay|(?:^|[\s\"'\[])/init(?:[\s\"'\],]|$)"), "s6-overlay's /init"),
    (lazy(r"\bsupervisord\b"), "supervisord"),
    (lazy(r"\bgosu\b"), "gosu"),
    (lazy(r"\bsu-exec\b"), "su-exec"),
    (lazy(r"\bsetpriv\b|\bchroot\s+--userspec\b|\brunuser\b"), "a privilege drop (setpriv/runuser/chroot --userspec)"),
    (lazy(r"\bdockerd\b|/var/lib/docker\b|\bdocker-ce\b|\bdind\b"), "a Docker daemon (Docker-in-Docker)"),
    (lazy(r"(?:^|[\s\"'\[])(?:/sbin/init|/lib/systemd/systemd|/usr/sbin/init)(?:[\s\"'\],]|$)"), "an init system"),
)
# Every match of those patterns holds one of these words. A pattern that starts with `\b` is
# tried at every position of the text; `in` is not: most instructions hold none of the words
# and are passed over without a regex (the patterns were 2% of linting the Dockerfile corpus).
_STARTS_AS_ROOT_WORDS = ("s6-overlay", "init", "supervisord", "gosu", "su-exec", "setpriv", "chroot", "runuser",
                         "docker", "dind", "systemd")


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


def must_start_as_root(stages, base_image: str) -> str | None:
    """Why the final image must start as root (and drop privileges itself), or None."""
    how = starts_as_root(parse_image(base_image)) if base_image else None
    if how:
        return f"{base_image}: {how}"
    for stage in stages:
        for instruction in stage.instructions:
            if instruction.keyword in ("ENTRYPOINT", "CMD", "RUN", "ADD", "COPY", "VOLUME") and any(
                    word in instruction.args for word in _STARTS_AS_ROOT_WORDS):
                for pattern, what in _STARTS_AS_ROOT:
                    if pattern.search(instruction.args):
                        return f"the image starts through {what}, which must run as root and drops privileges itself"
            if instruction.keyword == "EXPOSE":
                for word in instruction.args.split():
                    port = word.split("/")[0].split("-")[0]
                    if port.isdigit() and len(port) <= 5 and 0 < int(port) < 1024:
                        return f"it EXPOSEs port {port}, which a non-root user may not bind"
    shape = base_image_shape(stages)
    return f"{shape} and installs packages in as root" if shape else None


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
    (`*-nonroot`, `:nonroot`, `cgr.dev/chainguard/*`, and the images the knowledge base knows
    to run as a non-root UID: `nginxinc/nginx-unprivileged`, Bitnami images) is accepted.

    ## Fix safety
    Unsafe: files written earlier belong to root and the new user may not be able to write
    them. The fix only uses a user that exists or that it creates the way the base image family
    needs, always by number (so `USER` passes DL3066 and the kubelet's `runAsNonRoot` check):
    `groupadd`/`useradd` of UID/GID 10001 on Debian and Ubuntu based official images,
    `addgroup`/`adduser -D` of 10001 on Alpine, `USER 1000:1000` (the existing `node` user) on
    the node images, `USER 65532:65532` (distroless's `nonroot`). It goes into the final stage
    only, after its last RUN/COPY/ADD/WORKDIR, so build steps still run as root.
    The fix is display-only, with the reason, when the image must start as root and drop
    privileges itself: a base image whose server does so (`nginx`, `httpd`, `php`,
    `wordpress`, and the `gosu` entrypoints of `postgres`, `mysql`, `mariadb`, `redis`,
    `mongo`, `rabbitmq`), an image started through s6-overlay's `/init`, `supervisord`,
    `gosu`, `su-exec`, `setpriv`, `runuser`, an init system or a Docker daemon
    (Docker-in-Docker), or one that EXPOSEs a port below 1024. It is display-only as well when
    the Dockerfile looks like a base or tool image rather than an application: no `CMD` or
    `ENTRYPOINT`, or a `CMD` that only starts an interpreter or a shell (`python3`, `bash`), as
    the official images' own Dockerfiles do; images built FROM it install packages as root.
    For a base
    image of unknown family it is display-only too: `USER 10001:10001`, to go with a user
    created the way that image needs.

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
                "RUN groupadd --system --gid 10001 app && useradd --system --no-log-init --uid 10001 --gid app --create-home app\n"
                "USER 10001:10001\n"
                "CMD [\"flask\", \"run\"]\n"
            ),
        ),
        bad(
            "FROM alpine:3.20\nRUN apk add --no-cache curl\nENTRYPOINT [\"curl\"]\n",
            fixed="FROM alpine:3.20\nRUN apk add --no-cache curl\nRUN addgroup -S -g 10001 app && adduser -S -D -u 10001 -G app app\nUSER 10001:10001\nENTRYPOINT [\"curl\"]\n",
        ),
        bad("FROM node:22-slim\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n", fixed="FROM node:22-slim\nCOPY . /app\nUSER 1000:1000\nCMD [\"node\", \"/app/server.js\"]\n"),
        bad("FROM php:8.3-apache\nCOPY src/ /var/www/html/\n"),  # apache drops to www-data itself: display-only
        bad("FROM debian:12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends supervisor\nCMD [\"supervisord\", \"-n\"]\n"),
        bad("FROM example.com/custom/base:1.0\nCMD [\"run\"]\n"),  # unknown family: display-only
        bad("FROM debian:12 AS base\nUSER app\nFROM base\nUSER root\n"),
        ok("FROM golang:1.22 AS build\nRUN go build -o /app .\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /app /app\n"),
        ok("FROM debian:12 AS base\nRUN useradd app\nUSER app\nFROM base\nCMD [\"true\"]\n"),
        ok("FROM debian:12\nUSER root\nRUN apt-get update\nUSER 10001\n"),
        ok("FROM bitnami/nginx:1.27\nCOPY site.conf /opt/bitnami/nginx/conf/server_blocks/\n"),  # runs as 1001
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
        known = runtime_user(parse_image(base)) if base else None
        if known is not None and known.default:
            return  # the base image runs as a non-root UID of its own
        final_stage = infos[-1].stage
        if base and (data := info(parse_image(base))) is not None and data.get("user") == "root":
            message = f"The final image never sets a non-root USER and its base image {base} runs as root"
        elif base and base.lower() != "scratch":
            message = f"The final image sets no USER: unless its base image {base} sets a non-root one, its containers run as root"
        else:
            message = "The final image never sets a non-root USER, so its containers run as root"
        ctx.report(
            final_stage.from_.span,
            message + "; add `USER <uid>:<gid>` after installing packages",
            fix=self._fix(ctx, [infos[i].stage for i in chain], final_stage, base),
        )

    @staticmethod
    def _fix(ctx, stages, stage, base_image: str):
        if any(i.keyword == "ONBUILD" for i in stage.instructions):
            return None
        lines = non_root_lines(base_image) if base_image else None
        reason = must_start_as_root(stages, base_image)
        applicability = Applicability.UNSAFE
        if reason:
            lines = lines or (f"USER {UID}:{UID}",)
            applicability = Applicability.DISPLAY_ONLY
            description = f"add `{lines[-1]}` to the final stage only if the image can start as that user; not applied because {reason}"
        elif lines is None:
            lines = (f"USER {UID}:{UID}",)
            applicability = Applicability.DISPLAY_ONLY
            description = (
                f"create a user with UID/GID {UID} the way the base image needs and add `{lines[-1]}`; not applied because"
                f" the family of {base_image or 'the base image'} (its user-creation tools) is not known"
            )
        else:
            description = f"add `{lines[-1]}` to the final stage" + (" (creating that user)" if len(lines) > 1 else "")
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
        return make_fix([Edit(at, at, content)], applicability, description)
