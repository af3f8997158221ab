"""More of ShellCheck's frequent checks (issue 24, batch A), on the same tree-sitter-bash parse.

``check_more(checker, root)`` is called once from ``shell_checks._Checker.run`` and adds its
findings to ``checker.issues``: SC2185 (find without a path), SC2116 (useless `$(echo ...)`),
SC2283 (`x = y` as a command), SC1007 (`x= y`), SC2059 (variable printf format), SC3044
(bash builtins in sh), SC2043 (a `for` over one literal word), SC2291 (runs of unquoted
spaces between echo's arguments), SC3037 (echo flags in sh). None of them depends on values
(no data flow), so this is one plain walk over the tree; codes, messages, positions and
conditions are ShellCheck 0.11's (`src/ShellCheck/Checks/Commands.hs`, `Analytics.hs`,
`Checks/ShellSupport.hs`, `Parser.hs`), tested against the binary in
`tests/test_shell_native.py`. ShellCheck offers no fix for any of them.

tree-sitter-bash splits words oddly (`{a,b}` is three words, `x[ab]` four), so word-level
questions (is it literal? does it glob? where does it split?) are answered from the word's
text by a small lexer, `_segments`, that yields the parts ShellCheck's parser would: unquoted
literal, single/double quoted, `$x`/`${..}`, `$(..)`/backticks, `$((..))`, `<(..)`, glob, brace
expansion. `bench/shellcheck_word_fuzz.py` compares the checks with ShellCheck on every corpus
word placed in templates aimed at them (bench/shellcheck_native.md has the results).
"""
from __future__ import annotations

import bisect
import re

import tree_sitter

from dockerlint.parse.bash_grammar import LANGUAGE

CODES = ("SC1007", "SC2043", "SC2059", "SC2116", "SC2185", "SC2283", "SC2291", "SC3037", "SC3044")
SEVERITY = {
    "SC1007": "warning", "SC2043": "warning", "SC2059": "info", "SC2116": "style", "SC2185": "info",
    "SC2283": "error", "SC2291": "info", "SC3037": "warning", "SC3044": "warning",
}

# ShellSupport.hs `unsupportedCommands`, less `let` (ShellCheck reports it as SC3039 instead).
_UNSUPPORTED = frozenset({
    "caller", "builtin", "complete", "compgen", "declare", "dirs", "disown", "enable", "mapfile",
    "readarray", "pushd", "popd", "shopt", "suspend", "typeset",
})
_ECHO_FLAGS = re.compile(r"^-[eEsn]+$")
_FIND_LEADING_FLAG = frozenset("-EHLPXdfsxO0123456789")
_DASH = frozenset({"dash", "ash"})
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^]]*\])*\+?=")  # what ShellCheck reads as one
_WRAPPERS = frozenset({"builtin", "command", "busybox", "run", "exec"})  # ShellCheck's Dash (ash is read as dash)
_END_OF_COMMAND = "\r\n;&|)"
_PLAIN = re.compile(r"^[^\\'\"$`*?\[{\s]*$")  # a word that is its own literal value
_VAR = "var"  # $x ${x}
_CMD = "cmd"  # $(...) `...`
_ARITH = "arith"  # $((...))
_LIT = "lit"  # unquoted literal, escapes resolved
_SQ = "sq"  # '...' and $'...'
_DQ = "dq"  # "..." (value: its own segments)
_GLOB = "glob"
_WINDOW = 4096  # how far a `[` or `{` looks for its closing bracket
_PROC = "proc"  # <(...) >(...)
_BRACE = "brace"


# ---- words ----------------------------------------------------------------------------------
def _close(text: str, i: int, open_: str, close: str, depth: int = 0) -> int:
    """Index just past the `close` matching the `open_` at text[i] (quotes skipped)."""
    n = len(text)
    if depth > 50:
        return n  # hostile nesting: the rest is one part (and no recursion error)
    level = 0
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'" and open_ == "(":
            j = text.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if c == '"':
            i = _close_dq(text, i, depth + 1)
            continue
        if c == open_:
            level += 1
        elif c == close:
            level -= 1
            if level == 0:
                return i + 1
        i += 1
    return n


def _close_dq(text: str, i: int, depth: int = 0) -> int:
    """Index just past the `"` closing the one at text[i]."""
    n = len(text)
    if depth > 50:
        return n
    i += 1
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif c == "$" and text[i + 1 : i + 2] in ("(", "{"):
            i = _close(text, i + 1, text[i + 1], ")" if text[i + 1] == "(" else "}", depth + 1)
        elif c == "`":
            j = text.find("`", i + 1)
            i = n if j < 0 else j + 1
        else:
            i += 1
    return n


def _dollar(text: str, i: int) -> tuple[str, str, int] | None:
    """The expansion starting at text[i] == '$': (kind, text, end), or None for a literal `$`."""
    nxt = text[i + 1 : i + 2]
    if text.startswith("$((", i):
        end = _close(text, i + 1, "(", ")")
        return _ARITH, text[i:end], end
    if nxt == "(":
        end = _close(text, i + 1, "(", ")")
        return _CMD, text[i:end], end
    if nxt == "{":
        end = _close(text, i + 1, "{", "}")
        return _VAR, text[i:end], end
    m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|[0-9@*#?$!-]").match(text, i + 1)
    if m:
        return _VAR, text[i : m.end()], m.end()
    return None


def _segments(text: str, quoted: bool = False) -> list[tuple[str, object]]:
    """A shell word's parts, as ShellCheck's parser makes them (see the module docstring)."""
    out: list[tuple[str, object]] = []
    lit: list[str] = []

    def flush():
        if lit:
            out.append((_LIT, "".join(lit)))
            lit.clear()

    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n and text[i + 1] != "\n":
                nxt = text[i + 1]
                lit.append(nxt if not quoted or nxt in '$`"\\' else "\\" + nxt)
            i += 2
            continue
        if c == "$":
            d = _dollar(text, i)
            if d is not None:
                flush()
                out.append((d[0], d[1]))
                i = d[2]
                continue
            if not quoted and text.startswith(("$'", '$"'), i):
                flush()
                if text[i + 1] == "'":
                    j = text.find("'", i + 2)
                    j = n if j < 0 else j
                    out.append((_SQ, text[i + 2 : j]))
                    i = j + 1
                else:
                    end = _close_dq(text, i + 1)
                    out.append((_DQ, _segments(text[i + 2 : end - 1], quoted=True)))
                    i = end
                continue
            lit.append(c)
            i += 1
            continue
        if c == "`":
            j = i + 1
            while j < n and text[j] != "`":
                j += 2 if text[j] == "\\" else 1
            flush()
            out.append((_CMD, text[i : j + 1]))
            i = j + 1
            continue
        if quoted:
            lit.append(c)
            i += 1
            continue
        if c == "'":
            j = text.find("'", i + 1)
            j = n if j < 0 else j
            flush()
            out.append((_SQ, text[i + 1 : j]))
            i = j + 1
            continue
        if c == '"':
            end = _close_dq(text, i)
            flush()
            out.append((_DQ, _segments(text[i + 1 : end - 1], quoted=True)))
            i = end
            continue
        if c in "<>" and text[i + 1 : i + 2] == "(":  # process substitution
            end = _close(text, i + 1, "(", ")")
            flush()
            out.append((_PROC, text[i:end]))
            i = end
            continue
        if c in "?*+@!" and text[i + 1 : i + 2] == "(":  # extglob
            end = _close(text, i + 1, "(", ")")
            flush()
            out.append((_GLOB, text[i:end]))
            i = end
            continue
        if c in "*?":
            flush()
            out.append((_GLOB, c))
            i += 1
            continue
        if c == "[":  # (searches are bounded: a word of many unclosed `[` or `{` stays linear)
            j = text.find("]", i + 2 if text[i + 1 : i + 2] == "]" else i + 1, i + _WINDOW)
            if j > 0 and not any(ch in " \t\n'\"$`" for ch in text[i:j]):
                flush()
                out.append((_GLOB, text[i : j + 1]))
                i = j + 1
                continue
        j = text.find("}", i, i + _WINDOW) if c == "{" else -1
        if j > 0 and text.count("{", i + 1, j) < 8:  # (deeper nesting: not a brace expansion here)
            end = i + _close(text[i : i + _WINDOW], 0, "{", "}")
            inner = text[i + 1 : end - 1]
            if text[end - 1 : end] == "}" and ("," in inner or ".." in inner) and not re.search(r"\s", inner):
                flush()
                out.append((_BRACE, text[i:end]))
                i = end
                continue
        lit.append(c)
        i += 1
    flush()
    return out


def _literal(segs, default: str | None = None) -> str | None:
    """getLiteralString (default None: None when anything is not literal) / getLiteralStringDef."""
    out = []
    for kind, value in segs:
        if kind in (_LIT, _SQ):
            out.append(value)
        elif kind == _DQ:
            inner = _literal(value, default)
            if inner is None:
                return None
            out.append(inner)
        elif default is None:
            return None
        else:
            out.append(default)
    return "".join(out)


def _oversimplify(segs) -> str:
    out = []
    for kind, value in segs:
        if kind in (_LIT, _SQ, _GLOB):
            out.append(value)
        elif kind == _DQ:
            out.append(_oversimplify(value))
        elif kind in (_VAR, _CMD, _ARITH):
            out.append("${VAR}")
    return "".join(out)


def _is_array(value: str) -> bool:
    """isArrayExpansion: `$@`, `${@...}`, `${x[@]}` (not `${#x[@]}`)."""
    inner = value[2:-1] if value.startswith("${") else value[1:]
    return inner.startswith("@") or (not inner.startswith("#") and "[@]" in inner)


def _will_split(segs) -> bool:
    for kind, value in segs:
        if kind in (_VAR, _CMD, _BRACE, _GLOB):
            return True
        if kind == _DQ and any(k == _VAR and _is_array(v) for k, v in value):
            return True
    return False


def _may_become_multiple(segs, quoted: bool = False) -> bool:
    for kind, value in segs:
        if kind in (_GLOB, _BRACE) and not quoted:
            return True
        if kind == _VAR and (not quoted or _is_array(value) or value.lstrip("${").startswith("!")):
            return True
        if kind == _DQ and _may_become_multiple(value, True):
            return True
    return False


# ---- the checks -----------------------------------------------------------------------------
class _More:
    def __init__(self, checker):
        self.c = checker
        self.text = checker.text
        self.dialect = checker.dialect
        self._line_starts: list[int] | None = None
        self._column_cache = (-1, 0)
        self._tab_lines: dict[int, bool] = {}

    def word(self, node):
        return _segments(self.c.node_text(node))

    def literal(self, node) -> str | None:
        """getLiteralString of a word; most words are plain and need no lexing."""
        text = self.c.node_text(node)
        return text if _PLAIN.match(text) else _literal(_segments(text))

    def report(self, code, node, message, start=None, end=None):
        self.c.report(code, node, message, start=start, end=end)

    def walk(self, root) -> None:
        # A tree-sitter query finds the few node types these checks look at (in C: about half
        # the cost of walking every node from Python), once a run has enough scripts to repay
        # compiling it (~3 ms, the cost of walking some 60 small scripts from Python).
        global _WALKED
        if _QUERY is None and _WALKED < _WALK_FIRST:
            _WALKED += 1
            nodes = _nodes_in_order(root)
        elif root.end_byte - root.start_byte > _QUERY_MAX_BYTES:
            nodes = _nodes_in_order(root)
        else:
            nodes = _query_cursor().captures(root).get("n", ())
        for node in nodes:
            t = node.type
            if t == "command":
                self.command(node)
            elif t == "declaration_command":
                self.declaration(node)
            elif t == "variable_assignment":
                self.empty_assignment(node)
            elif t == "for_statement":
                self.for_once(node)
            elif t == "command_substitution":
                self.useless_echo(node)

    # ---- commands --------------------------------------------------------------------------
    def command(self, node) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        args = node.children_by_field_name("argument")
        # SC2283 looks at the second word whatever the first is (`$x = 1` too). tree-sitter
        # takes `--prefix=/usr =x` for an assignment and a command `=x`; ShellCheck, for words.
        name_text = self.c.node_text(name_node)
        second = args[0] if args else None
        if name_text == "time":  # a keyword to ShellCheck: `time x = y` runs `x = y`
            second = args[1] if len(args) > 1 else None
        elif node.child(0).type == "variable_assignment":
            words = [c for c in node.named_children if c.type == "variable_assignment" and not _ASSIGNMENT.match(self.c.node_text(c))]
            if words:
                second = (words + [name_node])[1]
        if second is not None and self.c.node_text(second).startswith(("=", "\\=")):
            self.spaced_equals(second)
        name = name_text if _PLAIN.match(name_text) else _literal(_segments(name_text))
        if name is None:
            return
        base = name.rsplit("/", 1)[-1]
        if base == "find":
            self.find_without_path(name_node, args)
        if name == "printf":
            self.printf_format(args)
        elif name == "builtin" and args and self.literal(args[0]) == "printf":
            self.printf_format(args[1:])
        if base == "echo":
            self.echo_spaces(node, args)
            if self.dialect == "sh" and args and _ECHO_FLAGS.match(_oversimplify(self.word(args[0]))):
                self.report("SC3037", args[0], "In POSIX sh, echo flags are undefined.")
        if self.dialect == "sh" or self.dialect in _DASH:
            effective = _effective_name(name, [self.literal(a) for a in args]) if name in _WRAPPERS else name
            if effective in _UNSUPPORTED:
                self.unsupported(node, effective)

    def declaration(self, node) -> None:
        keyword = node.children[0].type if node.children else ""
        first = node.named_children[0] if node.named_children else None
        if first is not None and self.c.node_text(first).startswith(("=", "\\=")):
            self.spaced_equals(first)  # `export = x`
        if keyword in ("declare", "typeset") and (self.dialect == "sh" or self.dialect in _DASH):
            self.unsupported(node, keyword)

    def unsupported(self, node, name: str) -> None:
        if self.dialect in _DASH:
            self.report("SC3044", node, f"In dash, '{name}' is not supported.")
        else:
            self.report("SC3044", node, f"In POSIX sh, '{name}' is undefined.")

    def find_without_path(self, name_node, args) -> None:
        """SC2185: checkFindWithoutPath. Leading flags are short GNU/BSD ones (`-L`, `-O3`);
        the first other word is the path, unless it starts with `-` (`-name`, `-type`)."""
        words = [a if _PLAIN.match(a) else _literal(_segments(a), default="___") for a in map(self.c.node_text, args)]
        if "--help" in words:
            return
        for w in words:
            if not w.startswith("-"):
                return
            if not (len(w) <= 2 or all(ch in _FIND_LEADING_FLAG for ch in w)):
                break
        self.report("SC2185", name_node, "Some finds don't have a default path. Specify '.' explicitly.")

    def printf_format(self, args) -> None:
        """SC2059: checkPrintfVar. The format (after `--`, `-v var`) holds an expansion and
        no `%` of its own."""
        while args:
            first = self.literal(args[0])
            if first == "--":
                args = args[1:]
            elif first == "-v" and len(args) > 1:
                args = args[2:]
            elif first is not None and first.startswith("-v") and len(first) > 2:
                args = args[1:]
            else:
                break
        if not args:
            return
        segs = self.word(args[0])
        if "%" in _oversimplify(segs) or _literal(segs) is not None:
            return
        self.report("SC2059", args[0], "Don't use variables in the printf format string. Use printf '..%s..' \"$foo\".")

    def spaced_equals(self, arg) -> None:
        """SC2283: checkSecondArgIsComparison, `x = y` / `x =y` run as a command."""
        segs = self.word(arg)
        lead = []
        for kind, value in segs:
            if kind != _LIT:
                break
            lead.append(value)
        if not segs or segs[0][0] != _LIT:
            return
        s = "".join(lead)
        if s.startswith("=") and not s.startswith("=="):
            self.report("SC2283", arg, "Remove spaces around = to assign (or use [ ] to compare, or quote '=' if literal).")

    def echo_spaces(self, node, args) -> None:
        """SC2291: checkUnquotedEchoSpaces. Two arguments on one line with four or more
        columns between them (tabs to the next multiple of 8, as ShellCheck counts) and no
        redirection in between."""
        words = list(args)
        redirects = []
        parent = node.parent
        holders = [node] + ([parent] if parent is not None and parent.type == "redirected_statement" else [])
        for h in holders:
            for c in h.named_children:
                if c.type in ("file_redirect", "heredoc_redirect", "herestring_redirect"):
                    redirects.append(self.c.pos(c.start_byte))
                    # `echo a > f   b`: tree-sitter takes b as a second destination; it is an argument
                    dests = [d for f, d in _fields(c) if f == "destination"]
                    words.extend(dests[1:])
        if len(words) < 2:
            return
        words.sort(key=lambda w: w.start_byte)
        spans = [(self.c.pos(w.start_byte), self.c.pos(w.end_byte)) for w in words]
        source_gap = getattr(self.c, "source_gap", None)
        for (a, b), (cs, d) in zip(spans, spans[1:]):
            if self.line(a) != self.line(d):
                continue
            if self.column(cs) - self.column(b) < 4:
                continue
            if any(b < r < cs for r in redirects):
                continue
            if source_gap is not None and "\n" in (source_gap(b, cs) or ""):
                # Dockerfile-aware (ShellCheck under hadolint differs): in the Dockerfile these
                # blanks are a line continuation and the next line's indentation, not spaces
                # anyone meant to print.
                continue
            self.report("SC2291", node, "Quote repeated spaces to avoid them collapsing into one.")
            return

    # ---- positions (ShellCheck's virtual columns: a tab goes to the next multiple of 8) ---
    def line(self, offset: int) -> int:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        return bisect.bisect_right(self._line_starts, offset) - 1

    def column(self, offset: int) -> int:
        line = self.line(offset)
        start = self._line_starts[line]
        tabs = self._tab_lines.get(line)
        if tabs is None:
            end = self._line_starts[line + 1] if line + 1 < len(self._line_starts) else len(self.text)
            tabs = self._tab_lines[line] = "\t" in self.text[start:end]
        if not tabs:
            return offset - start
        # Tabs: go on from the last column computed on this line (callers go left to right).
        pos, col = self._column_cache
        if not start <= pos <= offset:
            pos, col = start, 0
        for ch in self.text[pos:offset]:
            col = col + 8 - col % 8 if ch == "\t" else col + 1
        self._column_cache = (offset, col)
        return col

    # ---- assignments -----------------------------------------------------------------------
    def empty_assignment(self, node) -> None:
        """SC1007 (a parser warning in ShellCheck): `x= value`, a blank after `=` and then more
        of the command. `IFS= read` is the usual idiom and not reported."""
        if node.child_by_field_name("value") is not None:
            return
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = self.c.node_text(name_node).split("[", 1)[0]
        if name == "IFS":
            return
        end = self.c.pos(node.end_byte)
        text = self.text
        if not text[end - 1 : end] == "=":
            return
        j = end
        while j < len(text) and text[j] in " \t":
            j += 1
        if j == end or j >= len(text) or text[j] in _END_OF_COMMAND or text[j] == "#":
            return
        self.report("SC1007", node, "Remove space after = if trying to assign a value (for empty string, use var='' ... ).",
                    start=end, end=j)

    # ---- loops -----------------------------------------------------------------------------
    def for_once(self, node) -> None:
        """SC2043: checkForInQuoted's last case, a `for` over one word that cannot split:
        `for t in module-perl`. A single-quoted word is SC2041, a double-quoted expansion
        SC2066, a word with commas SC2042 (ShellCheck's other messages, not ours)."""
        values = [c for f, c in _fields(node) if f == "value"]
        # tree-sitter sometimes splits one word in two (`a""\r""`): adjacent values are one word
        if not values or any(a.end_byte != b.start_byte for a, b in zip(values, values[1:])):
            return
        word = self.c.data[values[0].start_byte : values[-1].end_byte].decode("utf-8", "replace")
        segs = _segments(word)
        if not segs:
            return
        if len(segs) == 1 and segs[0][0] == _DQ:
            inner = segs[0][1]
            if any(k in (_VAR, _CMD) for k, _ in inner) and not _may_become_multiple(segs):
                return  # SC2066
            literal = _literal(inner)
            if literal is not None and "*" in literal:
                return  # SC2066
        if len(segs) == 1 and segs[0][0] == _SQ and not word.startswith("$"):
            return  # SC2041
        if all(k == _LIT for k, _ in segs) and "," in "".join(v for _, v in segs):
            return  # SC2042
        if _will_split(segs) or _may_become_multiple(segs):
            return
        self.report("SC2043", values[0], "This loop will only ever run once. Bad quoting or missing glob/expansion?",
                    end=self.c.pos(values[-1].end_byte))

    # ---- command substitutions -------------------------------------------------------------
    def useless_echo(self, node) -> None:
        """SC2116: checkUuoeVar, `$(echo word...)` (one plain `echo`, redirections allowed)
        whose words hold no glob or brace expansion, the first not starting with `-`, and not
        just `$(echo $(cmd))` (SC2005's)."""
        kids = [c for c in node.named_children if c.type != "comment"]
        if len(kids) != 1:
            return
        cmd = kids[0]
        if cmd.type == "redirected_statement":
            cmd = cmd.child_by_field_name("body")
        if cmd is None or cmd.type != "command":
            return
        name_node = cmd.child_by_field_name("name")
        if name_node is None:
            return
        name = self.literal(name_node)
        args = cmd.children_by_field_name("argument")
        # ShellCheck resolves `command echo` to echo but then looks at the words after
        # `command`, `echo` first.
        if name is None or not args or _effective_name(name, [self.literal(a) for a in args]) != "echo":
            return
        if len(args) == 1 and _just_command_output(args[0]):
            return
        segs = [self.word(a) for a in args]
        if _literal(segs[0], default="").startswith("-"):
            return
        if any(k in (_GLOB, _BRACE) for s in segs for k, _ in s):
            return
        self.report("SC2116", node, "Useless echo? Instead of 'cmd $(echo foo)', just use 'cmd foo'.")


def _just_command_output(node) -> bool:
    """tokenIsJustCommandOutput: the word is one `$(cmd)` or backtick substitution (quoted or
    not) holding exactly one command, and not `$(<file)`."""
    kids = node.named_children
    if node.type == "string" and len(kids) == 1:
        node = kids[0]
    if node.type != "command_substitution":
        return False
    inner = [c for c in node.named_children if c.type != "comment"]
    return len(inner) == 1 and inner[0].type != "file_redirect"


def _effective_name(name: str, args: list[str | None]) -> str | None:
    """getCommandName: through `builtin`/`command`/`busybox` (their first word, unless a flag)
    and `exec` (its first word after the `-c -l -a name` options). `args`: literal values,
    None where not literal."""
    if name in ("builtin", "command", "busybox", "run"):
        if args and (args[0] is None or not args[0].startswith("-")):
            return args[0]
        return name
    if name == "exec":
        i = 0
        while i < len(args) and args[i] is not None and args[i].startswith("-") and args[i] != "--":
            i += 2 if "a" in args[i] else 1
        if i < len(args) and args[i] == "--":
            i += 1
        return args[i] if i < len(args) else name
    return name


_QUERY = None
_WALKED = 0  # scripts walked from Python before the query was compiled
_WALK_FIRST = 48
# Past this size a script is walked from Python: the query's matching time grows faster than
# the tree's depth (50,000 nested `(`: 2.5 s, and minutes for a Dockerfile of such lines).
_QUERY_MAX_BYTES = 8_192
_WANTED = frozenset({"command", "declaration_command", "variable_assignment", "for_statement", "command_substitution"})


def _nodes_in_order(root):
    """What the query below captures, in document order, by an explicit walk (no recursion)."""
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.type
        if kind in _WANTED and (kind != "variable_assignment" or node.child_by_field_name("value") is None):
            yield node
        stack.extend(reversed(node.children))


def _query_cursor():
    global _QUERY
    if _QUERY is None:
        _QUERY = tree_sitter.Query(
            LANGUAGE,
            "[(command) (declaration_command) (variable_assignment !value) (for_statement) (command_substitution)] @n",
        )
    return tree_sitter.QueryCursor(_QUERY)


def _fields(node):
    return [(node.field_name_for_child(i), c) for i, c in enumerate(node.children) if c.is_named]


def check_more(checker, root) -> None:
    """Add batch A's findings for the script `checker` is checking (see the module docstring)."""
    _More(checker).walk(root)
