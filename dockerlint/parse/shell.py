"""A small model of POSIX shell scripts (RUN commands, heredoc bodies) for the rules.

``parse_shell(text)`` returns a :class:`Script`: every simple command in source order with its
words (quotes removed, offsets into ``text``), the pipelines and the ``&&``/``||``/``;`` chains
they sit in. Rules never see the parser library: tree-sitter-bash is used underneath because it
was both faster and more tolerant than bashlex on the corpus (see bench/shell_parsers.md), and
it still yields a tree for broken scripts, so rules get best-effort commands.

Nothing is cached at module level: a language server parses many documents concurrently, and a
parser object is cheap (under a microsecond) to make per call.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Iterable, Sequence

import tree_sitter

from dockerlint.parse.bash_grammar import LANGUAGE
from dockerlint.parse.memo import TextMemo
from dockerlint.rulekit.patterns import lazy

__all__ = [
    "ShellWord",
    "Redirect",
    "Command",
    "Pipeline",
    "Chain",
    "Script",
    "parse_shell",
    "strip_shebang",
    "is_posix_shell",
    "parse_set_options",
]

POSIX_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh", "pdksh", "yash",
                          "posh"})


# --------------------------------------------------------------------------------------------
# The model


@dataclass(slots=True)  # not frozen: a frozen init costs 3x, and there are many words
class ShellWord:
    """One shell word. ``value`` has quotes removed and escapes resolved, expansions kept as
    written (``"$HOME/x"`` -> ``$HOME/x``)."""

    text: str
    value: str
    start: int
    end: int
    quoted: bool = False
    has_expansion: bool = False

    def __str__(self) -> str:
        return self.value


@dataclass(slots=True)
class Redirect:
    """``2>&1``, ``> /dev/null``, ``<<EOF`` (target = the delimiter), ``<<< "$x"``."""

    op: str
    fd: str | None
    target: ShellWord | None
    start: int
    end: int


def _flag_name(name: str) -> str:
    """Accept "y", "-y", "yes" or "--yes" and return the dashed spelling."""
    if name.startswith("-"):
        return name
    return f"-{name}" if len(name) == 1 else f"--{name}"


_DASHED: dict[frozenset | tuple, frozenset[str]] = {}


def _dashed(names: Iterable[str]) -> frozenset[str] | set[str]:
    """`_flag_name` of each name. The rules ask with the same sets of options again and again
    (module-level sets, the same `has_flag("-y", "--yes")`): worked out once for each."""
    if type(names) is frozenset or type(names) is tuple:
        found = _DASHED.get(names)
        if found is None:
            if len(_DASHED) >= 1024:  # a long-lived process asked with many different tuples
                _DASHED.clear()
            found = _DASHED[names] = frozenset(_flag_name(n) for n in names)
        return found
    return {_flag_name(n) for n in names}


def _is_flag(value: str) -> bool:
    return len(value) > 1 and value.startswith("-")


@dataclass(slots=True)
class Command:
    """One simple command (``export``/``declare``/``local``/``readonly``/``unset`` included).

    ``name`` is the command word's value as written (``apt-get``, ``/usr/bin/pip3``); ``args``
    excludes it, the env-prefix ``assignments`` and the ``redirects``. ``start``/``end`` span
    the whole command, prefixes and redirections included; offsets are character offsets
    into :attr:`Script.text`. Context: ``in_pipeline``/``pipeline_index`` (stage number),
    ``negated`` (``! cmd``), ``in_substitution`` (inside ``$(...)``, backticks, ``<(...)``),
    ``in_function``; ``wrappers`` is set by :meth:`effective`.
    """

    name: str
    name_word: ShellWord
    args: list[ShellWord]
    assignments: list[tuple[str, str]] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)
    start: int = 0
    end: int = 0
    in_pipeline: bool = False
    pipeline_index: int = 0
    negated: bool = False
    in_substitution: bool = False
    in_function: bool = False
    wrappers: tuple[str, ...] = ()
    # the command word's last path component (`pip3` for /usr/bin/pip3), and what `effective`
    # found: rules ask for both of each command again and again (some 800 and 370 times a
    # Dockerfile), so they are worked out once
    basename: str = field(init=False, repr=False, compare=False)
    _effective: Command | None = field(default=None, init=False, repr=False, compare=False)
    # positional(): the answer per set of value-taking options (a command of a script shared
    # by many Dockerfiles, see parse_shell, is asked the same by each)
    _positional: dict | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.basename = self.name.rsplit("/", 1)[-1]

    # ---- names ---------------------------------------------------------------------------
    def is_named(self, *names: str) -> bool:
        """Exact name, or basename when the wanted name has no slash (pip3 ~ /usr/bin/pip3)."""
        return self.name in names or self.basename in names  # (a basename holds no slash)

    @property
    def arg_values(self) -> list[str]:
        return [w.value for w in self.args]

    # ---- flags ---------------------------------------------------------------------------
    def _option_words(self) -> list[ShellWord]:
        """Arguments before a ``--`` end-of-options marker."""
        for i, word in enumerate(self.args):
            if word.value == "--":
                return self.args[:i]
        return self.args

    def flags(self) -> list[str]:
        """Every flag in order, normalised: ``-yq`` -> ``-y``, ``-q``; ``--foo=bar`` ->
        ``--foo``; ``-q=2`` -> ``-q``. Values are not told apart from flags without knowing
        the program (``-fbar`` gives ``-f -b -a -r``); use :meth:`flag_values` for those."""
        out: list[str] = []
        for word in self._option_words():
            v = word.value
            if not _is_flag(v):
                continue
            if v.startswith("--"):
                out.append(v.split("=", 1)[0])
            else:
                out.extend(f"-{ch}" for ch in v[1:].split("=", 1)[0])
        return out

    def has_flag(self, *names: str) -> bool:
        """True if any of ``names`` (``"-y"``, ``"--yes"``, or bare ``"y"``/``"yes"``) is set."""
        wanted = _dashed(names)
        return any(f in wanted for f in self.flags())

    def count_flag(self, *names: str) -> int:
        """How often the flags occur in total: ``-qq`` and ``-q -q`` both give 2."""
        wanted = _dashed(names)
        return sum(f in wanted for f in self.flags())

    def flag_values(self, *names: str) -> list[str]:
        """Values of an option that takes one: ``--foo=bar``, ``--foo bar``, ``-fbar``,
        ``-f bar``, ``-f=bar``, ``-yf bar``."""
        wanted = _dashed(names)
        words = self._option_words()
        values: list[str] = []
        i = 0
        while i < len(words):
            v = words[i].value
            i += 1
            if not _is_flag(v):
                continue
            if v.startswith("--"):
                key, eq, rest = v.partition("=")
                if key in wanted:
                    if eq:
                        values.append(rest)
                    elif i < len(words):
                        values.append(words[i].value)
                        i += 1
                continue
            for j, ch in enumerate(v[1:], start=1):
                if f"-{ch}" not in wanted:
                    continue
                rest = v[j + 1 :]
                if rest:
                    values.append(rest[1:] if rest.startswith("=") else rest)
                elif i < len(words):
                    values.append(words[i].value)
                    i += 1
                break
        return values

    def flag_value(self, *names: str) -> str | None:
        """The last value given to the option (the one most programs use), or None."""
        values = self.flag_values(*names)
        return values[-1] if values else None

    def positional(self, takes_value: Iterable[str] = ()) -> list[ShellWord]:
        """Arguments that are not flags, nor the separate value of an option listed in
        ``takes_value`` (e.g. ``{"-r", "--requirement", "--index-url"}``). Everything after
        ``--`` is positional; ``-`` alone is positional."""
        takes = _dashed(takes_value)
        if type(takes) is frozenset:  # (a set made for this call is not remembered)
            known = self._positional
            if known is None:
                known = self._positional = {}
            found = known.get(takes)
            if found is None:
                found = known[takes] = tuple(self._positional_words(takes))
            return list(found)
        return self._positional_words(takes)

    def _positional_words(self, takes) -> list[ShellWord]:
        out: list[ShellWord] = []
        skip_next = False
        options_done = False
        for word in self.args:
            v = word.value
            if skip_next:
                skip_next = False
                continue
            if options_done or not _is_flag(v):
                out.append(word)
                continue
            if v == "--":
                options_done = True
                continue
            if v.startswith("--"):
                skip_next = "=" not in v and v in takes
                continue
            for j, ch in enumerate(v[1:], start=1):
                if f"-{ch}" in takes:
                    skip_next = j == len(v) - 1
                    break
        return out

    # ---- wrappers ------------------------------------------------------------------------
    def effective(self) -> "Command":
        """The command a wrapper runs: ``sudo [opts] X``, ``env [opts] [VAR=v] X``,
        ``command [-p] X``, ``exec [-cl] [-a n] X``, ``time [-p] X``, ``nice [-n N] X``,
        ``nohup X``, nested (``sudo env A=1 pip``) -> the ``X`` with the remaining args, the
        wrappers' env assignments added and ``wrappers`` naming what was stripped. The span
        stays the whole command's. Returns ``self`` when nothing is wrapped (``command -v x``,
        ``sudo -i``, bare ``env``)."""
        found = self._effective
        if found is None:
            found = self
            while True:
                inner = _unwrap_once(found)
                if inner is None:
                    break
                found = inner
            self._effective = found
        return found


# Options that take a separate value, per wrapper; the value-less ones need no listing.
_WRAPPER_VALUE_OPTS = {
    "sudo": {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "-T", "-R",
             "--user", "--group", "--host", "--prompt", "--close-from", "--chdir",
             "--role", "--type", "--other-user", "--command-timeout", "--chroot"},
    "env": {"-u", "-C", "-S", "--unset", "--chdir", "--split-string"},
    "command": set(),
    "exec": {"-a"},
    "time": {"-f", "-o", "--format", "--output"},
    "nice": {"-n", "--adjustment"},
    "nohup": set(),
}
_ASSIGNMENT = lazy(r"^[A-Za-z_][A-Za-z0-9_]*=")


def _unwrap_once(cmd: Command) -> Command | None:
    wrapper = cmd.basename
    value_opts = _WRAPPER_VALUE_OPTS.get(wrapper)
    if value_opts is None:
        return None
    args = cmd.args
    i = 0
    extra_env: list[tuple[str, str]] = []
    while i < len(args):
        v = args[i].value
        if v == "--":
            i += 1
            break
        if wrapper == "nice" and re.fullmatch(r"-\d+", v):
            i += 1
            continue
        if _is_flag(v):
            if wrapper == "command" and any(ch in "vV" for ch in v[1:]):
                return None  # `command -v x` looks x up, it does not run it
            if wrapper == "sudo" and v.lstrip("-") in {"i", "s", "l", "e", "v", "k", "K", "V",
                                                      "login", "shell", "list", "edit",
                                                      "validate", "version"} and i + 1 >= len(args):
                return None
            long = v.startswith("--")
            if (long and "=" not in v and v in value_opts) or (
                not long and len(v) == 2 and v in value_opts
            ):
                i += 2
            else:
                i += 1
            continue
        if wrapper in ("sudo", "env") and _ASSIGNMENT.match(v):
            name, _, val = v.partition("=")
            extra_env.append((name, val))
            i += 1
            continue
        break
    if i >= len(args):
        return None
    word = args[i]
    return replace(
        cmd,
        name=word.value,
        name_word=word,
        args=args[i + 1 :],
        assignments=cmd.assignments + extra_env,
        wrappers=cmd.wrappers + (wrapper,),
    )


@dataclass
class Pipeline:
    """``a | b |& c``: ``stages[i]`` holds the simple commands of stage i (one for a simple
    command; all nested ones for ``( ... )``, ``{ ...; }``, loops)."""

    stages: list[list[Command]]
    operators: list[str]
    start: int
    end: int
    negated: bool = False

    @property
    def commands(self) -> list[Command]:
        return [c for stage in self.stages for c in stage]

    def __len__(self) -> int:
        return len(self.stages)


@dataclass
class Chain:
    """Statements run one after another at one nesting level (the script's top level, a
    subshell or brace group, an if/loop/function/case body). ``operators[i]`` joins
    ``items[i]`` and ``items[i+1]``: ``&&``, ``||``, ``;``, ``&`` or ``\\n``. An item lists the
    simple commands of one statement (several for a pipeline or compound command)."""

    items: list[list[Command]]
    operators: list[str]
    start: int
    end: int

    @property
    def commands(self) -> list[Command]:
        return [c for item in self.items for c in item]


_SET_SHORT = {
    "a": "allexport", "b": "notify", "C": "noclobber", "e": "errexit", "f": "noglob",
    "h": "hashall", "m": "monitor", "n": "noexec", "u": "nounset", "v": "verbose",
    "x": "xtrace", "B": "braceexpand", "H": "histexpand", "P": "physical", "T": "functrace",
    "E": "errtrace", "k": "keyword", "p": "privileged", "t": "onecmd",
}


def parse_set_options(argv: Sequence[str]) -> dict[str, bool]:
    """Options switched by ``set``-style arguments, by long name: ``["-euo", "pipefail"]`` ->
    ``{"errexit": True, "nounset": True, "pipefail": True}``; ``+o`` switches off. Also
    suits a SHELL instruction's argv after the program (``["-o", "pipefail", "-c"]``): it
    stops at ``-c``/``--`` or the first non-option."""
    out: dict[str, bool] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        i += 1
        if arg in ("-", "--") or len(arg) < 2 or arg[0] not in "-+":
            break
        on = arg[0] == "-"
        if arg[1] == "-":  # --login, --norc...: a shell's long options, not set options
            continue
        for ch in arg[1:]:
            if ch == "o":
                if i < len(argv):
                    out[argv[i]] = on
                    i += 1
            elif ch == "c":
                return out
            elif ch in _SET_SHORT:
                out[_SET_SHORT[ch]] = on
    return out


@dataclass
class Script:
    """A shell program parsed by tree-sitter-bash: its commands, pipelines and `&&`/`||` chains."""

    text: str
    commands: list[Command]
    pipelines: list[Pipeline]
    and_or_chains: list[Chain]
    parse_ok: bool
    branch_spans: list[tuple[tuple[int, int], ...]] = field(default_factory=list, repr=False)
    # tree-sitter's tree of `text`, kept for the analyses in dockerlint.parse (the native
    # ShellCheck checks walk it instead of parsing again); rules never see it.
    syntax_tree: object = field(default=None, repr=False, compare=False)

    def branches(self) -> list[tuple[tuple[int, int], ...]]:
        """For each `if` or `case` with two branches or more, the (start, end) character
        spans of its branches: then-body, each `elif`, `else`; each case item. Code in two
        branches of one statement never both runs; statements inside a loop or a function
        (which may run again) are left out."""
        return self.branch_spans

    def find(self, *names: str, unwrap: bool = True) -> list[Command]:
        """Commands named any of ``names`` (exact, or by basename for slash-free names), in
        source order. With ``unwrap`` the :meth:`Command.effective` command is matched and
        returned, so ``sudo apt-get install`` is found as ``apt-get``."""
        found = []
        for cmd in self.commands:
            target = cmd.effective() if unwrap else cmd
            if target.is_named(*names):
                found.append(target)
        return found

    def has_set_option(self, option: str, before: int | None = None) -> bool:
        """Whether ``set`` turned ``option`` on (``"pipefail"``, ``"errexit"`` or ``"e"``) by
        the end of the script, or by offset ``before``. Sets inside ``$(...)`` don't count."""
        option = _SET_SHORT.get(option, option)
        state = False
        for cmd in self.commands:
            if before is not None and cmd.start >= before:
                break
            eff = cmd.effective()
            if eff.name != "set" or cmd.in_substitution:
                continue
            state = parse_set_options(eff.arg_values).get(option, state)
        return state


# --------------------------------------------------------------------------------------------
# Helpers for Dockerfile callers


def _program_name(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name[:-4] if name.endswith(".exe") else name


def is_posix_shell(shell_argv: Sequence[str]) -> bool:
    """True when a SHELL instruction's argv runs a POSIX-family shell (sh, bash, ash, dash,
    zsh, ksh... by basename, also via ``env`` or ``busybox``); False for powershell, pwsh,
    cmd or anything unknown. An empty argv means Docker's default ``/bin/sh -c``."""
    argv = list(shell_argv)
    if not argv:
        return True
    prog = _program_name(argv[0])
    if prog in ("env", "busybox") and len(argv) > 1:
        rest = [a for a in argv[1:] if not a.startswith("-") and "=" not in a]
        return bool(rest) and is_posix_shell(rest)
    return prog in POSIX_SHELLS


def strip_shebang(body: str) -> tuple[str | None, str]:
    """Split a heredoc body into (interpreter, script). The interpreter is the program's
    name (``#!/usr/bin/env python3`` -> ``"python3"``, ``#!/bin/sh -e`` -> ``"sh"``), or
    None without a shebang (then the script is ``body`` unchanged). The script starts after
    the shebang line: its offsets are ``len(body) - len(script)`` behind ``body``'s."""
    if not body.startswith("#!"):
        return None, body
    line, newline, rest = body.partition("\n")
    words = line[2:].split()
    prog = _program_name(words[0]) if words else ""
    if prog == "env":
        names = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
        prog = _program_name(names[0]) if names else "env"
    return (prog or None), rest


# --------------------------------------------------------------------------------------------
# Building the model from tree-sitter-bash


_STATEMENTS = frozenset({
    "command", "redirected_statement", "pipeline", "list", "negated_command", "subshell",
    "compound_statement", "if_statement", "while_statement", "for_statement",
    "c_style_for_statement", "case_statement", "function_definition", "declaration_command",
    "unset_command", "test_command", "variable_assignment", "variable_assignments",
})
_CONTAINERS = frozenset({
    "program", "subshell", "compound_statement", "do_group", "if_statement", "elif_clause",
    "else_clause", "case_item", "while_statement", "command_substitution",
    "process_substitution",
})
_OPERATORS = frozenset({"&&", "||", "|", "|&", ";", "&", ";;"})
_SEPARATORS = {";": ";", "&": "&", ";;": ";", ";&": ";", ";;&": ";", "\n": "\n"}
_EXPANSIONS = frozenset({
    "simple_expansion", "expansion", "command_substitution", "process_substitution",
    "arithmetic_expansion",
})
_REDIRECTS = frozenset({"file_redirect", "heredoc_redirect", "herestring_redirect"})
# Word-level nodes: they hold commands only through $(...), `...`, <(...).
_WORDISH = frozenset({
    "string", "translated_string", "concatenation", "expansion", "arithmetic_expansion",
    "brace_expression", "binary_expression", "unary_expression", "ternary_expression",
    "parenthesized_expression", "postfix_expression", "test_command", "array",
    "variable_assignment", "variable_assignments", "heredoc_body", "command_name",
})
# Nodes that never contain a command: skipped without descending.
_INERT = frozenset({
    "word", "number", "raw_string", "ansi_c_string", "variable_name", "comment",
    "test_operator", "$", "file_descriptor", "heredoc_start", "heredoc_end", "regex",
    "special_variable_name", "string_content", "heredoc_content", "simple_expansion",
})

_ANSI_C = lazy(
    r"\\(?:([abeEfnrtv\\'\"?])|([0-7]{1,3})|x([0-9A-Fa-f]{1,2})|u([0-9A-Fa-f]{1,4})"
    r"|U([0-9A-Fa-f]{1,8})|c(.))",
    re.DOTALL,
)
_ANSI_SIMPLE = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n",
                "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}
_DQ_ESCAPE = lazy(r"\\([$`\"\\\n])")
_UNQUOTED_ESCAPE = lazy(r"\\(.)", re.DOTALL)


def _ansi_c_char(m: re.Match[str]) -> str:
    simple, octal, hex2, u4, u8, ctrl = m.groups()
    if simple:
        return _ANSI_SIMPLE[simple]
    if ctrl:
        return chr(ord(ctrl) & 0x1F)
    code = int(octal, 8) if octal else int(hex2 or u4 or u8, 16)
    try:
        return chr(code & 0xFF if octal or hex2 else code)
    except (ValueError, OverflowError):
        return m.group(0)


def _unescape_unquoted(text: str) -> str:
    if "\\" not in text:
        return text
    return _UNQUOTED_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


def _unescape_double(text: str) -> str:
    if "\\" not in text:
        return text
    return _DQ_ESCAPE.sub(lambda m: "" if m.group(1) == "\n" else m.group(1), text)


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        data = text.encode("utf-8", "surrogatepass")
        self.data = data
        self.b2c: list[int] | None = None
        if len(data) != len(text):
            b2c = [0] * (len(data) + 1)
            pos = 0
            for ci, ch in enumerate(text):
                n = len(ch.encode("utf-8", "surrogatepass"))
                for k in range(n):
                    b2c[pos + k] = ci
                pos += n
            b2c[pos] = len(text)
            self.b2c = b2c
        self.commands: list[Command] = []
        self.pipelines: list[Pipeline] = []
        self.chains: list[Chain] = []
        # Redirections tree-sitter put on a list/pipeline, keyed by the command they belong to.
        self.adopted: dict[tuple[int, int], list[tree_sitter.Node]] = {}
        # `| sh` parts found inside a heredoc redirect, waiting for their pipeline().
        self.continued_pipes: list[tree_sitter.Node] = []
        self.branches: list[tuple[tuple[int, int], ...]] = []  # see Script.branches

    # ---- offsets and words ------------------------------------------------------------
    def pos(self, byte: int) -> int:
        return byte if self.b2c is None else self.b2c[byte]

    def span(self, node: tree_sitter.Node) -> tuple[int, int]:
        return self.pos(node.start_byte), self.pos(node.end_byte)

    def node_text(self, node: tree_sitter.Node) -> str:
        start, end = self.span(node)
        return self.text[start:end]

    def word(self, nodes: Sequence[tree_sitter.Node]) -> ShellWord:
        """One word from one node, or from several adjacent nodes tree-sitter split apart."""
        first = nodes[0]
        if self.b2c is None:
            start, end = first.start_byte, nodes[-1].end_byte
        else:
            start, end = self.b2c[first.start_byte], self.b2c[nodes[-1].end_byte]
        if len(nodes) == 1 and first.type == "word":
            text = self.text[start:end]
            if "\\" not in text:  # the common case, made cheap
                return ShellWord(text, text, start, end, False, False)
        info = [False, False]  # quoted, has_expansion
        parts = [self.value(n, info) for n in nodes]
        for i in range(len(nodes) - 1):
            if nodes[i].type == "$" and nodes[i + 1].type == "string":
                parts[i] = ""  # $"..." (locale translation) is a double-quoted string
        value = "".join(parts)
        return ShellWord(self.text[start:end], value, start, end, info[0], info[1])

    def value(self, node: tree_sitter.Node, info: list[bool]) -> str:
        kind = node.type
        s, e = self.span(node)
        text = self.text[s:e]
        if kind == "word":
            if "\\" in text:
                info[0] = True
            return _unescape_unquoted(text)
        if kind in _EXPANSIONS:
            info[1] = True
            return text
        if kind == "raw_string":
            info[0] = True
            return text[1:-1] if len(text) >= 2 and text.endswith("'") else text[1:]
        if kind == "ansi_c_string":
            info[0] = True
            inner = text[2:-1] if len(text) >= 3 and text.endswith("'") else text[2:]
            return _ANSI_C.sub(_ansi_c_char, inner)
        if kind in ("string", "translated_string"):
            info[0] = True
            return self.string_value(node, info)
        if kind in ("concatenation", "variable_assignment"):
            return self.joined_value(node, info)
        if kind == "$":
            return "$"
        if kind == "heredoc_start":  # <<'EOF', <<"EOF", <<\EOF all mean EOF, unexpanded body
            if any(q in text for q in "'\"\\"):
                info[0] = True
                return text.replace("'", "").replace('"', "").replace("\\", "")
            return text
        if node.child_count and kind not in ("number", "variable_name", "test_operator"):
            if any(c.type in _EXPANSIONS for c in node.children):
                info[1] = True
        return text

    def joined_value(self, node: tree_sitter.Node, info: list[bool]) -> str:
        """Children's values, with any uncovered text taken as unquoted."""
        parts: list[str] = []
        cursor = node.start_byte
        for child in node.children:
            if child.start_byte > cursor:
                gap = self.text[self.pos(cursor) : self.pos(child.start_byte)]
                parts.append(_unescape_unquoted(gap))
            if child.type == "string" and parts and parts[-1] == "$" and \
                    child.start_byte == cursor:
                parts[-1] = ""  # $"..." is a double-quoted string
            parts.append(self.value(child, info))
            cursor = child.end_byte
        if node.end_byte > cursor:
            parts.append(_unescape_unquoted(self.text[self.pos(cursor) : self.pos(node.end_byte)]))
        return "".join(parts)

    def string_value(self, node: tree_sitter.Node, info: list[bool]) -> str:
        parts: list[str] = []
        s, e = self.span(node)
        text = self.text[s:e]
        open_len = 2 if text.startswith('$"') else 1
        inner_start = s + open_len
        inner_end = e - 1 if e - s > open_len and text.endswith('"') else e
        cursor = inner_start
        for child in node.children:
            if child.type not in _EXPANSIONS:
                continue
            cs, ce = self.span(child)
            if cs > cursor:
                parts.append(_unescape_double(self.text[cursor:cs]))
            parts.append(self.text[cs:ce])
            info[1] = True
            cursor = ce
        if inner_end > cursor:
            parts.append(_unescape_double(self.text[cursor:inner_end]))
        return "".join(parts)

    # ---- statements -------------------------------------------------------------------
    def walk(self, node: tree_sitter.Node, ctx: dict) -> list[Command]:
        """Collect the simple commands under ``node`` (source order), recording pipelines and
        chains on the way. ``ctx`` carries pipeline/negation/substitution context."""
        kind = node.type
        if kind in _INERT:
            return []
        if kind == "command":
            return self.command(node, ctx, [])
        if kind in _REPEATING:
            ctx = dict(ctx, repeating=True)
        elif kind in ("if_statement", "case_statement") and not ctx.get("repeating"):
            self.record_branches(node)
        if kind in ("declaration_command", "unset_command"):
            return self.declaration(node, ctx)
        if kind == "redirected_statement":
            return self.redirected(node, ctx)
        if kind == "pipeline":
            return self.pipeline(node, ctx)
        if kind == "negated_command":
            inner = dict(ctx, negated=True)
            return [c for child in node.children for c in self.walk(child, inner)]
        if kind in ("command_substitution", "process_substitution"):
            ctx = dict(ctx, in_substitution=True, in_pipeline=False, pipeline_index=0,
                       negated=False)
        elif kind == "function_definition":
            ctx = dict(ctx, in_function=True)
        if kind in _CONTAINERS:
            return self.container(node, ctx)
        if kind == "list":
            # Only reached for a list nested in an expression; containers flatten lists.
            return self.container(node, ctx)
        if not node.child_count or (kind in _WORDISH and not self._may_hold_commands(node)):
            return []
        return [c for child in node.children for c in self.walk(child, ctx)]

    def record_branches(self, node: tree_sitter.Node) -> None:
        """The branch spans of an `if` (then-body, each elif, else) or a `case` (each item)."""
        spans: list[tuple[int, int]] = []
        if node.type == "case_statement":
            spans = [(c.start_byte, c.end_byte) for c in node.children if c.type == "case_item"]
        else:
            then_end = None  # set from `then` until the then-body is recorded
            for child in node.children:
                if child.type == "then" and not spans:
                    then_end = child.end_byte
                elif child.type in _BRANCH_ENDS:
                    if then_end is not None:
                        spans.append((then_end, child.start_byte))
                        then_end = None
                    if child.type != "fi":
                        spans.append((child.start_byte, child.end_byte))
        if len(spans) >= 2:
            self.branches.append(tuple((self.pos(a), self.pos(b)) for a, b in spans))

    def container(self, node: tree_sitter.Node, ctx: dict) -> list[Command]:
        """Statement children form chains; anything else (then, do, else, a do_group...) ends
        the current chain, so each body gets its own."""
        found: list[Command] = []
        chain: Chain | None = None
        pending: str | None = None
        last_end = node.start_byte
        for child in self._flatten_lists(node):
            if isinstance(child, str):
                pending = child
                continue
            kind = child.type
            if kind in _STATEMENTS or kind == "ERROR":
                slot = len(self.chains)  # inner chains get appended while walking
                cmds = self.walk(child, ctx)
                cmds.sort(key=lambda c: c.start)
                found.extend(cmds)
                if kind == "ERROR" and not cmds:
                    continue
                start, end = self.span(child)
                if chain is None:
                    chain = Chain([cmds], [], start, end)
                    self.chains.insert(slot, chain)  # outer chains first: preorder
                else:
                    op = pending
                    if op is None:
                        between = self.data[last_end : child.start_byte].replace(b"\\\n", b"")
                        op = "\n" if b"\n" in between else ";"
                    chain.operators.append(op)
                    chain.items.append(cmds)
                    chain.end = end
                pending = None
                last_end = child.end_byte
            elif kind in _SEPARATORS:
                pending = _SEPARATORS[kind]
            elif kind == "comment":
                continue
            else:
                chain = None
                pending = None
                if child.is_named:
                    found.extend(self.walk(child, ctx))
        return found

    @staticmethod
    def _flatten_lists(node: tree_sitter.Node) -> list:
        """Children of a container with ``list`` nodes (a && b || c) opened up in place and
        their ``&&``/``||`` operators as strings."""
        out: list = []
        stack = [iter(node.children)]
        while stack:
            for child in stack[-1]:
                kind = child.type
                if kind == "list":
                    stack.append(iter(child.children))
                    break
                out.append(kind if kind in ("&&", "||") else child)
            else:
                stack.pop()
        return out

    def redirected(self, node: tree_sitter.Node, ctx: dict) -> list[Command]:
        body = node.child_by_field_name("body")
        redirects = [c for c in node.children
                     if c is not body and (c.type in _REDIRECTS or c.type == "ERROR")]
        if body is None:
            found: list[Command] = []
            for r in redirects:
                self.redirect(r, ctx, found)
            return found
        if body.type == "command":
            return self.command(body, ctx, redirects)
        # tree-sitter hangs `a && b > f` and `a | b > f` on the whole list or pipeline; the
        # shell gives the redirection to the last command (b).
        target = body
        while target.type in ("list", "pipeline", "redirected_statement"):
            if target.type == "redirected_statement":
                target = target.child_by_field_name("body")
                if target is None:
                    break
                continue
            stmts = [c for c in target.children if c.is_named and c.type != "comment"]
            if not stmts:
                break
            target = stmts[-1]
        if target is not None and target.type == "command":
            key = (target.start_byte, target.end_byte)
            self.adopted[key] = self.adopted.get(key, []) + redirects
            return self.walk(body, ctx)
        found = self.walk(body, ctx)
        for r in redirects:
            _, _, trailing = self.redirect(r, ctx, found)
            for t in trailing:
                found.extend(self.walk(t, ctx))
        return found

    def redirect(self, node: tree_sitter.Node, ctx: dict, sink: list[Command]
                 ) -> tuple[list[Redirect], list[list[tree_sitter.Node]], list[tree_sitter.Node]]:
        """Model one redirect (plus any nested in it); commands in targets and heredoc bodies
        go to ``sink``. Also returns the words tree-sitter wrongly attached to the redirect
        (``> f arg`` -> ``arg``: the shell passes them to the command), and the statements
        it nests after a heredoc start (``cat <<EOF | sh``, ``cat <<EOF && x``)."""
        if node.type == "ERROR":
            sink.extend(self.walk(node, ctx))
            return [], [], []
        op = ""
        fd = None
        targets: list[tree_sitter.Node] = []
        nested: list[tree_sitter.Node] = []
        trailing: list[tree_sitter.Node] = []
        heredoc_body = None
        for i, child in enumerate(node.children):
            kind = child.type
            if kind == "file_descriptor":
                fd = self.node_text(child)
            elif kind == "heredoc_body":
                heredoc_body = child
            elif kind in ("heredoc_end", "heredoc_content", "comment"):
                continue
            elif kind in _REDIRECTS:
                nested.append(child)  # `cat <<EOF > file`: the file redirect nests here
            elif kind in _STATEMENTS or kind == "ERROR":
                trailing.append(child)
            elif kind in _OPERATORS:
                continue
            elif child.is_named or node.field_name_for_child(i) == "destination" or targets:
                targets.append(child)
            else:
                op += kind
        groups = self._group_adjacent(targets)
        for n in targets:
            sink.extend(self.walk(n, ctx))
        start, end = self.span(node)
        if groups:
            end = self.pos(groups[0][-1].end_byte)
        redirects = [Redirect(op, fd, self.word(groups[0]) if groups else None, start, end)]
        extra = groups[1:]
        for n in nested:
            more, more_extra, more_trailing = self.redirect(n, ctx, sink)
            redirects.extend(more)
            extra.extend(more_extra)
            trailing.extend(more_trailing)
        if heredoc_body is not None:
            sink.extend(self.walk(heredoc_body, ctx))
        return redirects, extra, trailing

    def words(self, items: list[tuple[tree_sitter.Node, str, int, int]]) -> list[ShellWord]:
        """Words from (node, type, start_byte, end_byte) items in source order; touching
        items make one word (tree-sitter splits ``$"x"`` and ``> f arg`` oddly)."""
        out: list[ShellWord] = []
        text, b2c = self.text, self.b2c
        i, n = 0, len(items)
        while i < n:
            _, kind, sb, eb = items[i]
            j = i + 1
            while j < n and items[j][2] == eb:
                eb = items[j][3]
                j += 1
            if j == i + 1 and kind == "word":
                start, end = (sb, eb) if b2c is None else (b2c[sb], b2c[eb])
                word_text = text[start:end]
                if "\\" not in word_text:
                    out.append(ShellWord(word_text, word_text, start, end, False, False))
                    i = j
                    continue
            out.append(self.word([item[0] for item in items[i:j]]))
            i = j
        return out

    @staticmethod
    def _group_adjacent(nodes: Sequence[tree_sitter.Node]) -> list[list[tree_sitter.Node]]:
        groups: list[list[tree_sitter.Node]] = []
        for n in nodes:
            if groups and groups[-1][-1].end_byte == n.start_byte:
                groups[-1].append(n)
            else:
                groups.append([n])
        return groups

    def _may_hold_commands(self, node: tree_sitter.Node) -> bool:
        """$(...), `...`, <(...) all need a paren or backtick: a cheap pre-check."""
        chunk = self.data[node.start_byte : node.end_byte]
        return b"(" in chunk or b"`" in chunk

    def _assignment_ok(self, prev_end: int, next_start: int) -> bool:
        between = self.data[prev_end:next_start].replace(b"\\\n", b"")
        return b"\n" not in between

    def command(self, node: tree_sitter.Node, ctx: dict,
                outer_redirects: Sequence[tree_sitter.Node]) -> list[Command]:
        assignments: list[tuple[str, str]] = []
        name_nodes: list[tree_sitter.Node] = []
        arg_items: list[tuple[tree_sitter.Node, str, int, int]] = []
        redirect_nodes: list[tree_sitter.Node] = []
        nested: list[tree_sitter.Node] = []  # nodes that may hold $(...) commands
        start_byte = node.start_byte
        last_assignment_end: int | None = None
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment":
                if last_assignment_end is not None and not self._assignment_ok(
                        last_assignment_end, child.start_byte):
                    # tree-sitter glues `A=1\nB=2 cmd` into one command; the shell does not.
                    assignments = []
                    start_byte = child.start_byte
                last_assignment_end = child.end_byte
                name_node = child.child_by_field_name("name")
                value_node = child.child_by_field_name("value")
                name = self.node_text(name_node) if name_node else ""
                value = self.word([value_node]).value if value_node else ""
                assignments.append((name, value))
                if value_node is not None and value_node.type not in _INERT and \
                        self._may_hold_commands(value_node):
                    nested.append(value_node)
            elif kind == "command_name":
                if last_assignment_end is not None and not self._assignment_ok(
                        last_assignment_end, child.start_byte):
                    assignments = []
                    start_byte = child.start_byte
                name_nodes = child.children or [child]
                if name_nodes[0].type not in _INERT:
                    nested.append(child)
            elif kind in _REDIRECTS:
                redirect_nodes.append(child)
            elif kind == "comment":
                continue
            else:
                arg_items.append((child, kind, child.start_byte, child.end_byte))
                if kind not in _INERT and self._may_hold_commands(child):
                    nested.append(child)
        redirect_nodes.extend(outer_redirects)
        if self.adopted:
            redirect_nodes.extend(self.adopted.pop((node.start_byte, node.end_byte), ()))

        me_index = len(self.commands)
        found: list[Command] = []
        redirects: list[Redirect] = []
        pending: list[Command] = []
        for n in nested:
            pending.extend(self.walk(n, ctx))
        trailing: list[tree_sitter.Node] = []
        for r in redirect_nodes:
            more, extra, more_trailing = self.redirect(r, ctx, pending)
            redirects.extend(more)
            trailing.extend(more_trailing)
            if extra:
                arg_items.extend((n, n.type, n.start_byte, n.end_byte)
                                 for group in extra for n in group)
                arg_items.sort(key=lambda item: item[2])
        if not name_nodes:
            # Assignments or redirections only (`A=$(curl x)`): not a command of its own.
            return pending
        name_word = self.word(name_nodes)
        args = self.words(arg_items)
        start = self.pos(start_byte)
        end = self.pos(node.end_byte)
        if redirects:
            end = max(end, max(r.end for r in redirects))
        if args:
            end = max(end, args[-1].end)
        cmd = Command(
            name=name_word.value,
            name_word=name_word,
            args=args,
            assignments=assignments,
            redirects=redirects,
            start=start,
            end=end,
            in_pipeline=ctx.get("in_pipeline", False),
            pipeline_index=ctx.get("pipeline_index", 0),
            negated=ctx.get("negated", False),
            in_substitution=ctx.get("in_substitution", False),
            in_function=ctx.get("in_function", False),
        )
        # walk() above appended nested commands already; put this one before them.
        self.commands.insert(me_index, cmd)
        found.append(cmd)
        found.extend(pending)
        for t in trailing:
            if t.type != "pipeline":
                found.extend(self.walk(t, ctx))
            elif ctx.get("in_pipeline"):
                self.continued_pipes.append(t)  # the enclosing pipeline() takes its stages
            else:
                found.extend(self.pipeline(t, ctx, first=cmd))
        return found

    def declaration(self, node: tree_sitter.Node, ctx: dict) -> list[Command]:
        """``export A=1 B``, ``declare -x A``, ``unset X``: modelled as commands named by
        the keyword with the rest as args (assignments as ``NAME=value`` words)."""
        children = node.children
        if not children:
            return []
        keyword = children[0]
        me_index = len(self.commands)
        pending: list[Command] = []
        arg_nodes = []
        for child in children[1:]:
            if child.type == "comment":
                continue
            arg_nodes.append(child)
            pending.extend(self.walk(child, ctx))
        name_word = self.word([keyword])
        args = [self.word(g) for g in self._group_adjacent(arg_nodes)]
        start, end = self.span(node)
        cmd = Command(
            name=name_word.value, name_word=name_word, args=args, start=start, end=end,
            in_pipeline=ctx.get("in_pipeline", False),
            pipeline_index=ctx.get("pipeline_index", 0),
            negated=ctx.get("negated", False),
            in_substitution=ctx.get("in_substitution", False),
            in_function=ctx.get("in_function", False),
        )
        self.commands.insert(me_index, cmd)
        return [cmd] + pending

    def pipeline(self, node: tree_sitter.Node, ctx: dict,
                 first: Command | None = None) -> list[Command]:
        """A pipeline's stages. tree-sitter puts the rest of ``cat <<EOF | sh`` inside the
        heredoc redirect: then ``first`` is ``cat`` (for a lone command), or the rest shows up
        in ``continued_pipes`` while the last stage is walked, and is appended here."""
        stages: list[list[Command]] = []
        operators: list[str] = []
        negated = False
        idx = len(self.pipelines)
        if first is not None:
            first.in_pipeline = True
            first.pipeline_index = 0
            stages.append([first])
            negated = first.negated
        n_before = len(stages)
        mark = len(self.continued_pipes)
        queue = [node]
        end_byte = node.end_byte
        while queue:
            part = queue.pop(0)
            end_byte = max(end_byte, part.end_byte)
            for child in part.children:
                kind = child.type
                if kind in ("|", "|&"):
                    operators.append(kind)
                    continue
                if kind == "comment":
                    continue
                if not stages and kind == "negated_command":
                    negated = True
                stage_ctx = dict(ctx, in_pipeline=True, pipeline_index=len(stages))
                stages.append(self.walk(child, stage_ctx))
            queue.extend(self.continued_pipes[mark:])
            del self.continued_pipes[mark:]
        start, end = self.pos(node.start_byte), self.pos(end_byte)
        if first is not None:
            start = first.start
        self.pipelines.insert(idx, Pipeline(stages, operators, start, end, negated))
        return [c for stage in stages[n_before:] for c in stage]


# tree-sitter's error recovery is quadratic on some broken scripts (20,000 `)` take 3 s, 50,000
# take 20 s). A long script is parsed under a time budget: past it the parse is abandoned and the
# script is treated as one that did not parse, with no commands. Real scripts parse about 50
# times faster than the per-byte allowance, so only such input ever meets the limit.
PARSE_BUDGET_SECONDS = 0.25
PARSE_BUDGET_PER_BYTE = 10e-6
# Up to this size a script is parsed directly, without a budget: the worst case is about 0.4 s,
# and the largest RUN script of the shared corpus is 5 KB. (The budget needs tree-sitter's
# callable-input form, and py-tree-sitter 0.26 never releases what the read callback returns.)
UNBUDGETED_BYTES = 8192
_READ_CHUNK = 16  # small, cached per offset: what leaks stays a few times the script's size


def _parse_within_budget(parser: tree_sitter.Parser, data: bytes):
    """The tree, or None when parsing ran past the budget (tree-sitter halts when the progress
    callback says so; it only calls one for input read through a callable)."""
    if len(data) <= UNBUDGETED_BYTES:
        return parser.parse(data)
    deadline = time.perf_counter() + PARSE_BUDGET_SECONDS + PARSE_BUDGET_PER_BYTE * len(data)
    chunks: dict[int, bytes] = {}  # error recovery reads the same offsets again and again

    def read(offset: int, _point) -> bytes:
        chunk = chunks.get(offset)
        if chunk is None:
            chunk = chunks[offset] = data[offset : offset + _READ_CHUNK]
        return chunk

    def over_budget(_offset: int, _has_error: bool) -> bool:
        return time.perf_counter() > deadline

    try:
        return parser.parse(read, progress_callback=over_budget)
    except ValueError:  # "Parsing failed": halted by over_budget
        return None


# Code that may run more than once: one pass's branch can set what another pass's reads.
_REPEATING = frozenset({"for_statement", "c_style_for_statement", "while_statement", "function_definition"})
_BRANCH_ENDS = ("elif_clause", "else_clause", "fi")


def exclusive(branches: list[tuple[tuple[int, int], ...]], a: int, b: int) -> bool:
    """Whether offsets `a` and `b` lie in two different branches of one `if`/`case`."""
    for statement in branches:
        ia = next((i for i, (s, e) in enumerate(statement) if s <= a < e), None)
        ib = next((i for i, (s, e) in enumerate(statement) if s <= b < e), None)
        if ia is not None and ib is not None and ia != ib:
            return True
    return False


# Scripts parsed in this process, by their text. A monorepo's Dockerfiles repeat their RUN
# scripts (of the shared corpus's 7,384, 44% are the text of another; of its first 100 files'
# 311, 56%), and a Script is only read once made: the rules and checks share one per text.
# A kept Script costs ~43 bytes a character of its text, tree-sitter's tree about half of it
# (61 MB for the corpus's 4,130 distinct scripts, 1.4 M characters): past the bound the
# kept ones are let go, so a process holds ~45 MB of them at most.
_PARSED = TextMemo(1_000_000)  # characters of script text


def parse_shell(script: str) -> Script:
    """Parse a POSIX shell script. Never raises on bad input: ``parse_ok`` is False when the
    parser had to recover, and the commands are then a best effort. The same text gives the
    same Script object (which callers must not change)."""
    parsed = _PARSED.get(script)
    if parsed is None:
        parsed = _PARSED.put(script, len(script), _parse(script))
    return parsed


def _parse(script: str) -> Script:
    builder = _Builder(script)
    parser = tree_sitter.Parser(LANGUAGE)
    tree = _parse_within_budget(parser, builder.data)
    if tree is None:
        return Script(text=script, commands=[], pipelines=[], and_or_chains=[], parse_ok=False)
    root = tree.root_node
    builder.walk(root, {})
    # A command is recorded before the commands nested in it, which start later; only
    # tree-sitter's `A=$(x)\nB=1 cmd` (see _Builder.command) breaks that order.
    builder.commands.sort(key=lambda c: c.start)
    builder.pipelines.sort(key=lambda p: p.start)
    builder.chains.sort(key=lambda c: c.start)
    return Script(
        text=script,
        commands=builder.commands,
        pipelines=builder.pipelines,
        and_or_chains=builder.chains,
        parse_ok=not root.has_error,
        branch_spans=builder.branches,
        syntax_tree=tree,
    )
