import re

from dockerlint.images.eol import is_eol
from dockerlint.images.knowledge import alternatives, slimmer_variant
from dockerlint.images.knowledge import info as knowledge_info
from dockerlint.images.reference import parse_image
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.analysis import final_image_stages, stage_infos
from dockerlint.rulekit.patterns import lazy
from dockerlint.rulekit.runs import cached_run_scripts

_APT = {"apt-get", "apt", "aptitude", "dpkg", "apt-mark", "dpkg-reconfigure"}
# Commands that need the JDK rather than the JRE (a native build against JNI needs its headers).
_JDK_COMMANDS = {"javac", "jar", "jlink", "jdeps", "jpackage", "mvn", "mvnw", "gradle", "gradlew", "native-image",
                 "make", "gcc", "cc", "g++", "configure", "cmake"}
# JDK-only diagnostic tools a runtime image may call (in CMD, ENTRYPOINT, HEALTHCHECK, scripts).
_JDK_TOOLS = lazy(r"(?<![\w./-])(?:\S*/)?(jmap|jcmd|jstack|jstat|jinfo|jhsdb|jps|jshell|jconsole|javap|jdb|javac|jar)(?![\w.-])")
# What the full (buildpack-deps based) language images have and their -slim variants lack,
# with the packages that bring each back.
_FULL_ONLY = {
    "gcc": ("gcc", "build-essential"), "cc": ("gcc", "build-essential"), "g++": ("g++", "build-essential"),
    "make": ("make", "build-essential"), "git": ("git",), "curl": ("curl",), "wget": ("wget",),
    "ssh": ("openssh-client",), "svn": ("subversion",), "hg": ("mercurial",), "pkg-config": ("pkg-config", "pkgconf"),
    "autoconf": ("autoconf",), "automake": ("automake",), "libtool": ("libtool",), "patch": ("patch",),
}
# Installs that may compile native code (an sdist without a wheel, a node-gyp addon, a native
# gem): the -slim variants have no compiler for them.
_NATIVE_BUILDS = lazy(
    r"\b(?:pip3?|python3?\s+-m\s+pip|uv\s+pip|poetry|pipenv)\s+(?:install|sync|wheel)\b(?![^;&|]*--only-binary)"
    r"|\b(?:npm\s+(?:ci|install|i)|yarn(?:\s+install)?|pnpm\s+(?:install|i))\b(?![^;&|]*--ignore-scripts)"
    r"|\b(?:bundle\s+install|gem\s+install)\b"
)
_COMPILERS = {"gcc", "g++", "build-essential", "make", "clang"}
_INSTALL = lazy(r"\b(?:apt-get|apt|apk|yum|dnf|microdnf)\b[^;&|]*\b(?:install|add)\b([^;&|]*)")

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
    suggestions in the message, never applied. A floating tag (`node`, `python:latest`) is
    replaced with the slim variant of the release the knowledge base records figures for
    (`node:24-slim`, `python:3-slim`, `debian:trixie-slim`), so the result names a release
    and the sizes quoted are that release's; the message always says which tags its figures are
    for (`python:3.11` is quoted with `python:3`'s figures).
    The fix is display-only, and says why, when the final image uses what the smaller image
    lacks: a JDK tool (`jmap`, `jcmd`, `jstack`, `javac`, `jar`, ...) in a RUN, CMD, ENTRYPOINT
    or HEALTHCHECK for a JDK → JRE swap; `gcc`, `make`, `git`, `curl`, `wget` and the other
    buildpack-deps tools for a full → slim swap of a language image, unless the Dockerfile
    installs them itself; and a `pip install`, `npm ci`, `yarn`, `bundle install` or
    `gem install` in the final image without a compiler installed, since a package without a
    wheel or prebuilt binary (uWSGI, a node-gyp addon, a native gem) needs `gcc` to build and the
    slim variant has none.

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
        bad("FROM python:3.12\nCOPY app.py /\n", fixed="FROM python:3.12-slim\nCOPY app.py /\n", at=(1, 6)),
        bad("FROM node:22-bookworm AS run\n", fixed="FROM node:22-bookworm-slim AS run\n", at=(1, 6)),
        bad("FROM debian:bookworm\n", fixed="FROM debian:bookworm-slim\n", at=(1, 6)),
        bad("FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n",
            fixed="FROM eclipse-temurin:21-jre\nCOPY app.jar /app.jar\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n", at=(1, 6)),
        ok("FROM python:3.12-slim\n"),
        ok("FROM python:3.8\nCOPY app.py /app.py\nCMD [\"python\", \"/app.py\"]\n"),  # python:3.8-slim is end of life: DF301 moves the release first
        ok("FROM python:3.12 AS build\nRUN pip wheel -w /w .\nFROM python:3.12-slim\nCOPY --from=build /w /w\n"),
        ok("FROM node:20-alpine\n"),
        ok("FROM ubuntu:24.04\n"),
        ok("FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN cd /src && ./mvnw package\n"),
        ok("FROM eclipse-temurin:17-jdk\nRUN ./configure --with-java-home=$JAVA_HOME && make\n"),
        bad("FROM node\nCOPY . /app\n", fixed="FROM node:24-slim\nCOPY . /app\n", at=(1, 6)),
        bad("FROM eclipse-temurin:21-jdk\nCOPY app.jar /\nCMD [\"sh\", \"-c\", \"java -jar /app.jar & jcmd 1 Thread.print\"]\n", at=(1, 6)),  # display-only
        bad("FROM python:3.12\nHEALTHCHECK CMD curl -f http://localhost:8000/ || exit 1\n", at=(1, 6)),  # slim has no curl: display-only
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
            if variant is None or is_eol(variant.image, ctx.settings.as_of):
                continue  # no end-of-life image is recommended: DF301 names the supported release first
            commands = self._commands(ctx, chain)
            if variant.kind == "jre" and commands & _JDK_COMMANDS:
                continue
            word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
            if word is None:
                continue
            fix = None
            if info.image == info.stage.image and ref.digest is None:
                lacking = self._lacking(df, chain, variant, ref)
                if lacking:
                    fix = make_fix(
                        [Edit(word.span.start, word.span.end, variant.image)],
                        Applicability.DISPLAY_ONLY,
                        f"use {variant.image} once the image no longer needs what it lacks; not applied because {lacking}",
                    )
                else:
                    fix = make_fix([Edit(word.span.start, word.span.end, variant.image)], Applicability.UNSAFE, f"use {variant.image}")
            options_ref = ref
            if variant.floating:  # alternatives of the release the suggestion names, not floating tags
                options_ref = parse_image(f"{info.image.split('@')[0].rsplit(':', 1)[0] if ref.tag else info.image}:{variant.figure_tags[0] if variant.figure_tags else variant.tag}")
            ctx.report(word.span, self._message(info.image, variant, self._options(ctx, df, chain, options_ref, commands)), fix=fix)

    @staticmethod
    def _lacking(df, chain, variant, ref) -> str | None:
        """What the final image uses that the smaller variant lacks, or None."""
        instructions = [ins for ins in df.instructions if ins.stage in chain and ins.keyword in ("RUN", "CMD", "ENTRYPOINT", "HEALTHCHECK")]
        if variant.kind == "jre":
            for ins in instructions:
                m = _JDK_TOOLS.search(ins.args)
                if m:
                    return f"its {ins.keyword} on line {ins.line} uses {m.group(1)}, a JDK tool the JRE does not have"
            return None
        if ref.official_name == "debian":
            return None  # debian's slim variant drops documentation and locales, not tools
        installed = set()
        for ins in instructions:
            for m in _INSTALL.finditer(ins.args):
                installed.update(m.group(1).split())
        for ins in instructions:
            m = _NATIVE_BUILDS.search(ins.args) if ins.keyword == "RUN" else None
            if m and not installed & _COMPILERS:
                return (
                    f"its RUN on line {ins.line} runs `{' '.join(m.group(0).split())}`, whose packages may need a compiler"
                    f" to build (a package without a wheel or prebuilt binary), and {variant.image} has none: build them in a"
                    " builder stage or install build-essential first"
                )
            for tool, packages in _FULL_ONLY.items():
                if re.search(rf"(?<![\w./-])(?:\S*/)?{re.escape(tool)}(?![\w.+-])", ins.args) and not installed & set(packages):
                    return (
                        f"its {ins.keyword} on line {ins.line} uses {tool}, which {variant.image} does not have"
                        f" (install {packages[0]} there first)"
                    )
        return None

    @staticmethod
    def _message(image, variant, options) -> str:
        if variant.kind == "jre":
            text = f"`{image}` ships the whole JDK; `{variant.image}` runs the same Java release without the compiler and tools"
        else:
            text = f"`{image}` is the full variant; `{variant.image}` is the same release {_what_slim_drops(image)}"
        if variant.floating:
            text = (
                f"`{image}` is the full variant and follows whatever release is newest; `{variant.image}` is the slim"
                f" variant of release {variant.tag.split('-')[0]}, which this tag pins"
                if variant.kind == "slim"
                else f"`{image}` ships the whole JDK of whatever release is newest; `{variant.image}` is the JRE of"
                f" release {variant.tag.split('-')[0]}, which this tag pins"
            )
        if variant.saved_mb:
            name = image.split("@")[0].rsplit(":", 1)[0] if ":" in image.rsplit("/", 1)[-1] else image
            full_tag, slim_tag = variant.figure_tags
            text += (
                f", about {variant.saved_mb:.0f} MB smaller compressed "
                f"({variant.full_mb:g} MB for {name}:{full_tag} vs {variant.slim_mb:g} MB for {name}:{slim_tag}, {variant.source})"
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
