"""Toolchains that end up in a final image (what DF002 judges, and what the multi-stage
suggestion rebuilds): compilers a package manager installs and never removes, a toolchain base
image (JDK, Go, Rust, .NET SDK, gcc) used only to build, and Node.js devDependencies installed
for a build. Each function returns facts with spans; the rule words the finding."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from dockerlint.images.knowledge import info
from dockerlint.images.reference import parse_image
from dockerlint.rulekit.analysis import parse_arg
from dockerlint.rulekit.package_managers import APK_VALUE_OPTS, APT_VALUE_OPTS, RPM_VALUE_OPTS, ZYPPER_VALUE_OPTS
from dockerlint.rulekit.patterns import lazy

_APT_TOOLCHAIN = lazy(
    r"^(?:build-essential|gcc(?:-\d+)?|g\+\+(?:-\d+)?|cpp(?:-\d+)?|clang(?:-\d+)?|make|cmake|ninja-build|meson|"
    r"autoconf|automake|libtool|libc6-dev|libc-dev|gfortran(?:-\d+)?|golang(?:-[\d.]+)?(?:-go)?|cargo|rustc|"
    r"maven|gradle|default-jdk(?:-headless)?|openjdk-\d+-jdk(?:-headless)?)$"
)
_APK_TOOLCHAIN = lazy(
    r"^(?:build-base|gcc|g\+\+|make|cmake|samurai|ninja(?:-build)?|clang\d*|musl-dev|libc-dev|autoconf|automake|libtool|"
    r"gfortran|go|cargo|rust|maven|gradle|openjdk\d+(?:-jdk)?)$"
)
_RPM_TOOLCHAIN = lazy(
    r"^(?:gcc|gcc-c\+\+|gcc-toolset-\d+|make|cmake|ninja-build|clang|glibc-devel|autoconf|automake|libtool|gcc-gfortran|"
    r"golang|go-toolset|cargo|rust|rust-toolset|maven|gradle|java-[\d.]+-openjdk-devel|@development-tools|@development)$"
)
_ZYPPER_TOOLCHAIN = lazy(
    r"^(?:gcc\d*|gcc\d*-c\+\+|make|cmake|ninja|clang\d*|glibc-devel|autoconf|automake|libtool|go(?:\d[\d.]*)?|cargo|rust|"
    r"maven|gradle|java-[\d_]+-openjdk-devel|patterns-devel-base-devel_basis)$"
)
_RPM_VERSION = lazy(r"-\d[\w.+~:]*(?:-[\w.]+)?$")

# ---- toolchain base images and the commands that build with them -----------------------------
# Official images that are a JDK unless their tag says JRE (maven and gradle images carry one too)
JDK_IMAGES = ("eclipse-temurin", "openjdk", "amazoncorretto", "ibm-semeru-runtimes", "sapmachine")
JDK_BUILD_TOOL_IMAGES = ("maven", "gradle")
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
    """A package-manager install of build toolchain packages."""

    line: int
    span: object
    manager: str
    packages: list[str]  # toolchain packages as written (version pins removed)
    virtual: str | None = None


@dataclass
class _Removals:
    """What later commands remove again, per package manager."""

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


# the package managers' own option tables: one source for every rule that reads their commands
_VALUE_OPTS = {"apt": APT_VALUE_OPTS, "apk": APK_VALUE_OPTS, "rpm": RPM_VALUE_OPTS, "zypper": ZYPPER_VALUE_OPTS}
_INSTALL_VERBS = {"apt": ("install",), "apk": ("add",), "rpm": ("install", "groupinstall", "in"), "zypper": ("install", "in")}
_REMOVE_VERBS = {"apt": ("remove", "purge"), "apk": ("del",), "rpm": ("remove", "erase", "autoremove", "rm"), "zypper": ("remove", "rm")}




def copies_from_stage(ins) -> bool:
    """Does this instruction take files from another stage (so the build is already split)?"""
    if ins.keyword in ("COPY", "ADD") and ins.flag("from") is not None:
        return True
    return ins.keyword == "RUN" and any(f.name == "mount" and "from=" in (f.value or "") for f in ins.flags)


# ---- compilers installed by a package manager ------------------------------------------------
def leftover_toolchain_installs(scripts) -> list[_Install]:
    """Toolchain packages installed in these RUN scripts and not removed in the same RUN (with
    only the packages still left)."""
    found: list[_Install] = []
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
                found.append(_Install(inst.line, inst.span, inst.manager, left, inst.virtual))
    return found


# ---- a toolchain base image used to build -----------------------------------------------------
@dataclass
class ToolchainBaseUse:
    """A final stage built FROM a toolchain image that runs a build there."""

    span: object  # the image in FROM
    what: str  # "JDK", "golang toolchain", ...
    command: str  # "go build", "javac", ...
    line: int  # where it runs


def toolchain_base_use(root, scripts) -> ToolchainBaseUse | None:
    """The first build command that is all the root stage's toolchain image is used for."""
    if not root.image or root.image.lower() == "scratch":
        return None
    toolchain = toolchain_image(parse_image(root.image))
    if toolchain is None:
        return None
    key, what = toolchain
    for rs in scripts:
        for raw in rs.script.commands:
            command = _build_command(raw.effective(), _TOOLCHAIN_COMMANDS.get(key, _C_BUILD))
            if command is None:
                continue
            word = next((w for w in root.stage.from_.words()), None)
            span = word.span if word is not None else root.stage.from_.span
            return ToolchainBaseUse(span, what, command, rs.command_span(raw).line)
    return None


def toolchain_image(ref) -> tuple[str, str] | None:
    """(key into _TOOLCHAIN_COMMANDS, what to call it) for a toolchain image."""
    data = info(ref)
    name = ref.official_name
    if data and data.get("toolchain"):
        return name, f"{name} toolchain"
    tag = (ref.tag or "latest").lower()
    if name in JDK_IMAGES and "jre" not in tag:
        return "jdk", "JDK"
    if (ref.registry or "").lower() == "mcr.microsoft.com" and ref.repository.lower() == "dotnet/sdk":
        return "dotnet", ".NET SDK"
    return None


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


# ---- devDependencies installed to build a Node.js project --------------------------------------
@dataclass
class NodeDevBuild:
    """A Node build after an install of devDependencies that nothing prunes."""

    span: object  # the build command
    install_line: int
    install: str  # "npm ci"


def node_dev_build(instructions, scripts) -> NodeDevBuild | None:
    """A build after a full (devDependencies included) install that nothing prunes later."""
    production_env = False
    for ins in instructions:
        if ins.keyword in ("ENV", "ARG") and ins.stage >= 0:
            for name, value in _pairs(ins):
                if name == "NODE_ENV" and (value or "").strip("\"'") == "production":
                    production_env = True
    commands = [(rs, raw, raw.effective()) for rs in scripts for raw in rs.script.commands]
    full_install = None
    for k, (rs, raw, cmd) in enumerate(commands):
        if full_install is None and not production_env and _full_install(cmd):
            full_install = (rs, raw, cmd)
            continue
        if full_install is not None and _build(cmd):
            if any(_prunes(later) for _, _, later in commands[k + 1 :]):
                return None
            install_line = full_install[0].command_span(full_install[1]).line
            return NodeDevBuild(rs.command_span(raw), install_line, f"{full_install[2].basename} {_verb(full_install[2])}")
    return None


def _pairs(ins):
    if ins.keyword == "ARG":
        return parse_arg(ins)
    words = ins.words()
    if words and "=" not in words[0].text:
        return [(words[0].value, " ".join(w.value for w in words[1:]))]
    return [tuple(w.value.split("=", 1)) if "=" in w.value else (w.value, None) for w in words]


def _verb(cmd) -> str:
    words = [w.value for w in cmd.args if not w.value.startswith("-")]
    return words[0] if words else "install"


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


def _build(cmd) -> bool:
    name = cmd.basename
    positional = [w.value for w in cmd.args if not w.value.startswith("-")]
    if name in ("npm", "pnpm", "yarn") and len(positional) >= 2 and positional[0] in ("run", "run-script"):
        return positional[1].startswith("build")
    if name in ("yarn", "pnpm") and positional and positional[0].startswith("build"):
        return True
    return False


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
