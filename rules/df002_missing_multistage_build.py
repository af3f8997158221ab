import re
from dataclasses import dataclass, field

from dockerlint.rulekit.analysis import final_image_stages, parse_arg, stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.images.knowledge import info
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.runs import cached_run_scripts

# ---- compiler and build-tool packages, per package manager ---------------------------------
_APT_TOOLCHAIN = re.compile(
    r"^(?:build-essential|gcc(?:-\d+)?|g\+\+(?:-\d+)?|cpp(?:-\d+)?|clang(?:-\d+)?|make|cmake|ninja-build|meson|"
    r"autoconf|automake|libtool|libc6-dev|libc-dev|gfortran(?:-\d+)?|golang(?:-[\d.]+)?(?:-go)?|cargo|rustc|"
    r"maven|gradle|default-jdk(?:-headless)?|openjdk-\d+-jdk(?:-headless)?)$"
)
_APK_TOOLCHAIN = re.compile(
    r"^(?:build-base|gcc|g\+\+|make|cmake|samurai|ninja(?:-build)?|clang\d*|musl-dev|libc-dev|autoconf|automake|libtool|"
    r"gfortran|go|cargo|rust|maven|gradle|openjdk\d+(?:-jdk)?)$"
)
_RPM_TOOLCHAIN = re.compile(
    r"^(?:gcc|gcc-c\+\+|gcc-toolset-\d+|make|cmake|ninja-build|clang|glibc-devel|autoconf|automake|libtool|gcc-gfortran|"
    r"golang|go-toolset|cargo|rust|rust-toolset|maven|gradle|java-[\d.]+-openjdk-devel|@development-tools|@development)$"
)
_ZYPPER_TOOLCHAIN = re.compile(
    r"^(?:gcc\d*|gcc\d*-c\+\+|make|cmake|ninja|clang\d*|glibc-devel|autoconf|automake|libtool|go(?:\d[\d.]*)?|cargo|rust|"
    r"maven|gradle|java-[\d_]+-openjdk-devel|patterns-devel-base-devel_basis)$"
)
_RPM_VERSION = re.compile(r"-\d[\w.+~:]*(?:-[\w.]+)?$")
_APT_VALUE_OPTS = {"-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file", "-a", "--host-architecture"}
_APK_VALUE_OPTS = {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--keys-dir", "--repositories-file", "--cache-dir", "--arch"}
_RPM_VALUE_OPTS = {"-c", "--config", "--installroot", "--releasever", "--setopt", "--enablerepo", "--disablerepo", "--repo", "-x", "--exclude"}
_ZYPPER_VALUE_OPTS = {"-r", "--repo", "--from", "-t", "--type", "-R", "--root", "-c", "--config"}

# ---- toolchain base images and the commands that build with them -----------------------------
_JDK_IMAGES = ("eclipse-temurin", "openjdk", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine")
_BUILD_COMMANDS = {
    "go": ("build", "install"), "cargo": ("build", "install"), "dotnet": ("build", "publish"),
    "mvn": ("package", "install", "verify", "compile", "deploy"), "mvnw": ("package", "install", "verify", "compile", "deploy"),
    "gradle": ("build", "assemble", "jar", "bootJar", "shadowJar", "installDist", "war"),
    "gradlew": ("build", "assemble", "jar", "bootJar", "shadowJar", "installDist", "war"),
}
_C_BUILD = {"gcc", "g++", "cc", "c++", "clang", "clang++", "make", "cmake", "ninja"}
# The commands that use each toolchain image (a `make` on a JDK image does not need the JDK).
_TOOLCHAIN_COMMANDS = {
    "golang": {"go"}, "rust": {"cargo", "rustc"}, "maven": {"mvn", "mvnw"}, "gradle": {"gradle", "gradlew"},
    "gcc": _C_BUILD, "buildpack-deps": _C_BUILD, "jdk": {"javac", "mvn", "mvnw", "gradle", "gradlew"}, "dotnet": {"dotnet"},
}


@dataclass
class _Install:
    line: int
    span: object
    manager: str
    packages: list[str]  # toolchain packages as written (version pins removed)
    virtual: str | None = None


@dataclass
class _Removals:
    names: set[str] = field(default_factory=set)
    everything: set[str] = field(default_factory=set)  # managers whose installs are all undone


def _name(word: str, manager: str) -> str:
    word = word.strip("\"'")
    if manager in ("apt", "apk"):
        return re.split(r"[=<>~:]", word, 1)[0]
    return word


def _toolchain(word: str, manager: str) -> str | None:
    name = _name(word, manager)
    pattern = {"apt": _APT_TOOLCHAIN, "apk": _APK_TOOLCHAIN, "rpm": _RPM_TOOLCHAIN, "zypper": _ZYPPER_TOOLCHAIN}[manager]
    if pattern.match(name):
        return name
    if manager in ("rpm", "zypper"):
        stripped = _RPM_VERSION.sub("", name)
        if stripped != name and pattern.match(stripped):
            return stripped
    return None


def _manager(cmd) -> str | None:
    name = cmd.basename
    if name in ("apt-get", "apt", "aptitude"):
        return "apt"
    if name == "apk":
        return "apk"
    if name in ("yum", "dnf", "microdnf", "tdnf", "dnf-3", "dnf5"):
        return "rpm"
    if name == "zypper":
        return "zypper"
    return None


_VALUE_OPTS = {"apt": _APT_VALUE_OPTS, "apk": _APK_VALUE_OPTS, "rpm": _RPM_VALUE_OPTS, "zypper": _ZYPPER_VALUE_OPTS}
_INSTALL_VERBS = {"apt": ("install",), "apk": ("add",), "rpm": ("install", "groupinstall", "in"), "zypper": ("install", "in")}
_REMOVE_VERBS = {"apt": ("remove", "purge"), "apk": ("del",), "rpm": ("remove", "erase", "autoremove", "rm"), "zypper": ("remove", "rm")}


class MissingMultistageBuild(Rule):
    """The final image ships the compilers and build tools it was built with.

    ## What it does
    Looks at the stages that make up the final image (the last stage and the stages it is
    built `FROM`) when none of them copies from another stage (`COPY --from`), and flags:

    - a `RUN` that installs compilers or build tools (`build-essential`, `gcc`, `g++`, `make`,
      `cmake`, `clang`, `build-base`, `musl-dev`, `libc6-dev`, `gcc-c++`, `golang`, `cargo`,
      `rustc`, `maven`, `gradle`, `default-jdk`, `openjdk-*-jdk`...) with `apt-get`, `apk`,
      `yum`/`dnf`/`microdnf` or `zypper` and does not remove them again in the same `RUN`
      (`apt-get purge`, `apk del`, also `apk add --virtual .build-deps ... && apk del .build-deps`,
      and the `apt-mark auto` + `apt-get purge --auto-remove` idiom of the official images);
    - a toolchain base image (`golang`, `rust`, `maven`, `gradle`, `gcc`, `buildpack-deps`, a JDK
      image such as `eclipse-temurin:21-jdk`, `mcr.microsoft.com/dotnet/sdk`) used to build
      (`go build`, `cargo build`, `mvn package`, `gradle build`, `javac`, `dotnet publish`, `make`);
    - `npm run build` / `yarn build` / `pnpm build` after a full `npm ci` / `npm install` /
      `yarn install` / `pnpm install` (devDependencies included: no `--omit=dev`,
      `--production`, `NODE_ENV=production`) that is never pruned (`npm prune --omit=dev`).

    The message names what ships, for example "gcc and make installed at line 4 ship in the
    final image".

    ## Why is this bad?
    Compilers, headers, SDKs and devDependencies are only needed to produce the application;
    shipped, they make the image several times larger (golang ~800 MB against ~20 MB for a
    static binary on distroless), slower to pull and start, and give an attacker who gets in a
    ready-made toolchain. A multi-stage build compiles in a builder stage and copies only the
    result into a small runtime stage:

    ```dockerfile
    FROM golang:1.22 AS build
    RUN go build -o /app .
    FROM gcr.io/distroless/static-debian12
    COPY --from=build /app /app
    ```

    ## Scope
    Only the stages in the final image; builder stages are where toolchains belong. A final
    image that already copies from another stage is taken as a multi-stage build and not
    judged. `ONBUILD` instructions are skipped (they run in another build).

    ## Fix safety
    Display-only: for Go, Python, Node.js and Maven/Gradle builds the finding carries the whole
    Dockerfile rewritten into a builder stage and a slim runtime stage (Go: distroless static
    `:nonroot`; Python: wheels built in the builder, installed on `-slim`; Node.js: production
    dependencies on `-slim`; Java: the jar on the eclipse-temurin JRE). It is shown, never
    applied: paths and commands are guesses to review. `dockerlint suggest multistage FILE`
    prints it.

    ## Compared with other tools
    hadolint, Checkov and Trivy have no equivalent; image-size tools (dive, docker-slim) find the
    same waste after the build.
    """

    code = "DF002"
    name = "missing-multistage-build"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    stages = "final"
    aliases = ()
    examples = [
        bad("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev\nCOPY . /src\nRUN make -C /src\n"),
        bad("FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /app .\nCMD [\"/app\"]\n"),
        bad("FROM alpine:3.20\nRUN apk add --no-cache build-base && make\n"),
        bad("FROM node:20-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\nRUN npm run build\nCMD [\"node\", \"dist/index.js\"]\n"),
        bad("FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN cd /src && ./mvnw -q package\n"),
        ok(
            "FROM golang:1.22 AS build\nRUN go build -o /app .\n"
            "FROM gcr.io/distroless/static-debian12\nCOPY --from=build /app /app\n"
        ),
        ok("FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n"),
        ok("FROM debian:12\nRUN apt-get update && apt-get install -y gcc && make && apt-get purge -y gcc && apt-get autoremove -y\n"),
        ok("FROM node:20-slim\nCOPY . .\nRUN npm ci && npm run build && npm prune --omit=dev\n"),
        ok("FROM golang:1.22\nRUN go version\n"),
        ok("FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        if not df.stages:
            return
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        chain = final_image_stages(df, ctx.settings.build_args)
        instructions = [ins for ins in df.instructions if ins.stage in chain]
        if any(self._copies_from_stage(ins) for ins in instructions):
            return
        scripts = [rs for rs in cached_run_scripts(ctx) if not rs.onbuild and rs.stage in chain and rs.posix]
        self._installed_toolchains(ctx, scripts)
        root = infos[min(chain)]
        self._toolchain_base(ctx, root, scripts)
        self._node_dev_build(ctx, instructions, scripts)

    @staticmethod
    def _suggestion(ctx):
        """The whole Dockerfile rewritten as builder + runtime stages: shown, never applied."""

        def compute():
            from dockerlint.images.multistage import suggest_multistage

            suggestion = suggest_multistage(ctx.dockerfile, ctx.settings.build_args)
            if suggestion is None:
                return None
            text = ctx.source.text
            return make_fix([Edit(0, len(text), suggestion.text)], Applicability.DISPLAY_ONLY,
                            f"rewrite as a multi-stage build ({suggestion.ecosystem}); `dockerlint suggest multistage` prints it")

        return ctx.cached("df002-multistage-suggestion", compute)

    @staticmethod
    def _copies_from_stage(ins) -> bool:
        if ins.keyword in ("COPY", "ADD") and ins.flag("from") is not None:
            return True
        return ins.keyword == "RUN" and any(f.name == "mount" and "from=" in (f.value or "") for f in ins.flags)

    # ---- compilers installed by a package manager ----------------------------------------
    def _installed_toolchains(self, ctx, scripts):
        by_run: dict[int, list] = {}
        for rs in scripts:
            by_run.setdefault(id(rs.outer), []).append(rs)
        for group in by_run.values():
            installs: list[_Install] = []
            removals = _Removals()
            apt_marked_auto = False
            apt_autoremove = False
            for rs in group:
                for raw in rs.script.commands:
                    cmd = raw.effective()
                    if cmd.basename == "apt-mark" and any(w.value == "auto" for w in cmd.args):
                        apt_marked_auto = True
                        continue
                    manager = _manager(cmd)
                    if manager is None:
                        continue
                    words = cmd.positional(_VALUE_OPTS[manager])
                    if not words:
                        continue
                    verb = words[0].value
                    if manager == "apt" and (verb == "autoremove" or cmd.has_flag("--auto-remove", "--autoremove")):
                        apt_autoremove = True
                    if manager == "rpm" and verb == "history" and any(w.value in ("undo", "rollback") for w in words[1:]):
                        removals.everything.add("rpm")
                    if verb in _REMOVE_VERBS[manager]:
                        removals.names.update(_name(w.value, manager) for w in words[1:])
                        continue
                    if verb not in _INSTALL_VERBS[manager]:
                        continue
                    packages = [p for p in (_toolchain(w.value, manager) for w in words[1:]) if p]
                    if not packages:
                        continue
                    virtual = cmd.flag_value("-t", "--virtual") if manager == "apk" else None
                    installs.append(_Install(rs.command_span(raw).line, rs.command_span(raw), manager, packages, virtual))
            if apt_marked_auto and apt_autoremove:
                removals.everything.add("apt")
            for inst in installs:
                if inst.manager in removals.everything or (inst.virtual and inst.virtual in removals.names):
                    continue
                left = [p for p in inst.packages if p not in removals.names]
                if left:
                    ctx.report(
                        inst.span,
                        f"{_join(left)} installed at line {inst.line} ship{'s' if len(left) == 1 else ''} in the final image: "
                        "build in a separate stage and `COPY --from` only the result",
                        fix=self._suggestion(ctx),
                    )

    # ---- a toolchain base image used to build ---------------------------------------------
    def _toolchain_base(self, ctx, root, scripts):
        if not root.image or root.image.lower() == "scratch":
            return
        ref = parse_image(root.image)
        toolchain = self._toolchain_image(ref)
        if toolchain is None:
            return
        key, kind = toolchain
        for rs in scripts:
            for raw in rs.script.commands:
                cmd = raw.effective()
                what = self._build_command(cmd, _TOOLCHAIN_COMMANDS.get(key, _C_BUILD))
                if what is None:
                    continue
                line = rs.command_span(raw).line
                word = next((w for w in root.stage.from_.words()), None)
                span = word.span if word is not None else root.stage.from_.span
                ctx.report(
                    span,
                    f"The {kind} of `{root.image}` ships in the final image, though it is only needed for `{what}` at line {line}: "
                    "build in a separate stage and `COPY --from` only the result",
                    fix=self._suggestion(ctx),
                )
                return

    @staticmethod
    def _toolchain_image(ref) -> tuple[str, str] | None:
        """(key into _TOOLCHAIN_COMMANDS, what to call it) for a toolchain image."""
        data = info(ref)
        name = ref.official_name
        if data and data.get("toolchain"):
            return name, f"{name} toolchain"
        tag = (ref.tag or "latest").lower()
        if name in _JDK_IMAGES and "jre" not in tag:
            return "jdk", "JDK"
        if (ref.registry or "").lower() == "mcr.microsoft.com" and ref.repository.lower() == "dotnet/sdk":
            return "dotnet", ".NET SDK"
        return None

    @staticmethod
    def _build_command(cmd, allowed) -> str | None:
        name = cmd.basename
        if name not in allowed:
            return None
        if name in _C_BUILD or name in ("javac", "rustc"):
            return name
        verbs = _BUILD_COMMANDS.get(name)
        if verbs:
            words = [w.value for w in cmd.args if not w.value.startswith("-")]
            for verb in words[:3]:
                if verb in verbs:
                    return f"{name} {verb}"
        return None

    # ---- devDependencies installed to build a Node.js project ------------------------------
    def _node_dev_build(self, ctx, instructions, scripts):
        production_env = False
        for ins in instructions:
            if ins.keyword in ("ENV", "ARG") and ins.stage >= 0:
                for name, value in self._pairs(ins):
                    if name == "NODE_ENV" and (value or "").strip("\"'") == "production":
                        production_env = True
        commands = []
        for rs in scripts:
            for raw in rs.script.commands:
                commands.append((rs, raw, raw.effective()))
        full_install = None
        for k, (rs, raw, cmd) in enumerate(commands):
            if full_install is None and not production_env and self._full_install(cmd):
                full_install = (rs, raw, cmd)
                continue
            if full_install is not None and self._build(cmd):
                if any(self._prunes(later) for _, _, later in commands[k + 1 :]):
                    return
                install_line = full_install[0].command_span(full_install[1]).line
                tool = full_install[2].basename
                ctx.report(
                    rs.command_span(raw),
                    f"devDependencies installed at line {install_line} (`{tool} {self._verb(full_install[2])}`) ship in the final image "
                    "with this build: build in a separate stage, or prune them (`npm prune --omit=dev`)",
                    fix=self._suggestion(ctx),
                )
                return

    @staticmethod
    def _pairs(ins):
        if ins.keyword == "ARG":
            return parse_arg(ins)
        words = ins.words()
        if words and "=" not in words[0].text:
            return [(words[0].value, " ".join(w.value for w in words[1:]))]
        return [tuple(w.value.split("=", 1)) if "=" in w.value else (w.value, None) for w in words]

    @staticmethod
    def _verb(cmd) -> str:
        words = [w.value for w in cmd.args if not w.value.startswith("-")]
        return words[0] if words else "install"

    @staticmethod
    def _full_install(cmd) -> bool:
        name = cmd.basename
        values = [w.value for w in cmd.args]
        positional = [v for v in values if not v.startswith("-")]
        flags = " ".join(v for v in values if v.startswith("-"))
        if re.search(r"--omit[= ]dev|--production|--prod\b|--only[= ]prod|(?:^|\s)-P\b|(?:^|\s)-g\b|--global", flags):
            return False
        if "--omit" in values and "dev" in values:
            return False
        if name == "npm":
            return bool(positional) and positional[0] in ("ci", "install", "i", "clean-install") and len(positional) == 1
        if name == "yarn":
            return not positional or (positional == ["install"])
        if name == "pnpm":
            return bool(positional) and positional[0] in ("install", "i") and len(positional) == 1
        return False

    @staticmethod
    def _build(cmd) -> bool:
        name = cmd.basename
        positional = [w.value for w in cmd.args if not w.value.startswith("-")]
        if name in ("npm", "pnpm", "yarn") and len(positional) >= 2 and positional[0] in ("run", "run-script"):
            return positional[1].startswith("build")
        if name in ("yarn", "pnpm") and positional and positional[0].startswith("build"):
            return True
        return False

    @staticmethod
    def _prunes(cmd) -> bool:
        name = cmd.basename
        values = [w.value for w in cmd.args]
        if name in ("npm", "pnpm") and "prune" in values:
            return True
        if name == "yarn" and any(v in ("--production", "--prod") for v in values):
            return True
        if name == "rm" and any(v.rstrip("/").endswith("node_modules") for v in values):
            return True
        return name == "npm" and ("--omit=dev" in values or "--production" in values)


def _join(names: list[str]) -> str:
    names = [f"`{n}`" for n in dict.fromkeys(names)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
