import re

from dockerlint.rulekit.analysis import final_image_stages, stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.images.knowledge import alternatives, slimmer_variant
from dockerlint.images.knowledge import info as knowledge_info
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.runs import cached_run_scripts

_APT = {"apt-get", "apt", "aptitude", "dpkg", "apt-mark", "dpkg-reconfigure"}
# Commands that need the JDK rather than the JRE (a native build against JNI needs its headers).
_JDK_COMMANDS = {"javac", "jar", "jlink", "jdeps", "jpackage", "mvn", "mvnw", "gradle", "gradlew", "native-image",
                 "make", "gcc", "cc", "g++", "configure", "cmake"}

# docker-library images whose full variant is built FROM buildpack-deps (compilers, -dev, git)
_ON_BUILDPACK_DEPS = {"python", "node", "ruby", "golang", "perl", "rust", "openjdk", "erlang", "elixir", "haskell", "gcc", "buildpack-deps", "pypy"}


def _what_slim_drops(image: str) -> str:
    """What the slim variant leaves out: build tools only for the buildpack-deps-based images;
    plain `debian` has none, its -slim drops documentation, man pages and locales."""
    ref = parse_image(image)
    info = knowledge_info(ref) or {}
    described = " ".join(str(v) for v in (info.get("variants") or {}).values())
    if "buildpack-deps" in described or ref.repository.rpartition("/")[2] in _ON_BUILDPACK_DEPS:
        return "without build tools"
    if "man pages" in described:
        return "without man pages, documentation and locales"
    return "in a smaller variant"

class BloatedBaseImage(Rule):
    """The final image is built on a full variant where a slim official variant exists.

    ## What it does
    Flags a `FROM` in the final image that uses the full variant of an official image
    (`python:3.12`, `node:20-bookworm`, `debian:bookworm`, `eclipse-temurin:21-jdk`) when the
    same image publishes a slimmer variant of the same version and Debian suite
    (`python:3.12-slim`, `node:20-bookworm-slim`, `debian:bookworm-slim`,
    `eclipse-temurin:21-jre`). The message names the concrete tag and, where the knowledge base
    has figures, the compressed size saved and where the figures come from.

    It also names Alpine and distroless variants, but only when the rest of the Dockerfile
    allows them: Alpine when no later instruction uses `apt-get`/`dpkg` (with a warning about
    musl libc), distroless when the final image has no `RUN` and no shell-form `CMD`,
    `ENTRYPOINT` or `HEALTHCHECK` (distroless images have no shell).

    ## Why is this bad?
    The full variants of the language images (`python`, `node`, `ruby`, `golang`..., built on
    `buildpack-deps`) carry compilers, `-dev` headers, git and hundreds of packages the
    application never uses: python:3 is about 415 MB compressed against 43 MB for
    python:3-slim. Full `debian` carries no build tools, only documentation, man pages and
    locales that `-slim` leaves out (about 20 MB). Every extra
    package is download time, disk and attack surface, and vulnerability scanners report
    each one.

    ## Scope
    Only stages in the final image. Builder stages may use full images: that is the point of
    a multi-stage build. Images with `ONBUILD` triggers (bases for other builds) and Dockerfiles
    under a `.devcontainer/` directory (development environments) are left alone. Tags that are already lean (slim, alpine, distroless, jre,
    nanoserver...) are never flagged, and neither are unusual tags the knowledge base cannot map
    with confidence. A JDK image is left alone while the final image still runs `javac`, `mvn`
    or `gradle` (DF002 covers that case). `dockerlint images IMAGE` shows what is known about
    an image and where each figure comes from.

    ## Fix safety
    Unsafe: the slim variant lacks packages (compilers, `-dev` headers, some shared
    libraries) that later instructions may rely on; rebuild and test after applying. The fix
    only ever switches to the slim variant of the same release; Alpine and distroless are
    suggestions in the message, never applied.

    ## Compared with other tools
    hadolint, Trivy and Checkov recommend nothing; Snyk and Docker Scout recommend base images
    online, from vulnerability data, with an account.
    """

    code = "DF003"
    whole_object = True
    name = "bloated-base-image"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    stages = "final"
    examples = [
        bad("FROM python:3.12\nCOPY app.py /\n", fixed="FROM python:3.12-slim\nCOPY app.py /\n"),
        bad("FROM node:20-bookworm AS run\n", fixed="FROM node:20-bookworm-slim AS run\n"),
        bad("FROM debian:bookworm\n", fixed="FROM debian:bookworm-slim\n"),
        bad("FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
            fixed="FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"),
        ok("FROM python:3.12-slim\n"),
        ok("FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n"),
        ok("FROM node:20-alpine\n"),
        ok("FROM ubuntu:24.04\n"),
        ok("FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN cd /src && ./mvnw package\n"),
        ok("FROM eclipse-temurin:17-jdk\nRUN ./configure --with-java-home=$JAVA_HOME && make\n"),
        ok("FROM ruby:3.3\nONBUILD COPY Gemfile /app/\nONBUILD RUN bundle install\n"),
        ok("FROM python:3.12\n", filename=".devcontainer/Dockerfile"),
    ]

    def check(self, ctx):
        if ".devcontainer" in re.split(r"[/\\]", ctx.path):
            return  # a development container wants the compilers
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        chain = final_image_stages(df, ctx.settings.build_args)
        if any(ins.keyword == "ONBUILD" for ins in df.instructions if ins.stage in chain):
            return  # an ONBUILD image is a base for builds: its triggers may need the full variant
        for index in sorted(chain):
            info = infos[index]
            if info.image is None or info.parent is not None:
                continue
            ref = parse_image(info.image)
            variant = slimmer_variant(ref)
            if variant is None:
                continue
            commands = self._commands(ctx, chain)
            if variant.kind == "jre" and commands & _JDK_COMMANDS:
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            if word is None:
                continue
            fix = None
            if info.image == info.stage.image and ref.digest is None:
                fix = make_fix([Edit(word.span.start, word.span.end, variant.image)], Applicability.UNSAFE, f"use {variant.image}")
            ctx.report(word.span, self._message(info.image, variant, self._options(ctx, df, chain, ref, commands)), fix=fix)

    @staticmethod
    def _message(image, variant, options) -> str:
        if variant.kind == "jre":
            text = f"`{image}` ships the whole JDK; `{variant.image}` runs the same Java release without the compiler and tools"
        else:
            text = f"`{image}` is the full variant; `{variant.image}` is the same release {_what_slim_drops(image)}"
        if variant.saved_mb:
            text += (
                f", about {variant.saved_mb:.0f} MB smaller compressed "
                f"({variant.full_mb:g} vs {variant.slim_mb:g} MB, {variant.source})"
            )
        if options:
            text += "; also consider " + " or ".join(options)
        return text

    @staticmethod
    def _commands(ctx, chain) -> set[str]:
        names = set()
        for rs in cached_run_scripts(ctx):
            if rs.onbuild or rs.stage not in chain:
                continue
            for raw in rs.script.commands:
                names.add(raw.effective().basename)
        return names

    @staticmethod
    def _options(ctx, df, chain, ref, commands) -> list[str]:
        """Alpine and distroless variants the rest of the Dockerfile allows."""
        instructions = [ins for ins in df.instructions if ins.stage in chain and ins.keyword != "FROM"]
        uses_apt = bool(commands & _APT)
        has_run = any(ins.keyword == "RUN" for ins in instructions)
        shell_form = any(
            ins.keyword in ("CMD", "ENTRYPOINT") and ins.json is None and ins.args.strip()
            or ins.keyword == "HEALTHCHECK" and ins.json is None and ins.args.strip().upper().startswith("CMD ")
            for ins in instructions
        )
        out = []
        for alt in alternatives(ref):
            if alt.kind == "alpine" and not uses_apt:
                out.append(f"`{alt.image}` ({alt.caveat})")
            elif alt.kind == "distroless" and not has_run and not shell_form:
                out.append(f"`{alt.image}` ({alt.caveat})")
        return out
