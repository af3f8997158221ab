"""ShellCheck's most frequent checks, natively, on the tree-sitter-bash parse of one script.

``check_script(text, dialect, defined)`` walks the tree once and returns plain
:class:`ShellIssue` values (code, offsets into ``text``, message, optional replacement edits);
the Dockerfile side (which scripts, which dialect, which variables ARG/ENV define, positions in
the Dockerfile, `# shellcheck disable=`) is in ``dockerlint.rulekit.shell_native``. Codes,
messages and severities are ShellCheck's, so a code means the same check in both tools
(`bench/shellcheck_agreement.py` measures how often we agree, per code, on the corpus).

Like ShellCheck 0.10+, SC2086 follows the values variables hold: an expansion whose variable
certainly holds a word without blanks or glob characters (``v=1.2``, ``n=$((n+1))``, a
`for` over literal words, a variable the Dockerfile defines) is not reported. The state is
flow-sensitive in ShellCheck's way: ``a && b`` — b sees a's assignments, what follows sees
either; branches and loop bodies are merged with the path that skips them; subshells,
pipelines and ``$(...)`` keep their assignments to themselves.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import tree_sitter

from dockerlint.parse.bash_grammar import LANGUAGE as _LANGUAGE
from dockerlint.parse.memo import TextMemo
from dockerlint.parse import shell_checks_extra as _extra
from dockerlint.parse import shell_checks_more
from dockerlint.rulekit.patterns import lazy

NATIVE_CODES = ("SC1001", "SC1012", "SC2006", "SC2016", "SC2028", "SC2046", "SC2086", "SC2153", "SC2154", "SC2155",
                "SC3028", "SC3043", "SC3046", "SC3057") + shell_checks_more.CODES + _extra.CODES

SEVERITY = {
    "SC1001": "info", "SC1012": "warning", "SC2006": "style", "SC2016": "info", "SC2028": "info",
    "SC2046": "warning", "SC2086": "info", "SC2155": "warning", "SC3043": "warning", "SC3057": "warning",
    "SC2153": "info", "SC2154": "warning", "SC3028": "warning", "SC3046": "warning",
    **shell_checks_more.SEVERITY,
    **_extra.SEVERITY,
}
# bash variables POSIX sh does not have (SC3028), unless the script or Dockerfile sets them.
_BASH_ONLY_VARS = frozenset({
    "RANDOM", "SRANDOM", "SECONDS", "UID", "EUID", "HOSTNAME", "OSTYPE", "HOSTTYPE", "MACHTYPE",
    "PIPESTATUS", "BASHPID", "BASH_SOURCE", "FUNCNAME", "BASH_LINENO", "DIRSTACK", "GROUPS",
    "EPOCHSECONDS", "EPOCHREALTIME",
})
# Variables the environment or the shell provides: never "possibly misspelt" (SC2153).
_ENVIRONMENT_VARS = frozenset({
    "HOME", "PATH", "PWD", "OLDPWD", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "LANGUAGE", "IFS",
    "PS1", "PS2", "PS4", "TMPDIR", "TZ", "MAIL", "EDITOR", "PAGER", "DISPLAY", "HOSTNAME", "LINENO",
    "PPID", "OPTARG", "OPTIND", "BASH", "BASH_VERSION", "BASH_VERSINFO", "REPLY", "COLUMNS", "LINES",
}) | _BASH_ONLY_VARS
_COMMAND_LIKE = frozenset({"env", "pwd", "date", "hostname", "whoami", "uname", "nproc", "id", "arch", "dirname", "basename"})


@dataclass(slots=True)
class ShellIssue:
    """A native ShellCheck finding in a script, with ShellCheck's fix when it has one."""

    code: str
    start: int  # character offsets into the script text
    end: int
    message: str
    edits: tuple[tuple[int, int, str], ...] = ()  # ShellCheck's fix, when it offers one


_SAFE_LITERAL = lazy(r"^[^\s*?\[\]{}'\"\\$`]+$")  # one word, no glob, nothing to expand
_BRACED = lazy(r"^\$\{(!?)([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(.*)\}$", re.S)
_NAME = lazy(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SUBSTRING = lazy(r"^\$\{[A-Za-z_][A-Za-z0-9_]*:(?![-=?+])")
_ECHO_ESCAPE = lazy(r"\\[abcefnrtvx0\\]")
_SC1001_CHARS = "-_/:%=^"
_SINGLE_QUOTE_EXPANSION = lazy(r"\$(?:[A-Za-z0-9_(]|\{[A-Za-z0-9_#!@*])|`")
_SED_LAST_LINE = lazy(r"\$[aicdDgGhHlnNpPqQrRswWxyz=!{](?![A-Za-z0-9_])")  # sed's `$p`, `$a text`
# Commands whose single-quoted arguments are code for another interpreter (or the shell later):
# ShellCheck does not say "expressions don't expand in single quotes" for them.
_SC2016_EXEMPT = frozenset({
    "trap", "sh", "bash", "ksh", "zsh", "dash", "ash", "ssh", "eval", "xprop", "alias", "sudo", "su",
    "docker", "podman", "oc", "dpkg-query", "jq", "rename", "rg", "unset", "git", "perl", "awk",
    "gawk", "mawk", "nawk", "busybox", "exec", "command", "env", "xargs", "find", "watch", "script",
})
_SPECIAL_SAFE = frozenset({"#", "?", "$", "!", "-", "RANDOM", "LINENO", "SECONDS", "PPID", "UID", "EUID", "BASHPID", "OPTIND"})
_LEAVES = frozenset({"word", "number", "raw_string", "string_content", "variable_name", "comment", "heredoc_content", "ansi_c_string"})
_DECLARATIONS = frozenset({"export", "local", "declare", "typeset", "readonly"})

# Unknown variable: not safe. The state maps a name to True (certainly safe) or False.
_Env = dict


UNSAFE, EMPTY, SAFE = 0, 1, 2  # what a variable certainly holds (EMPTY: only ever the empty string)


def _branch(env: _Env | None) -> _Env | None:
    """The state a branch starts from: a copy, or None where no path gets there (`exit 1 && b`,
    `if exit 1; then b`: `b` is checked as dead code is, in an empty state, and never completes)."""
    return dict(env) if env is not None else None


def _merge(a: _Env | None, b: _Env | None, defined: frozenset) -> _Env | None:
    """The state after either path; None is a path that never gets here (exit, return).
    Like ShellCheck: empty or a plain word is a plain word; anything unknown stays unknown."""
    if a is None:
        return b
    if b is None:
        return a
    out = {}
    for k in a.keys() | b.keys():
        x = a.get(k, SAFE if k in defined else UNSAFE)
        y = b.get(k, SAFE if k in defined else UNSAFE)
        out[k] = UNSAFE if UNSAFE in (x, y) else max(x, y)
    return out


class _Checker:
    def __init__(self, text: str, data: bytes, dialect: str, defined: frozenset):
        self.text = text
        self.data = data
        self.dialect = dialect
        self.sh = dialect == "sh"
        self.defined = defined
        self.issues: list[ShellIssue] = []
        self._ascii = len(data) == len(text)
        self._char_at: list[int] | None = None
        self.function_env: _Env = {}
        self.references: list = []  # every $x / ${x...} in order
        self.test_failures: list[tuple[int, int]] = []  # (`[`, bad word) bytes: SC1073/SC1072

    # ---- positions --------------------------------------------------------------------------
    def pos(self, byte: int) -> int:
        if self._ascii:
            return byte
        if self._char_at is None:
            self._char_at = [0] * (len(self.data) + 1)
            b = 0
            for i, ch in enumerate(self.text):
                n = len(ch.encode("utf-8", "surrogatepass"))
                for k in range(n):
                    self._char_at[b + k] = i
                b += n
            self._char_at[b] = len(self.text)
        return self._char_at[min(byte, len(self.data))]

    def node_text(self, node) -> str:
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def report(self, code: str, node, message: str, edits=(), start=None, end=None) -> None:
        s = self.pos(node.start_byte) if start is None else start
        e = self.pos(node.end_byte) if end is None else end
        self.issues.append(ShellIssue(code, s, e, message, tuple(edits)))

    def merge(self, a, b):
        return _merge(a, b, self.defined)

    # ---- values ------------------------------------------------------------------------------
    def safe_var(self, name: str, env: _Env) -> bool:
        if name in env:
            return env[name] == SAFE
        return name in self.defined or (name in _SPECIAL_SAFE and not self.sh)

    def value_state(self, node, env: _Env) -> int:
        if node is None or self.node_text(node) in ('""', "''"):
            return EMPTY
        return SAFE if self.value_safe(node, env) else UNSAFE

    def value_safe(self, node, env: _Env) -> bool:
        """Whether an assigned value is certainly one word without glob characters."""
        if node is None:
            return False
        t = node.type
        if t in ("number", "arithmetic_expansion"):
            return True
        if t == "word":
            return bool(_SAFE_LITERAL.match(self.node_text(node)))
        if t == "raw_string":
            return bool(_SAFE_LITERAL.match(self.node_text(node)[1:-1]))
        if t in ("simple_expansion", "expansion"):
            return self.expansion_safe(node, env)
        if t in ("string", "concatenation"):
            parts = [c for c in node.named_children if c.type != "string_content" or not _SAFE_LITERAL.match(self.node_text(c))]
            return bool(node.named_children) and all(self.value_safe(c, env) for c in parts)
        return False

    def expansion_safe(self, node, env: _Env) -> bool:
        """Whether `$x` / `${x...}` certainly expands to one plain word (or nothing)."""
        text = self.node_text(node)
        if node.type == "simple_expansion":
            name = text[1:]
            return name in _SPECIAL_SAFE or self.safe_var(name, env)
        if text.startswith("${#"):
            return True
        m = _BRACED.match(text)
        if m is None or m.group(1):
            return False  # ${!x} indirection, arrays, anything unusual
        name, rest = m.group(2), m.group(3)
        if name in _SPECIAL_SAFE and not rest:
            return True
        if rest.startswith((":+", "+")):
            return True  # `${x:+--flag}`: ShellCheck takes the alternative as meant to split
        if not self.safe_var(name, env):
            return False
        if rest.startswith((":-", "-", ":=", "=", ":?", "?")):
            arg = rest.lstrip(":")[1:]
            return not arg or bool(_SAFE_LITERAL.match(arg))
        if rest.startswith("/"):
            replacement = rest.lstrip("/").split("/", 1)[1] if "/" in rest.lstrip("/") else ""
            return not replacement or bool(_SAFE_LITERAL.match(replacement))
        return True  # ${x%...}, ${x#...}, ${x:1:2}, ${x^^}: part of a plain word

    def var_name(self, node) -> str | None:
        for c in node.children:
            if c.type in ("variable_name", "special_variable_name"):
                return self.node_text(c)
        return None

    # ---- statements --------------------------------------------------------------------------
    def run(self, root) -> None:
        self.function_env, assigned = self._prescan(root)
        self.block(root.named_children, {})
        self.unassigned(assigned)
        shell_checks_more.check_more(self, root)

    # ---- variables used but never assigned (SC2154, SC2153, SC3028) ---------------------------
    def unassigned(self, assigned: set[str]) -> None:
        defined = self.defined  # asked name by name: `check_script` keeps what it was asked
        reported: set[str] = set()
        for node in self.references:
            text = self.node_text(node)
            m = _BRACED.match(text) if node.type == "expansion" else None
            if node.type == "expansion":
                if text.startswith("${#"):
                    m = re.match(r"^\$\{#([A-Za-z_][A-Za-z0-9_]*)", text)
                    name, rest = (m.group(1), "") if m else (None, "")
                elif m is None or m.group(1):
                    continue
                else:
                    name, rest = m.group(2), m.group(3)
                    if rest[:1] == "[":
                        rest = rest[rest.find("]") + 1:]
                if name is None or rest.lstrip(":")[:1] in ("-", "=", "?", "+"):
                    continue  # `${x:-default}`: an explicit check for unset
            else:
                name = text[1:]
            if not _NAME.match(name) or name in assigned or name in defined:
                continue
            if name in _BASH_ONLY_VARS:
                if self.sh:
                    self.report("SC3028", node, f"In POSIX sh, {name} is undefined.")
                continue
            if name in reported:
                continue
            reported.add(name)
            if name != name.upper():
                hint = f' (for output from commands, use "$({name} ...)" )' if name in _COMMAND_LIKE else ""
                self.report("SC2154", node, f"{name} is referenced but not assigned{hint}.")
            elif name not in _ENVIRONMENT_VARS:
                match = _best_match(name, assigned | set(defined))
                if match is not None:
                    self.report("SC2153", node, f"Possible misspelling: {name} may not be assigned. Did you mean {match}?")

    def _prescan(self, root) -> tuple[_Env, set[str]]:
        """One walk over the tree for what the main pass needs up front: inside a function a
        variable is safe when every assignment to it anywhere is (ShellCheck's view of globals);
        and every name the script assigns anywhere (SC2154 is about names never assigned)."""
        seen: _Env = {}
        names: set[str] = set()
        stack = [root]
        while stack:
            node = stack.pop()
            t = node.type
            if t == "variable_assignment":
                name_node = node.child_by_field_name("name")
                if name_node is not None:
                    name = self.node_text(name_node)
                    safe = self.value_safe(node.child_by_field_name("value"), {})
                    seen[name] = SAFE if seen.get(name, SAFE) == SAFE and safe else UNSAFE
                    if node.parent is None or node.parent.type != "command":  # `A=1 cmd`: for cmd only
                        names.add(name.split("[", 1)[0])
            elif t == "for_statement":
                v = node.child_by_field_name("variable")
                if v is not None:
                    names.add(self.node_text(v))
            elif t == "declaration_command":
                names.update(self.node_text(c) for c in node.named_children if c.type == "variable_name")
            elif t == "command":
                name = node.child_by_field_name("name")
                prog = self.node_text(name) if name is not None else ""
                if prog in ("read", "getopts", "mapfile", "readarray", "printf", "export", "local", "declare", "typeset", "readonly"):
                    names.update(w for w in (self.node_text(c) for c in node.named_children if c is not name) if _NAME.match(w))
            if t not in _LEAVES:
                stack.extend(node.named_children)
        return seen, names

    def block(self, nodes, env: _Env) -> _Env | None:
        dead = None
        for node in nodes:
            if env is None:  # after exit/return: still checked, as ShellCheck does
                env, dead = {}, True
            env = self.statement(node, env)
        return None if dead else env

    def statement(self, node, env: _Env) -> _Env | None:
        if env is None:
            env = {}
        t = node.type
        if t == "command":
            after = self.command(node, env)
            name = node.child_by_field_name("name")
            if name is not None and self.node_text(name) in ("exit", "return"):
                return None
            return after
        if t == "variable_assignment":
            return self.assignment(node, env)
        if t == "variable_assignments":
            for c in node.named_children:
                env = self.statement(c, env)
            return env
        if t == "declaration_command":
            return self.declaration(node, env)
        if t == "unset_command":
            env = dict(env)
            for c in node.named_children:
                if c.type == "variable_name":
                    env[self.node_text(c)] = UNSAFE
            return env
        if t == "list":
            kids = node.named_children
            if len(kids) < 2:
                return self.block(kids, env)
            left = self.statement(kids[0], env)
            right = self.block(kids[1:], _branch(left))
            return self.merge(left, right)
        if t == "pipeline":
            for c in node.named_children:
                self.statement(c, dict(env))
            return env
        if t in ("subshell",):
            self.block(node.named_children, dict(env))
            return env
        if t == "negated_command":
            return self.block(node.named_children, env)
        if t == "redirected_statement":
            body = node.child_by_field_name("body")
            before = env
            if body is not None:
                env = self.statement(body, env)
            for c in node.named_children:
                if c is not body:  # (`exit 1 >&2`: its redirection's words are expanded first)
                    self.redirect(c, env if env is not None else before)
            return env
        if t in ("compound_statement", "program", "do_group"):
            return self.block(node.named_children, env)
        if t == "if_statement":
            return self.if_statement(node, env)
        if t in ("while_statement", "until_statement"):
            cond = [c for c in node.named_children if c.type != "do_group"]
            env = self.block(cond, env)
            body = node.child_by_field_name("body")
            after = self.statement(body, _branch(env)) if body is not None else env
            return None if env is None else self.merge(env, after)  # (`while exit 1`: never past it)
        if t == "for_statement":
            return self.for_statement(node, env)
        if t == "c_style_for_statement":
            body = node.child_by_field_name("body")
            after = self.statement(body, dict(env)) if body is not None else env
            return self.merge(env, after)
        if t == "case_statement":
            value = node.child_by_field_name("value")
            if value is not None:
                self.expressions(value, env, split=False)
            results = [env]
            for item in node.named_children:
                if item.type == "case_item" and any(
                    self.node_text(v) == "*" for f, v in _fields(item) if f == "value"
                ):
                    results[0] = None  # `*)`: no path skips every branch
            for item in node.named_children:
                if item.type == "case_item":
                    body = [c for f, c in _fields(item) if f != "value"]
                    results.append(self.block(body, dict(env)))
            out = results[0]
            for r in results[1:]:
                out = self.merge(out, r)
            return out
        if t == "function_definition":
            body = node.child_by_field_name("body")
            if body is not None:
                self.statement(body, dict(self.function_env))
            return env
        if t == "test_command":
            _extra.test_expression(self, node)
            split = self.node_text(node).startswith("[ ")  or self.node_text(node).startswith("[\t")
            for c in node.named_children:
                self.expressions(c, env, split=split)
            return env
        if t == "comment":
            return env
        # Anything else (heredoc bodies, errors, bare words): look for expansions, no splitting.
        for c in node.named_children:
            if c.type in ("command", "list", "pipeline", "subshell", "compound_statement", "if_statement",
                          "for_statement", "while_statement", "case_statement", "redirected_statement",
                          "variable_assignment", "declaration_command"):
                env = self.statement(c, env)
            else:
                self.expressions(c, env if env is not None else {}, split=False)
        return env

    def if_statement(self, node, env: _Env) -> _Env:
        _extra.else_if(self, node)
        results = []
        current = env
        has_else = False
        body: list = []
        cond_done = False
        for field, c in _fields(node):
            if c.type in ("elif_clause", "else_clause"):
                break
            if field == "condition":
                current = self.statement(c, current)
            else:
                body.append(c)
                cond_done = True
        del cond_done
        results.append(self.block(body, _branch(current)))
        for c in node.named_children:
            if c.type == "elif_clause":
                cond = [k for f, k in _fields(c) if f == "condition"]
                rest = [k for k in c.named_children if k not in cond]
                current = self.block(cond, current)
                results.append(self.block(rest, _branch(current)))
            elif c.type == "else_clause":
                has_else = True
                results.append(self.block(c.named_children, _branch(current)))
        if not has_else:
            results.append(current)
        out = results[0]
        for r in results[1:]:
            out = self.merge(out, r)
        return out

    def for_statement(self, node, env: _Env) -> _Env:
        var = node.child_by_field_name("variable")
        values = [c for f, c in _fields(node) if f == "value"]
        for v in values:
            self.expressions(v, env, split=False, for_list=True)
        env = dict(env)
        if var is not None:
            env[self.node_text(var)] = SAFE if values and all(
                v.type in ("word", "number", "raw_string") and self.value_safe(v, env) for v in values) else UNSAFE
        body = node.child_by_field_name("body")
        after = self.statement(body, dict(env)) if body is not None else env
        return self.merge(env, after)

    def assignment(self, node, env: _Env, declared: str | None = None) -> _Env:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if value is not None:
            split = declared is not None and self.sh
            self.expressions(value, env, split=split, assignment=True)
        env = dict(env)
        if name_node is not None and name_node.type == "variable_name":
            env[self.node_text(name_node)] = self.value_state(value, env)
        return env

    def declaration(self, node, env: _Env) -> _Env:
        keyword = node.children[0].type if node.children else ""
        if keyword == "local" and self.sh:
            first = next((c for c in node.named_children if c.type in ("variable_assignment", "variable_name")), None)
            end = None
            if first is not None:
                name_node = first.child_by_field_name("name") if first.type == "variable_assignment" else first
                end = self.pos(name_node.end_byte) if name_node is not None else None
            self.report("SC3043", node, "In POSIX sh, 'local' is undefined.", end=end)
        for c in node.named_children:
            if c.type == "variable_assignment":
                value = c.child_by_field_name("value")
                if keyword in _DECLARATIONS and value is not None and self._has_substitution(value):
                    name_node = c.child_by_field_name("name")
                    self.report("SC2155", name_node or c, "Declare and assign separately to avoid masking return values.")
                env = self.assignment(c, env, declared=keyword)
            elif c.type == "variable_name" and keyword in ("local", "declare", "typeset"):
                env = dict(env)
                env[self.node_text(c)] = UNSAFE
            else:
                self.expressions(c, env, split=True)
        return env

    def _has_substitution(self, node) -> bool:
        if node.type == "command_substitution":
            return True
        if node.type in ("string", "concatenation"):
            return any(self._has_substitution(c) for c in node.named_children)
        return False

    def command(self, node, env: _Env) -> _Env:
        name_node = node.child_by_field_name("name")
        name = self.node_text(name_node).rsplit("/", 1)[-1] if name_node is not None else ""
        args = []
        for field, c in _fields(node):
            if c.type == "variable_assignment":
                value = c.child_by_field_name("value")
                if value is not None:
                    self.expressions(value, env, split=False, assignment=True)
            elif c.type in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                self.redirect(c, env)
            elif field == "name":
                # `$cmd args` is left alone (ShellCheck: the command is meant to be a variable);
                # `/modules/$m/prebuild` is a word like any other.
                kids = c.named_children
                self.expressions(c, env, split=bool(kids) and kids[0].type == "concatenation")
            else:
                args.append(c)
        for a in args:
            self.expressions(a, env, split=True)
        _extra.command(self, node, name_node, args)
        if name == "echo":
            self.echo(args)
        if name == "source" and self.sh and name_node is not None:
            self.report("SC3046", node, "In POSIX sh, 'source' in place of '.' is undefined.", end=self.pos(name_node.end_byte))
        if args and name not in _SC2016_EXEMPT:
            for a in args:
                self.single_quoted(a, sed=name == "sed")
        if name in ("read", "getopts", "mapfile", "readarray"):
            env = dict(env)
            for a in args:
                text = self.node_text(a)
                if _NAME.match(text):
                    env[text] = UNSAFE
        return env

    def redirect(self, node, env: _Env) -> None:
        if node.type == "file_redirect":
            dest = node.child_by_field_name("destination")
            for c in node.named_children:
                self.expressions(c, env, split=c == dest)
        elif node.type == "herestring_redirect":
            for c in node.named_children:
                self.expressions(c, env, split=not self.sh)
        elif node.type == "heredoc_redirect":
            for c in node.named_children:
                if c.type in ("heredoc_body",):
                    self.expressions(c, env, split=False)
                elif c.type in ("file_redirect", "herestring_redirect"):
                    self.redirect(c, env)
                elif c.type not in ("heredoc_start", "heredoc_end"):
                    self.statement(c, env)

    # ---- word-level checks -------------------------------------------------------------------
    def expressions(self, node, env: _Env, *, split: bool, quoted: bool = False, assignment: bool = False,
                    for_list: bool = False) -> None:
        t = node.type
        if t in ("simple_expansion", "expansion"):
            self.expansion(node, env, split and not quoted)
            if t == "expansion":
                for c in node.named_children:
                    if c.type in ("command_substitution", "string", "concatenation", "expansion", "simple_expansion"):
                        self.expressions(c, env, split=False, quoted=True)
            return
        if t == "command_substitution":
            text = self.node_text(node)
            if text.startswith("`"):
                inner = self.pos(node.start_byte), self.pos(node.end_byte)
                self.report("SC2006", node, "Use $(...) notation instead of legacy backticks `...`.",
                            edits=((inner[0], inner[0] + 1, "$("), (inner[1] - 1, inner[1], ")")) if "`" not in text[1:-1] and "\\" not in text else ())
            if split and not quoted and not for_list:
                self.report("SC2046", node, "Quote this to prevent word splitting.",
                            edits=((self.pos(node.start_byte), self.pos(node.start_byte), '"'),
                                   (self.pos(node.end_byte), self.pos(node.end_byte), '"')))
            self.block(node.named_children, dict(env))
            return
        if t == "process_substitution":
            self.block(node.named_children, dict(env))
            return
        if t == "arithmetic_expansion":
            for c in node.named_children:
                self._arith(c, env)
            return
        if t == "string":
            for c in node.named_children:
                self.expressions(c, env, split=split, quoted=True)
            return
        if t == "word" and not quoted:
            self.escapes(node)
            return
        if t in ("raw_string", "ansi_c_string", "number", "heredoc_content", "string_content", "variable_name", "comment"):
            return
        if t in ("command", "list", "pipeline", "redirected_statement", "subshell", "compound_statement"):
            self.statement(node, dict(env))
            return
        for c in node.named_children:
            self.expressions(c, env, split=split, quoted=quoted, assignment=assignment, for_list=for_list)

    def _arith(self, node, env: _Env) -> None:
        if node.type == "command_substitution":
            self.expressions(node, env, split=False)
            return
        for c in node.named_children:
            self._arith(c, env)

    def expansion(self, node, env: _Env, split: bool) -> None:
        text = self.node_text(node)
        self.references.append(node)
        if node.type == "expansion" and self.sh and _SUBSTRING.match(text):
            self.report("SC3057", node, "In POSIX sh, string indexing is undefined.")
        if not split:
            return
        name = self.var_name(node)
        if name is None or name == "@" or "[" in text:
            return  # "$@" and arrays are SC2068's
        if self.expansion_safe(node, env):
            return
        s, e = self.pos(node.start_byte), self.pos(node.end_byte)
        self.report("SC2086", node, "Double quote to prevent globbing and word splitting.",
                    edits=((s, s, '"'), (e, e, '"')))

    def escapes(self, node) -> None:
        """SC1001/SC1012: a backslash in an unquoted word before a character it does not
        escape into anything."""
        text = self.node_text(node)
        if "\\" not in text:
            return
        base = self.pos(node.start_byte)
        i = 0
        while i < len(text) - 1:
            if text[i] != "\\":
                i += 1
                continue
            c = text[i + 1]
            if c in "tnr":
                what = {"t": ("tab", "\"$(printf '\\t')\" instead"), "n": ("line feed", "a quoted, literal line feed instead"),
                        "r": ("carriage return", "\"$(printf '\\r')\" instead")}[c]
                self.report("SC1012", node, f"\\{c} is just literal '{c}' here. For {what[0]}, use {what[1]}.",
                            start=base + i, end=base + i + 1)
            elif c.isalnum() or c in _SC1001_CHARS:
                self.report("SC1001", node, f"This \\{c} will be a regular '{c}' in this context.", start=base + i, end=base + i + 1)
            i += 2

    def echo(self, args) -> None:
        if any(self.node_text(a) in ("-e", "-en", "-ne") for a in args):
            return
        for a in args:
            if a.type not in ("string", "raw_string", "concatenation", "word"):
                continue
            value = _dequote(self.node_text(a))
            if value is not None and _ECHO_ESCAPE.search(value):
                self.report("SC2028", a, "echo may not expand escape sequences. Use printf.")

    def single_quoted(self, node, sed: bool = False) -> None:
        if node.type == "raw_string":
            text = self.node_text(node)
            if sed:
                text = _SED_LAST_LINE.sub("", text)
            if _SINGLE_QUOTE_EXPANSION.search(text):
                self.report("SC2016", node, "Expressions don't expand in single quotes, use double quotes for that.")
        elif node.type == "concatenation":
            for c in node.named_children:
                self.single_quoted(c, sed)


def _fields(node):
    """(field name or None, child) for each named child, in order."""
    return [(node.field_name_for_child(i), c) for i, c in enumerate(node.children) if c.is_named]


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _best_match(name: str, candidates) -> str | None:
    """An assigned name close enough to be what a misspelt reference meant (SC2153)."""
    best = None
    for candidate in sorted(candidates):  # the first of two as close, whatever the set's order
        if abs(len(candidate) - len(name)) > 2:
            continue
        d = _edit_distance(name, candidate)  # case counts: `upgradePackages` is not `UPGRADE_PACKAGES`
        if (len(candidate) > 3 and d <= 1) or (len(candidate) > 7 and d <= 2):
            if best is None or d < best[0]:
                best = (d, candidate)
    return best[1] if best else None


def _dequote(text: str) -> str | None:
    """The value of a simple word (quotes removed, escapes resolved); expansions kept."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return None
            out.append(text[i + 1 : j])
            i = j + 1
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '$`"\\\n':
                    out.append(text[i + 1])
                    i += 2
                else:
                    out.append(text[i])
                    i += 1
            i += 1
        elif c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


class _Asked:
    """The names the script's environment defines (ARG, ENV, the proxy variables), noting what
    the checks asked of them: the findings hold for any other set that answers the same."""

    __slots__ = ("names", "answers", "whole")

    def __init__(self, names) -> None:
        self.names = names
        self.answers: dict[str, bool] = {}
        self.whole = False  # iterated: the findings hold for this very set only

    def __contains__(self, name) -> bool:
        found = name in self.names
        self.answers[name] = found
        return found

    def __iter__(self):
        self.whole = True
        return iter(self.names)


# Findings already worked out in this process: (text, dialect, directives, whether a gap function
# was given) -> [(the names' answers, or the whole set, the gaps read, the findings)]. A
# monorepo's Dockerfiles repeat their RUN scripts (44% of the shared corpus's 7,384) under
# different ARGs and ENVs; a script's findings are reused where what they read is the same.
_CHECKED = TextMemo(1_000_000)  # characters of script text (the findings kept are a small part)
_VARIANTS = 4  # kept per text: beyond, the text is checked again each time


def check_script(text: str, dialect: str = "sh", defined: frozenset = frozenset(), tree=None,
                 directives=(), source_gap=None) -> list[ShellIssue]:
    """The native ShellCheck findings for one script, in source order. `tree`: tree-sitter's
    tree of exactly `text` when the caller has it (`Script.syntax_tree`). `# shellcheck
    disable=` comments in the script apply as ShellCheck applies them; `directives`: more of
    them, as (character offset, codes), for comments the script text does not hold (a RUN's
    continuation lines). `source_gap(a, b)`: the source text between script offsets a and b,
    when the script was joined from continuation lines (a Dockerfile RUN); None for a script
    checked as it is. A text checked before, with `defined` answering the same for every name
    the checks asked about and `source_gap` giving the same texts, gets the same findings
    without a second walk."""
    key = (text, dialect, tuple(directives), source_gap is None)
    known = _CHECKED.get(key)
    for names, answers, gaps, issues in known or ():
        if (defined == names if answers is None else all((n in defined) is found for n, found in answers)) and all(
            source_gap(a, b) == gap for (a, b), gap in gaps
        ):
            return list(issues)
    asked = _Asked(defined)
    gaps: dict[tuple[int, int], str | None] = {}

    def gap(a: int, b: int) -> str | None:
        found = gaps[a, b] = source_gap(a, b)
        return found

    issues = _check(text, dialect, asked, tree, directives, gap if source_gap is not None else None)
    if known is None:
        known = _CHECKED.put(key, len(text), [])
    if len(known) < _VARIANTS:
        answers = None if asked.whole else tuple(asked.answers.items())
        known.append((frozenset(defined) if answers is None else None, answers, tuple(gaps.items()), tuple(issues)))
    return issues


def _check(text: str, dialect: str, defined, tree, directives, source_gap) -> list[ShellIssue]:
    data = text.encode("utf-8", "surrogatepass")
    if tree is None:
        from dockerlint.parse.shell import _parse_within_budget  # the shell model's time budget

        tree = _parse_within_budget(tree_sitter.Parser(_LANGUAGE), data)
        if tree is None:
            return []  # over budget (hostile input): no findings rather than no answer
    if tree.root_node.has_error:
        text, data, tree = _extra.repair(text, data, tree, tree_sitter.Parser(_LANGUAGE))
    root = tree.root_node
    checker = _Checker(text, data, dialect, defined)
    checker.source_gap = source_gap
    try:
        checker.run(root)
    except RecursionError:
        pass
    issues = checker.issues
    failure = _extra.parse_failure(checker, root) if (root.has_error or checker.test_failures) else None
    if failure is not None:
        # ShellCheck's parser gives up at a test expression it cannot read (SC1073, SC1072).
        opener, at = checker.pos(failure[0]), checker.pos(failure[1])
        issues = [i for i in issues if i.code in _PARSE_PROBLEMS and i.start < at]
        checker.report("SC1073", root, "Couldn't parse this test expression. Fix to allow more checks.", start=opener, end=opener)
        checker.report("SC1072", root, "Expected test to end here (don't wrap commands in []/[[]]). Fix any mentioned problems and try again.",
                       start=at, end=at)
        issues += checker.issues[-2:]
    elif root.has_error:
        # ShellCheck stops at a syntax error: it keeps the problems its parser reported before
        # the error (SC1075...) and none of the checks that need the whole tree, nor its parse
        # notes (SC1001, SC1012: dropped with the failed parse).
        first_error = _first_error(root)
        cut = checker.pos(first_error) if first_error is not None else 0
        issues = [i for i in issues if i.code in _PARSE_PROBLEMS and i.start < cut]
    issues = _extra.apply_directives(checker, root, issues, [(_byte_at(text, p), c) for p, c in directives])
    issues.sort(key=lambda i: (i.start, i.code))
    return issues


def _byte_at(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8", "surrogatepass"))


# Codes ShellCheck's parser reports as problems, kept when the parse fails (its parse notes,
# SC1001 and SC1012, are not).
_PARSE_PROBLEMS = frozenset({"SC1075", "SC1007"})


def _first_error(root) -> int | None:
    """Byte offset of the first ERROR or MISSING node."""
    cursor = [root]
    while cursor:
        node = cursor.pop()
        if node.type == "ERROR" or node.is_missing:
            return node.start_byte
        if node.has_error:
            cursor.extend(reversed(node.children))
    return None
