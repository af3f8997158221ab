"""What the package-manager rules (DL3008...DL3060) share: not a rule itself (the registry
skips modules whose name starts with `_`).

* `runs(ctx)`: every RUN instruction with its scripts (command line and heredoc body),
  plain RUNs and ONBUILD RUNs, in file order;
* `invocations(...)`: the commands of a package manager with their subcommand and arguments
  (option values told apart from packages);
* `expand_word(...)`: a package word with `$VAR`s resolved from ARG/ENV, or None when its
  value cannot be known (an ARG without default, a variable the script computes or sets twice, `$(...)`);
* `cache_mounted(...)`: `RUN --mount=type=cache|tmpfs,target=<dir>` handling;
* `stage_persists(...)`: whether what a stage leaves behind reaches another stage or the image.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from dockerlint.rulekit import keyvalues
from dockerlint.rulekit.analysis import parse_arg, stage_infos, substitute
from dockerlint.parse.dockerfile import Instruction
from dockerlint.rulekit.runs import RunScript, cached_run_scripts
from dockerlint.parse.shell import Command, ShellWord, exclusive
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Callable, Iterable, Iterator

# --------------------------------------------------------------------------------------------
# RUN instructions


@dataclass
class Run:
    """One RUN (or ONBUILD RUN) with its scripts: the command line, then a heredoc body."""

    outer: Instruction
    instruction: Instruction
    onbuild: bool
    scripts: list[RunScript] = field(default_factory=list)

    @property
    def stage(self) -> int:
        return self.outer.stage

    @property
    def exec_form(self) -> bool:
        return self.instruction.json is not None

    _commands: list[tuple[RunScript, Command]] | None = field(default=None, repr=False, compare=False)
    _by_basename: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    _named: dict[tuple[str, ...], list] = field(default_factory=dict, repr=False, compare=False)

    def commands(self) -> Iterator[tuple[RunScript, Command]]:
        """Every simple command (wrappers such as `sudo`/`env` removed) with its script, in
        order. Unwrapped once per RUN: some twenty rules ask for them."""
        return iter(self._all_commands())

    def _all_commands(self) -> list[tuple[RunScript, Command]]:
        if self._commands is None:
            self._commands = [(script, cmd.effective()) for script in self.scripts for cmd in script.script.commands]
        return self._commands

    def named(self, names: tuple[str, ...]) -> list[tuple[RunScript, Command]]:
        """The commands `Command.is_named(*names)` accepts, in order, through a basename index
        (the answer kept per `names`: several rules ask for apt-get's, pip's...)."""
        found = self._named.get(names)
        if found is None:
            found = self._named[names] = self._find_named(names)
        return list(found)

    def _find_named(self, names: tuple[str, ...]) -> list[tuple[RunScript, Command]]:
        commands = self._all_commands()
        index = self._by_basename
        if index is None:
            index = self._by_basename = {}
            for i, (_script, cmd) in enumerate(commands):
                index.setdefault(cmd.basename, []).append(i)
        hits: list[int] = []
        for n in names:
            if "/" in n:  # a path: the exact name, or the basename for the names without one
                return [(s, c) for s, c in commands if c.is_named(*names)]
            hits += index.get(n, ())
        if len(names) > 1:
            hits = sorted(set(hits))  # in the RUN's order
        return [commands[i] for i in hits]


def runs(ctx) -> list[Run]:
    def build() -> list[Run]:
        out: list[Run] = []
        by_outer: dict[int, Run] = {}
        for script in cached_run_scripts(ctx):
            if script.heredoc is not None and not script.posix:
                continue  # a `#!/usr/bin/env python3` heredoc body is not shell
            key = id(script.outer)
            run = by_outer.get(key)
            if run is None:
                run = Run(script.outer, script.instruction, script.onbuild)
                by_outer[key] = run
                out.append(run)
            run.scripts.append(script)
        return out

    return ctx.cached("pkg_runs", build)


def position(run: Run, script: RunScript, cmd: Command) -> tuple[int, int]:
    """Order of a command within its RUN, across the RUN's scripts."""
    return run.scripts.index(script), cmd.start


# --------------------------------------------------------------------------------------------
# Package manager invocations


@dataclass
class Invocation:
    """A package-manager command in a RUN, with its positional words."""

    script: RunScript
    command: Command  # effective command (`sudo` etc. removed)
    words: list[ShellWord]  # positional arguments: subcommand(s) and operands

    @property
    def verb(self) -> str:
        return self.words[0].value if self.words else ""

    def word(self, i: int) -> ShellWord | None:
        return self.words[i] if i < len(self.words) else None

APT_VALUE_OPTS = frozenset({
    "-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file",
    "-a", "--host-architecture", "-P", "--build-profiles",
})
APK_VALUE_OPTS = frozenset({
    "-t", "--virtual", "-X", "--repository", "-p", "--root", "--keys-dir",
    "--repositories-file", "--cache-dir", "--arch", "--cache-max-age", "--wait", "--timeout",
})
RPM_VALUE_OPTS = frozenset({
    "-c", "--config", "--installroot", "--releasever", "--setopt", "--enablerepo",
    "--disablerepo", "--repo", "--repoid", "-x", "--exclude", "-d", "--debuglevel", "-e",
    "--errorlevel", "--rpmverbosity", "--color", "--forcearch", "--downloaddir", "--destdir",
    "--comment", "--disableexcludes", "--disableexcludepkgs", "--advisory", "--advisories",
    "--bz", "--bzs", "--cve", "--cves", "--sec-severity", "--secseverity", "--repofrompath",
    "--disableplugin", "--enableplugin", "-R", "--randomwait", "--use-host-config",
})
ZYPPER_VALUE_OPTS = frozenset({
    "-r", "--repo", "--from", "-t", "--type", "--download", "-R", "--root", "-c", "--config",
    "-D", "--reposd-dir", "-C", "--cache-dir", "--raw-cache-dir", "--solv-cache-dir",
    "--pkg-cache-dir", "--installroot",
})
YARN_VALUE_OPTS = frozenset({
    "--cwd", "--cache-folder", "--modules-folder", "--network-timeout", "--mutex",
    "--registry", "--global-folder", "--link-folder", "--preferred-cache-folder",
    "--use-yarnrc", "--network-concurrency", "--otp",
})


def invocations(run: Run, names: Iterable[str], value_opts: Iterable[str] = ()) -> Iterator[Invocation]:
    for script, cmd in run.named(tuple(names)):
        yield Invocation(script, cmd, cmd.positional(value_opts))


# --------------------------------------------------------------------------------------------
# Variables in package words


# Variables a RUN sees without the Dockerfile declaring them: unknowable, never "empty".
RUNTIME_VARIABLES = frozenset({
    "HOME", "PATH", "PWD", "OLDPWD", "USER", "HOSTNAME", "SHELL", "TERM", "LANG", "UID",
    "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy",
    "NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "RANDOM", "IFS",
})
_SHELL_LOCAL = lazy(
    r"(?:^|[\s;&|(`{])(?:export\s+|local\s+|readonly\s+|declare\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)\+?="
    r"|\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s"
    r"|\bread\s+(?:-\w+\s+)*([A-Za-z_][A-Za-z0-9_ ]*)"
    r"|\bgetopts\s+\S+\s+([A-Za-z_][A-Za-z0-9_]*)",
    re.M,
)


# `NAME=constant` standing alone as a command (not an env prefix such as `A=1 cmd`, nor in
# the body of an `if`/`for`, where it may not run). Before the special built-in `set` the
# assignment stays, as POSIX shells (dash, busybox ash) do: `deps='gcc' set -x && ...`.
# (Blanks after the separator stop at a newline: `^` under re.M already starts a match on every
# line, and letting them run over newlines made a run of blank lines quadratic.)
_LITERAL_ASSIGNMENT = lazy(
    r"(?:^|[;&|({])[ \t]*(?:export[ \t]+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)="
    r"(?:'(?P<single>[^']*)'|\"(?P<double>[^\"$`\\]*)\"|(?P<bare>[^\s;&|()<>$`'\"\\]*))"
    r"(?=[ \t]*(?:$|[;&|)\n]|set[ \t]))",
    re.M,
)


class Unknown(Exception):
    """A word's value cannot be known before the build."""


@dataclass
class Variables:
    """What `$NAME` stands for in one RUN: `values[name]` is a string, or None when it is
    declared but not knowable (an ARG without a default). Names the script itself assigns
    (`local`) are unknowable too, except one assigned exactly once, to a constant, as a
    command of its own (`deps='gcc make' && apk add $deps`): `values` holds it. Anything
    else is unset, so it expands to nothing."""

    values: dict[str, str | None]
    local: frozenset[str] = frozenset()
    everything_unknown: bool = False
    # Where the script assigns each local name: (the RunScript, character offset).
    assigned_at: dict[str, list[tuple[object, int]]] = field(default_factory=dict)

    def lookup(self, name: str, where: tuple[object, int] | None = None) -> str | None:
        """The value of `$name` at `where` (a RunScript and an offset in it, when known); None
        when it is unset; raises Unknown."""
        if self.everything_unknown or name in RUNTIME_VARIABLES:
            raise Unknown(name)
        if name in self.local and not self._unreached(name, where):
            raise Unknown(name)
        if name not in self.values:
            return None
        value = self.values[name]
        if value is None:
            raise Unknown(name)
        return value

    def _unreached(self, name: str, where: tuple[object, int] | None) -> bool:
        """Whether no assignment of the script to `name` can run before `where`: each sits in
        another branch of an `if`/`case` that holds `where` (`if …; then V=$(…); else
        apt-get install $V; fi` installs the ARG's value)."""
        sites = self.assigned_at.get(name)
        if where is None or not sites:
            return False
        script, at = where
        return all(site is script and exclusive(site.script.branches(), offset, at) for site, offset in sites)


def _declared_variables(ctx) -> dict[int, dict[str, str | None]]:
    """For each RUN (by `id` of its outer instruction): the ARG/ENV values it sees.

    Like hadolint, an ARG counts from where it is declared to the end of the file (hadolint
    does not reset ARGs at `FROM`); ENV follows stages, and a stage built `FROM` an earlier
    one inherits its ENV. Values given with `build-args` in the config win over defaults.
    """

    def build():
        df = ctx.dockerfile
        build_args = dict(getattr(ctx.settings, "build_args", {}) or {})
        infos = stage_infos(df, build_args)
        args: dict[str, str | None] = {}
        env: dict[str, str | None] = {}
        stage_env: dict[int, dict[str, str | None]] = {}
        out: dict[int, dict[str, str | None]] = {}
        seen = None  # what the RUNs since the last ARG, ENV or FROM see (read, never changed)
        for ins in df.instructions:
            kw = ins.keyword
            if kw in ("RUN", "ONBUILD"):
                if seen is None:
                    seen = {**args, **env}
                out[id(ins)] = seen
                continue
            seen = None
            if kw == "FROM":
                if ins.stage >= 1 and ins.stage - 1 < len(infos):
                    stage_env[ins.stage - 1] = env
                info = infos[ins.stage] if 0 <= ins.stage < len(infos) else None
                parent = info.parent if info is not None else None
                env = dict(stage_env.get(parent, {})) if parent is not None else {}
            elif kw == "ARG":
                for name, default in parse_arg(ins):
                    if name in build_args:
                        args[name] = build_args[name]
                    elif default is not None:
                        args[name] = substitute(default, {**args, **env})
                    elif name not in args:
                        args[name] = None
            elif kw == "ENV":
                for name, value in ((p.key, p.value) for p in keyvalues.pairs(ins)):
                    env[name] = substitute(value, {**args, **env}) if "$" in value else value
        return out

    return ctx.cached("pkg_declared_variables", build)


def variables(ctx, run: Run) -> Variables:
    if run.onbuild:
        # An ONBUILD RUN runs in some other Dockerfile's build: its variables are not ours.
        return Variables({}, everything_unknown=True)
    values = _declared_variables(ctx).get(id(run.outer), {})
    local: list[str] = []
    literals: dict[str, str] = {}
    assigned_at: dict[str, list[tuple[object, int]]] = {}
    for script in run.scripts:
        sites, constants = _assignments(script.text)
        for name, at in sites:
            local.append(name)
            assigned_at.setdefault(name, []).append((script, at))
        literals.update(constants)
    # A name the script sets once, to a constant (`buildDeps='gcc make' && apk add $buildDeps`),
    # is known; one set several times, or to something computed, is not.
    times = Counter(local)
    known = {name: value for name, value in literals.items() if times[name] == 1}
    if known:
        values = {**values, **known}
    return Variables(values, frozenset(local) - known.keys(), assigned_at=assigned_at)


@lru_cache(maxsize=2048)  # a monorepo's Dockerfiles repeat their RUN scripts (see parse_shell)
def _assignments(text: str) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, str], ...]]:
    """The names a script assigns, in order, each with the offset of its assignment, and the
    (name, constant) of each plain assignment, in order (a later one wins)."""
    sites = []
    for m in _SHELL_LOCAL.finditer(text):
        for group, g in enumerate(m.groups(), 1):
            if g:
                sites.extend((name, m.start(group)) for name in g.split())
    constants = []
    for m in _LITERAL_ASSIGNMENT.finditer(text):
        value = m.group("single")
        if value is None:
            value = m.group("double")
        if value is None:
            value = m.group("bare")
        constants.append((m.group("name"), value))
    return tuple(sites), tuple(constants)


_NAME = lazy(r"[A-Za-z_][A-Za-z0-9_]*")


def _split_fields(pieces: list[tuple[str, bool]]) -> list[str]:
    """Join (text, splittable) pieces into fields: unquoted expansion results split on
    blanks, an empty unquoted expansion vanishes, quoted text (even empty) makes a field."""
    fields: list[str] = []
    cur: list[str] = []
    has = False
    for text, split in pieces:
        if not split:
            cur.append(text)
            has = True
            continue
        if not text:
            continue
        parts = re.split(r"[ \t\n]+", text)
        for k, part in enumerate(parts):
            if k > 0:
                if has:
                    fields.append("".join(cur))
                cur, has = [], False
            if part:
                cur.append(part)
                has = True
    if has:
        fields.append("".join(cur))
    return fields


def _brace_end(text: str, i: int) -> int:
    """Index of the `}` closing the `${` whose `{` is at i."""
    depth = 0
    j = i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise Unknown("unterminated ${")


def _parameter(body: str, lookup: Callable[[str], str | None]) -> str:
    m = _NAME.match(body)
    if not m:
        raise Unknown(body)
    name, rest = m.group(), body[m.end():]
    value = lookup(name)  # None: unset
    if not rest:
        return value or ""
    for op in (":-", ":+", "-", "+"):
        if rest.startswith(op):
            word = rest[len(op):]
            if op == ":-":
                return value if value else _expand_joined(word, lookup)
            if op == "-":
                return value if value is not None else _expand_joined(word, lookup)
            if op == ":+":
                return _expand_joined(word, lookup) if value else ""
            return _expand_joined(word, lookup) if value is not None else ""
    if rest.startswith("/") and value is not None:
        # ${x/a/b}, ${x//a/b} with a literal pattern (`${CUDA_VERSION//./-}`).
        every = rest.startswith("//")
        pattern, sep, replacement = rest[2 if every else 1:].partition("/")
        if pattern and not any(c in pattern + replacement for c in "*?[]$\\'\"`#%"):
            return value.replace(pattern, replacement, -1 if every else 1)
    raise Unknown(body)  # ${x%y}, ${x:1}, glob patterns... : not worth modelling


def _expand_joined(text: str, lookup) -> str:
    return " ".join(_expand(text, lookup))


def _expand(text: str, lookup: Callable[[str], str | None]) -> list[str]:
    pieces: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    quoted = False
    while i < n:
        ch = text[i]
        if ch == "\\":
            nxt = text[i + 1 : i + 2]
            if nxt == "\n":
                i += 2
                continue
            if quoted and nxt not in ('"', "$", "`", "\\"):
                pieces.append(("\\", False))
                i += 1
                continue
            pieces.append((nxt, False))
            i += 2
            continue
        if ch == "'" and not quoted:
            j = text.find("'", i + 1)
            if j < 0:
                raise Unknown("unterminated quote")
            pieces.append((text[i + 1 : j], False))
            i = j + 1
            continue
        if ch == '"':
            quoted = not quoted
            pieces.append(("", False))  # "" makes a field of its own
            i += 1
            continue
        if ch == "`":
            raise Unknown("command substitution")
        if ch == "$":
            nxt = text[i + 1 : i + 2]
            if nxt == "{":
                j = _brace_end(text, i + 1)
                pieces.append((_parameter(text[i + 2 : j], lookup), not quoted))
                i = j + 1
                continue
            m = _NAME.match(text, i + 1)
            if m:
                pieces.append((lookup(m.group()) or "", not quoted))
                i = m.end()
                continue
            if nxt and (nxt in "({'" or nxt.isdigit() or nxt in "@*#?$!-"):
                raise Unknown("$" + nxt)
        pieces.append((ch, False))
        i += 1
    return _split_fields(pieces)


UNKNOWN_PART = "\u2026"  # stands for a variable whose value cannot be known


def expand_word(word: ShellWord, vars: Variables, script=None) -> list[str] | None:
    """The words `word` becomes at run time, as far as they can be known.

    `"$A"`/`${A:-x}`/`pkg-$V` are resolved from ARG/ENV; a variable the Dockerfile never sets
    expands to nothing (an unquoted `$PKGS` then vanishes). A variable whose value cannot be
    known (an ARG without default, one the script sets itself) becomes `UNKNOWN_PART`; a
    resulting word that ends with it could carry any version, so it is left out, while
    `php${PHP}-redis` is kept (its version, if any, would have to follow `-redis`). None
    when the word holds `$(...)`, `$1` or other expansions that are not modelled. `script`:
    the RunScript holding the word, so that a script's own assignments that cannot reach it
    (another branch of an `if`) are told apart.
    """
    text = word.text
    where = (script, word.start) if script is not None else None
    if "$" not in text and "`" not in text:
        return [word.value]

    def lookup(name: str) -> str | None:
        try:
            return vars.lookup(name, where)
        except Unknown:
            return UNKNOWN_PART

    try:
        fields = _expand(text, lookup)
    except Unknown:
        return None
    return [f for f in fields if not f.endswith(UNKNOWN_PART)]


def shown(value: str, word: ShellWord) -> str:
    """How a package is named in a message: as written, or resolved with its origin."""
    if value == word.value:
        return f"`{value}`"
    if UNKNOWN_PART in value:
        return f"`{word.text}`"
    return f"`{value}` (from `{word.text}`)"


# --------------------------------------------------------------------------------------------
# Mounts and stages


def _leading_mount_words(instruction: Instruction) -> list[str]:
    """`--mount=` words BuildKit leaves in the command after a stray escape on the same line
    (`RUN --mount=a \\    --mount=b cmd`): hadolint's parser still reads them as flags."""
    out = []
    for token in instruction.args.split():
        if token == instruction.escape:
            continue
        if not token.startswith("--mount="):
            break
        out.append(token[len("--mount="):])
    return out


def mounts(instruction: Instruction) -> list[tuple[str, str]]:
    """(type, target) of each `--mount` flag; type defaults to `bind`."""
    out = []
    values = [f.value for f in instruction.flags if f.name == "mount" and f.value]
    if instruction.json is None and instruction.args.startswith(instruction.escape):
        values += _leading_mount_words(instruction)
    for value in values:
        kind, target = "bind", ""
        for part in value.split(","):
            key, _, value = part.partition("=")
            key = key.strip().lower()
            value = value.strip().strip("\"'")
            if key == "type":
                kind = value.lower()
            elif key in ("target", "dst", "destination"):
                target = value
        if target:
            out.append((kind, target))
    return out


def path_below(path: str, directory: str) -> bool:
    path = path.rstrip("/") or "/"
    directory = directory.rstrip("/") or "/"
    return path == directory or path.startswith(directory + "/")


def cache_mounted(instruction: Instruction, *directories: str) -> bool:
    """A cache or tmpfs mount sits on (or inside) one of `directories`: what is written there
    never reaches the layer."""
    return any(
        kind in ("cache", "tmpfs") and any(path_below(target, d) for d in directories)
        for kind, target in mounts(instruction)
    )


def removes_path(cmd: Command, *directories: str) -> bool:
    """`rm` (or `find <dir> -delete`) on one of `directories`, on a glob or path inside one,
    or on a directory that holds one (`rm -rf /var/lib/apt` removes the lists too)."""

    def hits(path: str) -> bool:
        if path.endswith("/*"):
            path = path[:-2]
        path = path.rstrip("*").rstrip("/")
        if path.count("/") < 2:  # `/`, `/var`: not a targeted clean-up
            return False
        return any(path_below(path, d) or path_below(d, path) for d in directories)

    if cmd.is_named("rm"):
        return any(hits(word.value) for word in cmd.positional())
    if cmd.is_named("find") and ("-delete" in cmd.arg_values or "rm" in cmd.arg_values):
        roots = [w.value for w in cmd.args if not w.value.startswith("-")][:1]
        return any(hits(r) for r in roots)
    return False


def stage_persists(ctx, stage: int) -> bool:
    """What a stage leaves behind is kept: it is the last stage, or another stage is built
    `FROM` it (hadolint's test for its stage-level rules). `stage == -1` (RUN before any
    FROM) counts as kept only when the file has no FROM at all."""
    df = ctx.dockerfile
    if stage < 0:
        return not df.stages
    if stage == len(df.stages) - 1:
        return True
    infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
    return any(info.parent == stage for info in infos)


def later_runs(ctx, run: Run) -> Iterator[Run]:
    """RUNs after `run` that see its layer: in the same stage, or in a stage built FROM it
    (for ONBUILD RUNs: the later ONBUILD RUNs)."""
    all_runs = runs(ctx)
    k = all_runs.index(run)
    if run.onbuild:
        yield from (r for r in all_runs[k + 1 :] if r.onbuild)
        return
    df = ctx.dockerfile
    infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
    children = {run.stage}
    for info in infos:
        if info.parent in children:
            children.add(info.stage.index)
    yield from (r for r in all_runs[k + 1 :] if not r.onbuild and r.stage in children)


# --------------------------------------------------------------------------------------------
# yum / dnf / microdnf / zypper

RPM_CACHES = ("/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5")
ZYPPER_CACHE = ("/var/cache/zypp",)
# Subcommands that download packages (into the cache) and install them.
RPM_INSTALLING = frozenset({
    "install", "in", "localinstall", "groupinstall", "reinstall", "rei", "upgrade", "up",
    "update", "upgrade-minimal", "up-min", "update-minimal", "downgrade", "distro-sync",
    "dsync", "swap",
})
# Subcommands that ask for confirmation.
RPM_PROMPTING = RPM_INSTALLING | frozenset({"remove", "erase", "rm", "autoremove", "groupremove", "groupupdate"})
_RPM_SUB_VERBS = frozenset({"install", "upgrade", "update", "remove", "reinstall"})
# Removals act only on the packages named: with none, yum/dnf/zypper stop with "Need to pass
# a list of pkgs" / "Too few arguments" before any prompt, so there is no -y to forget.
_REMOVING = frozenset({"remove", "erase", "rm", "reinstall", "rei"})


def bare_removal(inv: Invocation, action: ShellWord | None = None) -> bool:
    """`yum remove` / `dnf erase` / `zypper rm` with no package names (nothing to confirm)."""
    action = action if action is not None else (inv.words[0] if inv.words else None)
    if action is None or action.value not in _REMOVING:
        return False
    return inv.words[-1] is action


def rpm_action(inv: Invocation) -> ShellWord | None:
    """The word naming what a yum/dnf/microdnf command does: `install` in `dnf install x`,
    `dnf module install x` and `dnf group install x`; None for `clean`, `makecache`...."""
    verb = inv.verb
    if verb in RPM_PROMPTING:
        return inv.words[0]
    if verb in ("module", "group", "groups") and len(inv.words) > 1 and inv.words[1].value in _RPM_SUB_VERBS:
        return inv.words[1]
    return None


def rpm_assumes_yes(cmd: Command) -> bool:
    """-y/--assumeyes, or --setopt=assumeyes=1."""
    if cmd.has_flag("-y", "--assumeyes"):
        return True
    for value in cmd.flag_values("--setopt"):
        key, _, val = value.partition("=")
        if key.strip().lower() == "assumeyes" and val.strip().lower() in ("1", "true", "yes", "on"):
            return True
    return False


def rpm_installing(inv: Invocation) -> bool:
    action = rpm_action(inv)
    if action is None:
        return False
    return action.value in RPM_INSTALLING or (action is not inv.words[0] and action.value != "remove")


def rpm_packages(inv: Invocation) -> tuple[str, list[ShellWord]]:
    """("package", words) for `install`/`in`, ("module", words) for `module install`, or
    ("", []) for anything else (groups, upgrades, removals)."""
    verb = inv.verb
    if verb in ("install", "in"):
        return "package", inv.words[1:]
    if verb == "module" and len(inv.words) > 1 and inv.words[1].value == "install":
        return "module", inv.words[2:]
    return "", []


_RPM_VERSION_CHARS = lazy(r"[A-Za-z0-9.~^_:+]*\Z")


def rpm_version_pinned(package: str) -> bool:
    """`name-version[-release]`: after the first `-`, only version characters, and one part
    starting with a digit (`rpm-sign-4.16.1.3`, `openssl-1:1.1.1k`, `gcc-c++-1.1.1`); an
    `.rpm` file always has a version. (hadolint's test for DL3041.)"""
    parts = package.split("-")
    if len(parts) <= 1:
        return False
    if package.endswith(".rpm"):
        return True
    rest = parts[1:]
    return all(_RPM_VERSION_CHARS.match(p) for p in rest) and any(p[:1].isdigit() for p in rest)


def rpm_cleans(cmd: Command, names: Iterable[str]) -> bool:
    """`<manager> clean all`, or removing the rpm caches."""
    if cmd.is_named(*names):
        pos = [w.value for w in cmd.positional(RPM_VALUE_OPTS)]
        if pos[:1] == ["clean"] and "all" in pos[1:]:
            return True
    return removes_path(cmd, *RPM_CACHES)


def report_rpm_pins(ctx, rule_names, message):
    """Shared by DL3033 (yum) and DL3041 (dnf): unpinned packages and modules."""
    for run in runs(ctx):
        vars_ = None
        for inv in invocations(run, rule_names, RPM_VALUE_OPTS):
            kind, words = rpm_packages(inv)
            for word in words:
                if vars_ is None:
                    vars_ = variables(ctx, run)
                for value in expand_word(word, vars_, inv.script) or ():
                    if not value or value.startswith("@"):
                        continue  # `@group` / `@module:stream` selectors
                    pinned = ":" in value if kind == "module" else rpm_version_pinned(value)
                    if not pinned:
                        what = "module" if kind == "module" else "package"
                        ctx.report(inv.script.word_span(word), f"{message} Unpinned {what}: {shown(value, word)}")


def missing_cleanup(run: Run, installs: list[Invocation], cleans: Callable[[Command], bool]) -> Invocation | None:
    """The last of `installs` when no command after it in the RUN `cleans`."""
    if not installs:
        return None
    last = installs[-1]
    at = position(run, last.script, last.command)
    for script, cmd in run.commands():
        if position(run, script, cmd) > at and cleans(cmd):
            return None
    return last


def append_cleanup_fix(ctx, inv: Invocation, command: str, description: str):
    """A fix appending `&& <command>` to the RUN script that holds `inv`: safe when the script
    is a plain `&&` chain with `inv` one of its items, unsafe otherwise (the clean-up may not
    run, or run when it did not before), None when it cannot be placed."""
    from dockerlint.fixers.shell_edits import append_command, is_simple_and_chain
    from dockerlint.model import Applicability
    from dockerlint.rule import make_fix

    script = inv.script
    if not script.posix:
        return None
    if "sudo" in inv.command.wrappers:
        command = f"sudo {command}"  # the install ran as root through sudo: so must the clean-up
    edit = append_command(script, command, newline=getattr(ctx.dockerfile, "newline", "\n"))
    if edit is None:
        return None
    safe = is_simple_and_chain(script, inv.command)
    return make_fix([edit], Applicability.SAFE if safe else Applicability.UNSAFE, description)


def command_span(inv: Invocation, last_word: ShellWord | None = None):
    """From the program name to `last_word` (default: the subcommand): `dnf install`."""
    word = last_word or (inv.words[0] if inv.words else inv.command.name_word)
    return inv.script.span(inv.command.name_word.start, max(word.end, inv.command.name_word.end))


ZYPPER_INSTALLING = frozenset({"install", "in", "update", "up", "patch", "dist-upgrade", "dup"})
ZYPPER_PROMPTING = frozenset({"install", "in", "remove", "rm", "source-install", "si", "patch", "update", "up"})


def zypper_noninteractive(cmd: Command) -> bool:
    return cmd.has_flag("-n", "--non-interactive", "-y", "--no-confirm")
