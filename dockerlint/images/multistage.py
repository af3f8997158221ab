"""Rewrite a single-stage Dockerfile into a builder stage and a slim runtime stage.

Facts are read from the stages of the final image (base image, WORKDIR, COPY, the build
command, CMD...) and written out by one small function per ecosystem (plain Python: DF002
fires on many single-stage files, and importing a template engine for it cost 37 ms of
start-up):

- Go: `go build` in the toolchain image, the static binary on
  gcr.io/distroless/static-debian12:nonroot (or scratch);
- Python: wheels built with `pip wheel` where the compilers are, installed on `-slim`;
- Node.js: `npm ci` + the build script in the full image, production dependencies and the
  build output on `-slim`;
- Java: Maven or Gradle in the JDK image, the jar on the eclipse-temurin JRE.

The result is a suggestion (DF002's display-only fix, `dockerlint suggest multistage`): it
always parses and leaves DF002/DF003 nothing to report. It keeps what the original runs: the
runtime libraries the build's `-dev` packages imply (images/runtime_packages.py), the tools
the runtime lines use (`curl` in a HEALTHCHECK), a shell-form CMD (with a shell to run it),
and the original USER (none is added). What it cannot reason about (a library whose name
depends on the Debian suite, a binary path the CMD may expect) is said in `#` comments in the
suggestion. Pure: no I/O.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from dockerlint.rulekit.analysis import final_image_stages, stage_infos
from dockerlint.images.reference import parse_image
from dockerlint.images.runtime_packages import runtime_libraries, runtime_tools, suite_of
from dockerlint.parse.dockerfile import Dockerfile, Instruction
from dockerlint.rulekit.runs import run_scripts
from dockerlint.rulekit.toolchains import JDK_BUILD_TOOL_IMAGES, JDK_IMAGES
from dockerlint.rulekit.patterns import lazy

RUNTIME_ONLY = {"CMD", "ENTRYPOINT", "EXPOSE", "USER", "HEALTHCHECK", "LABEL", "VOLUME", "STOPSIGNAL", "ONBUILD", "MAINTAINER", "SHELL"}
GO_RUNTIMES = {"distroless": "gcr.io/distroless/static-debian12:nonroot", "scratch": "scratch"}
_GO_VALUE_FLAGS = {"-o", "-ldflags", "-tags", "-gcflags", "-asmflags", "-mod", "-p", "-pkgdir", "-installsuffix", "-buildmode", "-compiler", "-overlay", "-pgo", "-modfile"}
_PIP_VALUE_FLAGS = {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "-c", "--constraint", "-t", "--target", "--prefix", "--root", "--trusted-host", "--progress-bar", "-r", "--requirement", "-e", "--editable"}
_BUILD_PACKAGES = lazy(
    r"^(?:build-essential|gcc(?:-\d+)?|g\+\+(?:-\d+)?|cpp|clang(?:-\d+)?|make|cmake|ninja-build|autoconf|automake|libtool|pkg-config|pkgconf|"
    r"libc6-dev|libc-dev|musl-dev|build-base|git|curl|wget|gnupg|ca-certificates|python3-dev|python3-pip|python3-venv|.*-dev)$"
)
_NODE_MANAGERS = ("npm", "yarn", "pnpm")
_JDK_IMAGES = JDK_IMAGES + JDK_BUILD_TOOL_IMAGES


@dataclass
class Suggestion:
    """A multi-stage rewrite suggested for one ecosystem: its text and notes."""

    ecosystem: str  # "go", "python", "node", "java"
    text: str
    notes: list[str] = field(default_factory=list)


@dataclass
class _Facts:
    """What the suggestion is made from: the final stage's instructions and RUN commands."""

    df: Dockerfile
    image: str
    instructions: list[Instruction]  # the final image's instructions, FROM excluded
    commands: list[tuple[Instruction, object, str]]  # (RUN, Command, command text)

    def text(self, ins: Instruction) -> str:
        return self.df.source.text[ins.span.start : ins.span.end]

    def runtime_lines(self, keep=("ENV", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK")) -> list[str]:
        return [self.text(i) for i in self.instructions if i.keyword in keep]

    def last(self, keyword: str) -> Instruction | None:
        found = [i for i in self.instructions if i.keyword == keyword]
        return found[-1] if found else None

    def workdir(self, default: str = "/app") -> str:
        ins = self.last("WORKDIR")
        value = ins.args.strip().strip("\"'") if ins else ""
        return value if value.startswith("/") else default

    def exec_command(self) -> list[str] | None:
        """The exec-form ENTRYPOINT + CMD, as the container would run it."""
        entry, cmd = self.last("ENTRYPOINT"), self.last("CMD")
        if (entry and entry.json is None) or (cmd and cmd.json is None):
            return None
        return (entry.json if entry else []) + (cmd.json if cmd else [])


def _facts(df: Dockerfile, build_args: dict[str, str] | None) -> _Facts | None:
    if not df.stages:
        return None
    chain = final_image_stages(df, build_args)
    infos = stage_infos(df, build_args)
    root = infos[min(chain)]
    if len(chain) != 1 or root.image is None or root.image.lower() == "scratch":
        return None  # already built from other stages, or an unknown base
    instructions = [i for i in df.instructions if i.stage in chain and i.keyword != "FROM"]
    commands = []
    for rs in run_scripts(df):
        if rs.onbuild or rs.stage not in chain or not rs.posix:
            continue
        for raw in rs.script.commands:
            commands.append((rs.outer, raw.effective(), rs.text[raw.start : raw.end]))
    return _Facts(df, root.image, instructions, commands)


def _positional(cmd, value_flags) -> list[str]:
    return [w.value for w in cmd.positional(value_flags)]


def _document(*parts) -> str:
    """Lines (a string, or a list of them; None and empty strings from an unmet condition
    vanish), joined; blank runs squeezed to one blank line, one final newline."""
    lines: list[str] = []
    for part in parts:
        if isinstance(part, str):
            lines.append(part)
        elif part:
            lines.extend(part)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip("\n") + "\n"


def _notes(notes: list[str]) -> list[str]:
    return [f"# {note}" for note in notes]


def _official(image: str) -> tuple[str | None, str]:
    ref = parse_image(image)
    return ref.official_name, ref.tag or "latest"


# ---- Go ------------------------------------------------------------------------------------

def _go(f: _Facts, runtime: str) -> Suggestion | None:
    builds = [(ins, cmd) for ins, cmd, _t in f.commands if cmd.basename == "go" and _positional(cmd, _GO_VALUE_FLAGS)[:1] == ["build"]]
    name, _tag = _official(f.image)
    if not builds:
        return None
    build_run, build_cmd = builds[-1]
    packages = _positional(build_cmd, _GO_VALUE_FLAGS)[1:] or ["."]
    build_lines = [f.text(i) for i in f.instructions if i.keyword not in RUNTIME_ONLY and i is not build_run]
    notes = []
    command = f.exec_command()
    cmd_args = json.dumps(command[1:]) if command and len(command) > 1 else ""
    runtime_image = GO_RUNTIMES.get(runtime, runtime)
    shell_form = command is None
    # where the original command expects the binary: its `go build -o` path when absolute
    output = _go_output(build_cmd)
    binary = output if shell_form and output and output.startswith("/") else "/app"
    command_lines: list[str] = []
    if shell_form:
        # keep the shell-form CMD/ENTRYPOINT as written: distroless's debug variant has a
        # busybox shell, and SHELL makes the shell form use it
        if runtime_image == GO_RUNTIMES["distroless"]:
            runtime_image = "gcr.io/distroless/static-debian12:debug-nonroot"
            command_lines = ['SHELL ["/busybox/sh", "-c"]', *f.runtime_lines(("ENTRYPOINT", "CMD"))]
        else:
            notes.append(f"the original shell-form CMD/ENTRYPOINT needs a shell, which {runtime_image} lacks: "
                         "write it in exec form (`CMD [\"/app\", ...]`) or use --go-runtime distroless")
            command_lines = [f"# {line}" for line in f.runtime_lines(("ENTRYPOINT", "CMD"))]
        if binary == "/app" and output != "/app":
            notes.append("the binary is /app in the runtime image: check that the CMD/ENTRYPOINT above runs that path")
    else:
        command_lines = ['ENTRYPOINT ["/app"]', *([f"CMD {cmd_args}"] if cmd_args else [])]
    if name != "golang":
        notes.append(f"the builder is `{f.image}` as before; golang:<version> is the usual choice")
    runtime_lines = f.runtime_lines(("ENV", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL"))
    text = _document(
        "# syntax=docker/dockerfile:1",
        "# Suggested by dockerlint (DF002): build the Go binary in one stage, ship only the binary.",
        f"FROM {f.image} AS build",
        build_lines,
        "ENV CGO_ENABLED=0",
        f'RUN go build -trimpath -ldflags="-s -w" -o /out/app {" ".join(packages)}',
        "",
        f"FROM {runtime_image}",
        ["COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/"] if runtime_image == "scratch" else [],
        runtime_lines,
        f"COPY --from=build /out/app {binary}",
        command_lines,
        _notes(notes),
    )
    return Suggestion("go", text, notes)


def _go_output(cmd) -> str | None:
    """The `-o` path of a `go build`."""
    values = cmd.arg_values
    for i, v in enumerate(values):
        if v == "-o" and i + 1 < len(values):
            return values[i + 1]
        if v.startswith("-o="):
            return v[3:]
    return None


def _runtime_apt(packages: list[str]) -> list[str]:
    return [
        "RUN apt-get update \\",
        f" && apt-get install -y --no-install-recommends {' '.join(packages)} \\",
        " && rm -rf /var/lib/apt/lists/*",
    ] if packages else []


# ---- Python --------------------------------------------------------------------------------

def _apt_packages(cmd) -> list[str]:
    if cmd.basename not in ("apt-get", "apt"):
        return []
    words = _positional(cmd, {"-o", "--option", "-t", "--target-release", "-c", "--config-file"})
    if not words or words[0] != "install":
        return []
    return [re.split(r"[=<>]", w, 1)[0] for w in words[1:]]


def _python(f: _Facts) -> Suggestion | None:
    from dockerlint.images.knowledge import slim_tag

    name, tag = _official(f.image)
    pips = [(ins, cmd) for ins, cmd, _t in f.commands if re.fullmatch(r"pip\d?(\.\d+)?", cmd.basename) and _positional(cmd, _PIP_VALUE_FLAGS)[:1] == ["install"]]
    pips += [(ins, cmd) for ins, cmd, _t in f.commands
             if re.fullmatch(r"python\d?(\.\d+)?", cmd.basename) and cmd.arg_values[:3] == ["-m", "pip", "install"]]
    if not pips:
        return None
    wheel_args, requirements, local = [], [], False
    for _ins, cmd in pips:
        values = cmd.arg_values
        i = 0
        while i < len(values):
            v = values[i]
            if v in ("-r", "--requirement", "-c", "--constraint") and i + 1 < len(values):
                wheel_args += [v, values[i + 1]]
                requirements.append(values[i + 1])
                i += 2
                continue
            if v.startswith(("--requirement=", "--constraint=")):
                wheel_args.append(v)
                requirements.append(v.split("=", 1)[1])
            elif v in ("-e", "--editable") and i + 1 < len(values):
                wheel_args.append(values[i + 1])
                local = local or values[i + 1].startswith((".", "/"))
                i += 2
                continue
            elif v in _PIP_VALUE_FLAGS and i + 1 < len(values):
                i += 2
                continue
            elif not v.startswith("-") and v not in ("install", "pip", "-m"):
                wheel_args.append(v)
                local = local or v.startswith((".", "/"))
            i += 1
    if not wheel_args:
        return None
    pip_runs = {id(ins) for ins, _c in pips}
    apt_runs, runtime_packages, installed = [], [], []
    for ins, cmd, _t in f.commands:
        packages = _apt_packages(cmd)
        if packages:
            if ins not in apt_runs:
                apt_runs.append(ins)
            installed += [p for p in packages if p not in installed]
            runtime_packages += [p for p in packages if not _BUILD_PACKAGES.match(p) and p not in runtime_packages]
    builder = f.image
    runtime = f.image
    if name == "python":
        slim = slim_tag("version-slim-suite", tag)
        if slim:
            runtime = f"{f.image.rsplit(':', 1)[0] if parse_image(f.image).tag else f.image}:{slim}"
    notes = []
    if runtime == f.image:
        notes.append(f"`{f.image}` stays the runtime image: no slimmer variant is known for it")
    build_copies = ["COPY . ."] if local else [f"COPY {' '.join(dict.fromkeys(requirements))} ./"] if requirements else []
    skip = pip_runs | {id(i) for i in apt_runs}
    app_lines = [f.text(i) for i in f.instructions if id(i) not in skip and not (i.keyword == "RUN" and _only_pip_or_apt(f, i))]
    # what the wheels link against (libpq-dev -> libpq5), and the tools the kept lines run
    libraries, library_notes = runtime_libraries([p for p in installed if _BUILD_PACKAGES.match(p)], suite_of(runtime))
    notes += library_notes
    runtime_packages += [p for p in libraries if p not in runtime_packages]
    if runtime != f.image:
        runtime_packages += [p for p in runtime_tools(app_lines) if p not in runtime_packages]
    apt_install = _runtime_apt(runtime_packages)
    text = _document(
        "# syntax=docker/dockerfile:1",
        "# Suggested by dockerlint (DF002): build wheels where the compilers are, install them on -slim.",
        f"FROM {builder} AS build",
        "WORKDIR /src",
        [f.text(i) for i in apt_runs],
        build_copies,
        f"RUN pip wheel --no-cache-dir --wheel-dir /wheels {' '.join(wheel_args)}",
        "",
        f"FROM {runtime}",
        apt_install,
        "COPY --from=build /wheels /wheels",
        "RUN pip install --no-cache-dir --no-index /wheels/*.whl \\",
        " && rm -rf /wheels",
        app_lines,
        _notes(notes),
    )
    return Suggestion("python", text, notes)


def _only_pip_or_apt(f: _Facts, ins: Instruction) -> bool:
    names = {cmd.basename for i, cmd, _t in f.commands if i is ins}
    return bool(names) and names <= {"pip", "pip3", "python", "python3", "apt-get", "apt", "rm", "true"}


# ---- Node.js -------------------------------------------------------------------------------

def _node(f: _Facts) -> Suggestion | None:
    from dockerlint.images.knowledge import is_lean_tag, slim_tag

    name, tag = _official(f.image)
    builds = [(ins, cmd, text) for ins, cmd, text in f.commands if cmd.basename in _NODE_MANAGERS and _is_node_build(cmd)]
    if not builds:
        return None
    manager = builds[-1][1].basename
    build_command = builds[-1][2]
    install_all, install_production, manifests = {
        "npm": ("npm ci", "npm ci --omit=dev && npm cache clean --force", "package*.json"),
        "yarn": ("yarn install --frozen-lockfile", "yarn install --frozen-lockfile --production && yarn cache clean", "package.json yarn.lock"),
        "pnpm": ("corepack enable && pnpm install --frozen-lockfile", "corepack enable && pnpm install --frozen-lockfile --prod", "package.json pnpm-lock.yaml"),
    }[manager]
    runtime = f.image
    if name == "node" and not is_lean_tag(tag):
        slim = slim_tag("version-suite-slim", tag)
        if slim:
            runtime = f"{f.image.rsplit(':', 1)[0] if parse_image(f.image).tag else f.image}:{slim}"
    command = f.exec_command() or []
    output_dir = next((a.split("/", 1)[0] for a in command[1:] if "/" in a and not a.startswith("/")), "dist")
    notes = [] if any("/" in a for a in command[1:]) else [f"the build output is assumed to be in `{output_dir}/`; adjust the COPY --from line"]
    runtime_lines = [line for line in f.runtime_lines(("ENV", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "USER"))
                     if not re.match(r"ENV\s+NODE_ENV[= ]", line, re.I)]
    command_lines = f.runtime_lines(("ENTRYPOINT", "CMD"))
    # -slim lacks tools the full image had: install the ones the runtime lines run
    tools = runtime_tools(runtime_lines + command_lines) if runtime != f.image else []
    workdir = f.workdir()
    text = _document(
        "# syntax=docker/dockerfile:1",
        "# Suggested by dockerlint (DF002): build with devDependencies, ship production dependencies only.",
        f"FROM {f.image} AS build",
        f"WORKDIR {workdir}",
        f"COPY {manifests} ./",
        f"RUN {install_all}",
        "COPY . .",
        f"RUN {build_command}",
        "",
        f"FROM {runtime}",
        _runtime_apt(tools),
        "ENV NODE_ENV=production",
        f"WORKDIR {workdir}",
        f"COPY {manifests} ./",
        f"RUN {install_production}",
        f"COPY --from=build {workdir}/{output_dir} ./{output_dir}",
        runtime_lines,
        command_lines,
        _notes(notes),
    )
    return Suggestion("node", text, notes)


def _is_node_build(cmd) -> bool:
    positional = [w.value for w in cmd.args if not w.value.startswith("-")]
    if len(positional) >= 2 and positional[0] in ("run", "run-script"):
        return positional[1].startswith("build")
    return cmd.basename in ("yarn", "pnpm") and bool(positional) and positional[0].startswith("build")


# ---- Java ----------------------------------------------------------------------------------

def _java_version(image: str) -> str:
    _name, tag = _official(image)
    for pattern in (r"(?:jdk|temurin-|corretto-|openjdk-?)(\d{1,2})\b", r"^(\d{1,2})(?:\b|[.-])"):
        m = re.search(pattern, tag)
        if m and 8 <= int(m.group(1)) <= 40:
            return m.group(1)
    return "21"


def _java(f: _Facts) -> Suggestion | None:
    tools = {"mvn": "maven", "mvnw": "maven", "gradle": "gradle", "gradlew": "gradle"}
    verbs = {"maven": ("package", "install", "verify"), "gradle": ("build", "assemble", "bootJar", "jar", "shadowJar")}
    found = None
    for ins, cmd, _t in f.commands:
        tool = tools.get(cmd.basename)
        if tool and any(w.value in verbs[tool] for w in cmd.args):
            found = (ins, tool)
    if found is None:
        return None
    build_run, tool = found
    # the directory the build runs in: a `cd DIR` before it in the same RUN, else the WORKDIR then
    directory = "/"
    for ins in f.instructions:
        if ins is build_run:
            break
        if ins.keyword == "WORKDIR":
            value = ins.args.strip().strip("\"'")
            directory = value if value.startswith("/") else directory.rstrip("/") + "/" + value
    for ins, cmd, _t in f.commands:
        if ins is build_run and cmd.basename == "cd" and cmd.arg_values and cmd.arg_values[0].startswith("/"):
            directory = cmd.arg_values[0]
    artifact = directory.rstrip("/") + ("/target/*.jar" if tool == "maven" else "/build/libs/*.jar")
    version = _java_version(f.image)
    build_lines = [f.text(i) for i in f.instructions if i.keyword not in RUNTIME_ONLY]
    runtime_lines = f.runtime_lines(("ENV", "EXPOSE", "LABEL", "VOLUME", "STOPSIGNAL", "HEALTHCHECK", "USER"))
    notes = [f"one jar is expected in {artifact.rsplit('/', 1)[0]}/ (skip plain/sources jars in the build if there are several)"]
    text = _document(
        "# syntax=docker/dockerfile:1",
        f"# Suggested by dockerlint (DF002): build with the JDK ({tool}), run the jar on a JRE.",
        f"FROM {f.image} AS build",
        build_lines,
        "",
        f"FROM eclipse-temurin:{version}-jre",
        "WORKDIR /app",
        f"COPY --from=build {artifact} /app/app.jar",
        runtime_lines,
        'ENTRYPOINT ["java", "-jar", "/app/app.jar"]',
        _notes(notes),
    )
    return Suggestion("java", text, notes)


# ---- entry point -----------------------------------------------------------------------------

def suggest_multistage(df: Dockerfile, build_args: dict[str, str] | None = None, *, go_runtime: str = "distroless") -> Suggestion | None:
    facts = _facts(df, build_args)
    if facts is None:
        return None
    name, _tag = _official(facts.image)
    names = {cmd.basename for _i, cmd, _t in facts.commands}
    order = []
    if name == "golang" or "go" in names:
        order.append(lambda: _go(facts, go_runtime))
    if name in _JDK_IMAGES or names & {"mvn", "mvnw", "gradle", "gradlew"}:
        order.append(lambda: _java(facts))
    if name == "node" or names & set(_NODE_MANAGERS):
        order.append(lambda: _node(facts))
    if name == "python" or names & {"pip", "pip3"} or any(re.fullmatch(r"python\d?(\.\d+)?", n) for n in names):
        order.append(lambda: _python(facts))
    for attempt in order:
        result = attempt()
        if result is not None:
            return result
    return None
