"""More native ShellCheck checks (issue 24, second batch), hooked into `shell_checks._Checker`.

Each function takes the checker (for positions, node text and `report`) and one tree-sitter
node; `shell_checks` calls them from the matching place of its single walk:

- SC2035 (a glob such as `*.txt` as the first thing in an argument: a file named `-rf`
  becomes an option; `./*.txt` or `-- *.txt` is safe) and SC2162 (`read` without `-r`),
  from the command visitor;
- SC1075 (`else if` on one line, which needs its own `fi`: `elif` was meant), from `if`;
- SC1073/SC1072 (a `[ ... ]` / `[[ ... ]]` whose contents are not a test expression, such as
  `[ grep -q x f ]`: ShellCheck stops parsing there, so every other check is dropped for that
  script, as on any syntax error), from the test command.

Same conditions, positions and messages as ShellCheck 0.11 (its checkGlobsAsOptions,
checkReadWithoutR, readElsePart and readCondition), checked against the binary in
`tests/test_shell_native.py`.
"""
from __future__ import annotations

import re

from dockerlint.rulekit.patterns import lazy

CODES = ("SC1072", "SC1073", "SC1075", "SC2035", "SC2162")
SEVERITY = {"SC1072": "error", "SC1073": "error", "SC1075": "error", "SC2035": "info", "SC2162": "info"}

_WRAPPERS = frozenset({"busybox", "builtin", "command", "run"})  # ShellCheck's getCommandName looks through these
_END_OF_OPTIONS_BYTES = frozenset({b"--", b":::", b"::::"})  # `--`, and GNU parallel's argument separators


def _literal(checker, node) -> str:
    from dockerlint.parse.shell_checks import _dequote

    text = checker.node_text(node)
    return _dequote(text) or text


def effective_command(checker, name_node, args):
    """(name, token) of the command ShellCheck considers run: `command rm`, `builtin read`,
    `busybox tar`, `exec rm` look through to the wrapped command's word."""
    if name_node is None:
        return "", None
    name = checker.node_text(name_node)
    if name in _WRAPPERS and args and not checker.node_text(args[0]).startswith("-"):
        return checker.node_text(args[0]), args[0]
    if name == "exec":
        skip = False
        for a in args:
            text = checker.node_text(a)
            if skip:
                skip = False
            elif text.startswith("-") and text != "-":
                skip = text.endswith("a")  # `-a NAME`
            else:
                return text, a
    return name, name_node


def command(checker, node, name_node, args) -> None:
    """SC2035 and SC2162 for one simple command (`args`: its words after the name)."""
    if name_node is None:
        return
    name, token = effective_command(checker, name_node, args)
    data = checker.data
    if name.rsplit("/", 1)[-1] not in ("echo", "printf"):
        for a in args:
            t = a.type
            raw = data[a.start_byte : a.end_byte]
            if t == "word":
                if raw in _END_OF_OPTIONS_BYTES:
                    break
                first = a
            elif t == "concatenation" and a.named_children:
                first = a.named_children[0]
                while first.type == "concatenation" and first.named_children:
                    first = first.named_children[0]
            else:
                if t in ("string", "raw_string") and raw[1:-1] in _END_OF_OPTIONS_BYTES:
                    break
                continue
            if first.type == "word" and data[first.start_byte : first.start_byte + 1] in (b"*", b"?"):
                start = checker.pos(first.start_byte)
                checker.report("SC2035", first, "Use ./*glob* or -- *glob* so names with dashes won't become options.",
                               start=start, end=start + 1)
    if name == "read" and token is not None:
        words = [_literal(checker, a) for a in args]
        if _read_has_raw_or_poll(words):
            return
        checker.report("SC2162", token, "read without -r will mangle backslashes.")


def _read_has_raw_or_poll(words: list[str]) -> bool:
    """`-r` among the flags (ShellCheck's getAllFlags: any `-...r...` word before `--`), or
    `-t 0` (a poll that reads nothing)."""
    for i, w in enumerate(words):
        if w == "--":
            break
        if w.startswith("-") and not w.startswith("--") and "r" in w[1:]:
            return True
    for i, w in enumerate(words[:-1]):
        if w == "--":
            break
        if re.fullmatch(r"-[sre]*t", w) and _plain(words[i + 1]) == "0":
            return True
    return False


def _plain(word: str) -> str:
    return word[1:-1] if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"" else word


def else_if(checker, node) -> None:
    """SC1075: `else if` with only blanks (or a line continuation) between the two words."""
    for c in node.named_children:
        if c.type != "else_clause" or not c.children:
            continue
        keyword = c.children[0]
        nxt = c.children[1] if len(c.children) > 1 else c.next_sibling
        if nxt is not None and nxt.type == "ERROR" and nxt.children and nxt.children[0].type == "if":
            nxt = nxt.children[0]  # `else if [ a b ]; ...`: tree-sitter's error recovery
        if keyword.type != "else" or nxt is None or nxt.type not in ("if_statement", "if"):
            continue
        between = checker.data[keyword.end_byte : nxt.start_byte].decode("utf-8", "replace")
        if re.fullmatch(r"(?:[ \t]|\\\r?\n)*", between):
            start = checker.pos(keyword.start_byte)
            checker.report("SC1075", keyword, "Use 'elif' instead of 'else if' (or put 'if' on new line if nesting).",
                           start=start, end=start)


# ---- SC1073 / SC1072: `[ ... ]` contents that are no test expression ---------------------------

_UNARY = lazy(r"^-[A-Za-z]+$")
_MAX_TEST_WORDS = 100  # also bounds the parser's recursion (`! ! ! ...`, `( ( ( ...`)
_MAX_STRAY_TESTS = 50  # brackets looked at in a tree with errors (hostile input has thousands)
_BINARY = frozenset({"==", "!=", "<=", ">=", "=~", ">", "<", "=", "\\<", "\\>"})


def test_expression(checker, node) -> None:
    """Called for each `test_command` the walk visits: remembers where its contents stop being
    a test expression, if they do (`test_failures`, judged by `parse_failure`)."""
    if node.children and node.children[0].type in ("[", "[["):
        found = _stray_test(checker, node.children[0])
        if found is not None:
            checker.test_failures.append(found)


def parse_failure(checker, root) -> tuple[int, int] | None:
    """ShellCheck's readCondition fails the whole parse when a `[ ... ]` / `[[ ... ]]` holds
    something after a complete expression (`[ grep -q x f ]`, `[ -f a b ]`): SC1073 at the
    bracket, SC1072 "Expected test to end here" at that word. (opener, failure) byte offsets
    of the first such test, or None. tree-sitter-bash reads most of these as syntax errors, so
    on a tree with errors the brackets under ERROR nodes are examined too; a test after an
    unrelated syntax error is not judged (ShellCheck stopped earlier)."""
    candidates = list(checker.test_failures)
    if root.has_error and b"[" in checker.data:
        stack = [root]
        examined = 0
        while stack and examined < _MAX_STRAY_TESTS:  # in source order; ShellCheck stops at the first
            node = stack.pop()
            if node.type == "test_command" and node.has_error:
                examined += 1
                before = len(checker.test_failures)
                test_expression(checker, node)
                candidates.extend(checker.test_failures[before:])
                if len(checker.test_failures) > before:
                    break
                continue
            if node.type in ("[", "[[") and (node.parent is None or node.parent.type != "test_command"):
                examined += 1
                found = _stray_test(checker, node)
                if found is not None:
                    candidates.append(found)
                    break
            if node.has_error:
                stack.extend(reversed(node.children))
    if not candidates:
        return None
    opener, failure = min(candidates)
    if _error_before(root, opener):
        return None
    return opener, failure


def _stray_test(checker, node):
    """(opener, failure) for the test opened by the `[` / `[[` token `node`, read as ShellCheck
    reads it (words up to the first closing bracket on the line), or None when it parses. Also
    for a bracket tree-sitter left in an ERROR node."""
    closer = b"]]" if node.type == "[[" else b"]"
    data = checker.data
    if data[node.end_byte : node.end_byte + 1] not in (b" ", b"\t"):
        return None  # `[x` (SC1035 in ShellCheck), or an array subscript
    line_end = data.find(b"\n", node.end_byte)
    words = []
    for m in _WORD.finditer(data, node.end_byte, len(data) if line_end < 0 else line_end):
        if len(words) > _MAX_TEST_WORDS:
            return None  # not a test anyone wrote: not judged (and no quadratic scan)
        word = m.group(0)
        if word == closer:
            failure = _parse_condition(words, node.type == "[")
            return (node.start_byte, failure) if failure is not None else None
        if b"\n" in word:
            return None
        words.append((word.decode("utf-8", "replace"), m.start()))
    return None


def _error_before(root, pos: int) -> bool:
    """Whether tree-sitter found a syntax error that ends before `pos` (not one that merely
    contains it: a bad test makes its whole command an ERROR node)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if node.start_byte >= pos:
            continue
        if node.is_missing:
            return True
        if node.type == "ERROR" and node.end_byte <= pos and not any(c.type == "ERROR" or c.has_error for c in node.children):
            return True
        if node.has_error:
            stack.extend(node.children)
    return False


_WORD = lazy(rb"&&|\|\||[;&|<>()]|(?:\\.|\"(?:\\.|[^\"\\])*\"|'[^']*'|\$\((?:[^()]|\([^()]*\))*\)|`[^`]*`|[^\s\\\"'`$;&|<>()]|\$)+")


def _parse_condition(words, single: bool) -> int | None:
    """Byte offset where the contents stop being a test expression, or None when they are one."""
    n = len(words)
    if n == 0:
        return None

    def term(i):
        """One term from words[i] (ShellCheck's readCondExpr): the index after it, or None
        when it cannot be read (ShellCheck then fails with another code: not judged)."""
        if i >= n:
            return None
        w = words[i][0]
        if w == "!":
            return term(i + 1)
        if w in ("(", "\\(", "'('", '"("'):
            j = expr(i + 1)
            if j is None or j >= n or words[j][0] not in (")", "\\)", "')'", '")"'):
                return None
            return j + 1
        if _UNARY.match(w):  # `-f file` (any -letters is read as a unary operator first)
            return i + 2 if i + 1 < n else None
        if i + 1 < n and _is_binary(words[i + 1][0]):  # word op word
            return i + 3 if i + 2 < n else None
        return i + 1

    def expr(i):
        j = term(i)
        while j is not None and j < n and words[j][0] in (("-a", "-o") if single else ("&&", "||", "-a", "-o")):
            j = term(j + 1)
        return j

    if any(w == "=~" for w, _ in words):
        return None  # a regex runs to the closing brackets: not judged
    j = expr(0)
    if j is None or j >= n:
        return None  # incomplete or fine: ShellCheck reports other codes (SC1019, SC1027...)
    if words[j][0] in (")", "\\)"):
        return None
    return words[j][1]


def _is_binary(w: str) -> bool:
    """ShellCheck's readCondBinaryOp: any `-letters` but -a/-o, or a comparison (quoted or
    escaped too)."""
    return w in _BINARY or _plain(w) in _BINARY or (bool(_UNARY.match(w)) and w not in ("-a", "-o"))


# ---- tree-sitter-bash's gaps that matter on the corpus ---------------------------------------

_KEYWORD_AT = lazy(rb"(?:fi|done|esac|else|elif|then|do|\})(?![A-Za-z0-9_])")
_CLOSER_THEN_KEYWORD = lazy(rb"(?:(?<![A-Za-z0-9_$-])(?:fi|done|esac|\})|\))[ \t]+(?=((?:fi|done|esac|else|elif|then|do|\})(?![A-Za-z0-9_])))")


def repair(text: str, data: bytes, tree, parser):
    """Work around two gaps of tree-sitter-bash that hide every check of a RUN on the corpus,
    by same-length edits (every offset stays valid), each kept only when the script parses
    with fewer errors. Returns (text, data, tree).

    - `if a; then if b; then c; fi fi` is valid sh (a compound command needs no `;` before the
      keyword that closes the enclosing one, nor after a `( subshell )`: ShellCheck and the
      shells accept it); laradock writes its nested ifs so. The blank before each such keyword
      becomes `;`, kept when each of those words is then a keyword (not a command named `fi`,
      nor text in a string).
    - A quoted heredoc (`<<'EOM'`, whose body is literal text) with a body line starting with
      a backslash (`\\e[1;32m`, docker/cli's dev Dockerfile) is misread; the backslashes of
      such bodies become blanks (no check looks into literal text).
    """
    for strategy in (_fi_fi, _quoted_heredoc_backslashes):
        if not tree.root_node.has_error:
            break
        edits = strategy(data)
        if not edits or len(edits) > _MAX_EDITS:
            continue  # nothing to do, or not a script anyone wrote
        new_data = bytearray(data)
        for at, byte in edits:
            new_data[at] = byte
        new_data = bytes(new_data)
        new_tree = parser.parse(new_data)
        if strategy is _fi_fi:
            root = new_tree.root_node
            good = [at for at, _ in edits if _is_keyword_after(root, new_data, at + 1)]
            if len(good) < len(edits):  # some were text in a string: try without them
                new_data = bytearray(data)
                for at in good:
                    new_data[at] = ord(";")
                new_data = bytes(new_data)
                new_tree = parser.parse(new_data)
                if not all(_is_keyword_after(new_tree.root_node, new_data, at + 1) for at in good):
                    continue
                edits = [(at, ord(";")) for at in good]
        if _error_count(new_tree.root_node) >= _error_count(tree.root_node):
            continue
        # ASCII bytes replaced by ASCII bytes: the text is the same but for those characters
        text = new_data.decode("utf-8", "surrogatepass")
        data, tree = new_data, new_tree
    return text, data, tree


_MAX_EDITS = 1000


def _fi_fi(data: bytes) -> list[tuple[int, int]]:
    return [(m.start(1) - 1, ord(";")) for m in _CLOSER_THEN_KEYWORD.finditer(data)]


def _is_keyword_after(root, data: bytes, at: int) -> bool:
    m = _KEYWORD_AT.match(data, at)
    if m is None:
        return False
    node = root.descendant_for_byte_range(at, m.end())
    return node is not None and node.type == m.group(0).decode()


_QUOTED_HEREDOC = lazy(rb"<<(-?)[ \t]*(?:'([^'\n]+)'|\"([^\"\n]+)\"|\\(\w+))[^\n]*\n")


def _quoted_heredoc_backslashes(data: bytes) -> list[tuple[int, int]]:
    edits = []
    pos = 0
    while True:  # one heredoc after another: each body is read once
        m = _QUOTED_HEREDOC.search(data, pos)
        if m is None:
            return edits
        word = m.group(2) or m.group(3) or m.group(4)
        pos = m.end()
        while pos < len(data):
            end = data.find(b"\n", pos)
            end = len(data) if end < 0 else end
            line = data[pos:end]
            pos = end + 1
            if (line.lstrip(b"\t") if m.group(1) else line) == word:
                break
            edits.extend((pos - 1 - len(line) + i, ord(" ")) for i, c in enumerate(line) if c == 0x5C)


def _error_count(root) -> int:
    count, stack = 0, [root]
    while stack:  # no recursion: hostile scripts nest thousands deep
        node = stack.pop()
        if node.is_missing:
            count += 1
        elif node.has_error:
            count += node.type == "ERROR"
            stack.extend(node.children)
    return count


# ---- `# shellcheck disable=...`: where ShellCheck applies a directive ---------------------------

_DIRECTIVE = lazy(r"^#\s*shellcheck\s+(.*)$")
_DIRECTIVE_KEY = lazy(r"([a-z-]+)=(\S+)")
# Nodes whose children are statements (or and-or lists) a directive can precede.
_CONTAINERS = frozenset({
    "program", "list", "pipeline", "compound_statement", "subshell", "do_group", "if_statement",
    "elif_clause", "else_clause", "while_statement", "until_statement", "for_statement",
    "c_style_for_statement", "case_statement", "case_item", "function_definition", "redirected_statement",
    "negated_command",
})
_NOT_A_UNIT = frozenset({"elif_clause", "else_clause", "case_item"})  # ShellCheck: SC1123, not applied


def disabled_codes(comment: str) -> frozenset[str] | None:
    """The codes a `# shellcheck disable=SC2086,SC2046` comment names (`SC2000-SC2100` ranges
    expanded lazily as `SC2000-SC2100`, `all` as ALL), or None for any other comment."""
    m = _DIRECTIVE.match(comment.strip())
    if m is None:
        return None
    codes: set[str] = set()
    for key, value in _DIRECTIVE_KEY.findall(m.group(1).split(" #", 1)[0]):
        if key != "disable":
            continue
        for part in value.strip("'\"").split(","):
            part = part.strip().upper()
            if part == "ALL":
                codes.add("ALL")
            elif part:
                codes.add("-".join(p if p.startswith("SC") else f"SC{p}" for p in part.split("-", 1)))
    return frozenset(codes) if codes else None


def code_in(code: str, codes: frozenset[str]) -> bool:
    if code in codes or "ALL" in codes:
        return True
    number = int(code[2:])
    for c in codes:
        if "-" in c:
            low, high = c.split("-", 1)
            if low[2:].isdigit() and high[2:].isdigit() and int(low[2:]) <= number <= int(high[2:]):
                return True
    return False


def unit_at(root, p: int):
    """The statement a directive at byte `p` applies to, as ShellCheck scopes it: the and-or
    list (`a && b`, a pipeline, a compound command, a function) that follows `p`. When `p` is
    inside one (a comment line among a RUN's continuation lines, which the shell never sees),
    the command that follows within it."""
    node = root
    while True:
        hit = None
        for c in node.named_children:
            if c.type != "comment" and c.end_byte > p:
                hit = c
                break
        if hit is None:
            return None
        if hit.start_byte >= p:
            return None if hit.type in _NOT_A_UNIT else hit
        if hit.type not in _CONTAINERS:
            return hit  # inside a simple command: the rest of it
        node = hit


def directive_scopes(checker, root, virtual=()) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, codes) in characters of the script where findings are silenced:

    - a directive comment in the script before the first command: the whole script (ShellCheck's
      file-wide directives, read right after the shebang);
    - any other directive comment: the and-or list or compound command that follows it;
    - `virtual` (byte offset, codes): directives the Dockerfile had among the RUN's continuation
      lines, at the offset where the script resumes after them: the command that follows.
    """
    scopes = []
    if b"shellcheck" in checker.data:
        first_command = next((c.start_byte for c in root.named_children if c.type != "comment"), len(checker.data))
        stack = [root]
        while stack:
            node = stack.pop()
            if node.type == "comment":
                codes = disabled_codes(checker.node_text(node))
                if codes is None:
                    continue
                if node.parent is not None and node.parent.type == "program" and node.start_byte < first_command:
                    scopes.append((0, len(checker.text) + 1, codes))
                    continue
                unit = unit_at(root, node.end_byte)
                if unit is not None:
                    scopes.append((checker.pos(unit.start_byte), checker.pos(unit.end_byte), codes))
            elif node.type not in ("heredoc_body", "string", "raw_string", "word"):
                stack.extend(node.children)
    for p, codes in virtual:
        unit = unit_at(root, p)
        if unit is not None:
            scopes.append((checker.pos(p), checker.pos(unit.end_byte), codes))
    return scopes


def apply_directives(checker, root, issues, virtual=()):
    scopes = directive_scopes(checker, root, virtual)
    if not scopes:
        return issues
    return [i for i in issues if not any(s <= i.start < e and code_in(i.code, codes) for s, e, codes in scopes)]
