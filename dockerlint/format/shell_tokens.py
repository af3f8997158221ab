"""tree-sitter-bash, seen the way the formatter needs it: the tokens of a shell program (with
the whitespace between them that may be laid out freely), the `&&`/`||`/`;` that join its
top-level commands, how deep a token sits in compound statements, and a signature of the
program's structure and words for the proof.

Whitespace is free only *between* tokens. Anything that is one shell word or whose inner
spacing is content (strings, expansions, command substitutions, assignments, comments) is one
atomic token, copied as written.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import tree_sitter

from dockerlint.parse.bash_grammar import LANGUAGE as _LANGUAGE  # immutable

# One token each, their text kept byte for byte.
ATOMIC = frozenset({
    "word", "string", "raw_string", "ansi_c_string", "translated_string", "concatenation",
    "simple_expansion", "expansion", "command_substitution", "process_substitution",
    "arithmetic_expansion", "number", "variable_assignment", "comment", "regex",
    "extglob_pattern", "brace_expression", "heredoc_redirect", "heredoc_body",
    "special_variable_name", "variable_name", "file_descriptor",
})
# Containers whose statements are indented one level deeper.
_BODIES = frozenset({"do_group", "compound_statement", "subshell", "if_statement", "elif_clause",
                     "else_clause", "case_item"})
# A token inside one of these but not at its start continues that command on the next line.
_STATEMENTS = frozenset({"command", "declaration_command", "unset_command", "test_command",
                         "redirected_statement", "negated_command", "variable_assignments"})
_OPERATORS = ("&&", "||", ";")

_COMMAND = _LANGUAGE.id_for_node_kind("command", True)
_WORD = _LANGUAGE.id_for_node_kind("word", True)

# `sort-packages`: the package managers whose package words may be sorted, their sub-command,
# their options without a value and those whose value is the next word. A command with any
# other option, or a package word that is not a plain word, is left in its order.
_PACKAGE_COMMANDS = {b"apt-get": b"install", b"apt": b"install", b"apk": b"add"}
_APT_FLAGS = frozenset(
    b"-y --yes --assume-yes -q -qq --quiet -f --fix-broken -m --fix-missing --ignore-missing "
    b"--no-install-recommends --install-recommends --no-install-suggests --install-suggests "
    b"--allow-unauthenticated --allow-downgrades --allow-remove-essential --allow-change-held-packages "
    b"--reinstall --no-upgrade --only-upgrade -d --download-only -s --simulate --dry-run --force-yes "
    b"-V --verbose-versions --purge --auto-remove --autoremove -u --show-upgraded --no-download "
    b"--trivial-only --assume-no -qy -yq -qqy -yqq".split()
)
_APT_VALUES = frozenset(b"-o --option -c --config-file -t --target-release --default-release -a --host-architecture".split())
_APK_FLAGS = frozenset(
    b"--no-cache -U --update-cache --upgrade -u --latest -l -q --quiet -v --verbose -i --interactive "
    b"--no-progress --progress -f --force --force-broken-world --force-overwrite --allow-untrusted "
    b"--no-scripts --initdb --clean-protected --purge --no-network --usermode --available -s --simulate".split()
)
_APK_VALUES = frozenset(
    b"-t --virtual -X --repository -p --root --arch --cache-dir --keys-dir --repositories-file "
    b"--cache-max-age --timeout".split()
)
_OPTIONS = {b"apt-get": (_APT_FLAGS, _APT_VALUES), b"apt": (_APT_FLAGS, _APT_VALUES), b"apk": (_APK_FLAGS, _APK_VALUES)}


def package_run(command, data: bytes) -> list | None:
    """The package words of an `apt-get install` / `apt install` / `apk add` command node, when
    they are one run of at least two plain words (no quotes, no expansions: each is one package)
    and every option of the command is a known one (so no option value is taken for a package);
    else None."""
    children = command.children
    k = 0
    while k < len(children) and children[k].type != "command_name":
        k += 1
    if k == len(children):
        return None
    name = children[k]
    tool = data[name.start_byte : name.end_byte]
    sub = _PACKAGE_COMMANDS.get(tool)
    if sub is None:
        return None
    flags, values = _OPTIONS[tool]
    seen_sub = expect_value = closed = False
    run: list = []
    for child in children[k + 1 :]:
        if child.kind_id != _WORD:
            return None
        text = data[child.start_byte : child.end_byte]
        if expect_value:
            expect_value = False
            closed = bool(run)
            continue
        if text.startswith(b"-"):
            option, eq, _value = text.partition(b"=")
            if eq and text.startswith(b"--") and (option in flags or option in values):
                pass
            elif text in flags:
                pass
            elif text in values:
                expect_value = True
            else:
                return None
            closed = bool(run)
            continue
        if not seen_sub:
            if text != sub:
                return None
            seen_sub = True
            continue
        if closed:
            return None
        run.append(child)
    if expect_value or len(run) < 2:
        return None
    return run


def _sort_runs(sig: list, runs: list[tuple[int, int]]) -> None:
    """Sort, in place, each run (start, length) of signature entries, one per package word: the
    signature then does not depend on the order of the packages."""
    for start, length in runs:
        sig[start : start + length] = sorted(sig[start : start + length])


def _parser() -> tree_sitter.Parser:
    # A parser per call: nothing mutable shared between the language server's documents.
    return tree_sitter.Parser(_LANGUAGE)


class ShellToken(NamedTuple):
    start: int  # character offsets into the script
    end: int
    node: tree_sitter.Node
    level: int = 1  # continuation indent when a line starts here: 1 + depth() + continues_command()


# ShellToken(start, end, node, level) without the Python-level __new__ of a NamedTuple: one
# token per shell word, ~100,000 for the corpus
_new_tuple = tuple.__new__


@dataclass
class ShellProgram:
    """A RUN script as tokens, with its top-level operators and its package-install runs."""

    tokens: list[ShellToken]
    operators: list[int]  # indices into tokens of top-level && / || / ;
    signature: tuple  # signature(script, packages), from the same parse
    package_runs: list[list[int]] = field(default_factory=list)  # indices into tokens, with packages=True


def _char_offsets(script: str):
    """byte offset -> character offset, for non-ASCII scripts."""
    if script.isascii():
        return None
    table = {}
    position = 0
    for index, ch in enumerate(script):
        table[position] = index
        position += len(ch.encode("utf-8", "surrogatepass"))
    table[position] = len(script)
    return table


# What the walk needs to know of a node kind, by kind id (a kind id has one type name; the
# language is immutable, so this is filled once per process): bit 1 atomic, 2 a body
# (_BODIES), 4 a statement (_STATEMENTS), 8 if_statement/elif_clause, 16 elif/else clause,
# 32 `then`.
_KIND_BITS: dict[int, int] = {}


def _kind_bits(node) -> int:
    kind = node.kind_id
    bits = _KIND_BITS.get(kind)
    if bits is None:
        name = node.type
        bits = (
            (name in ATOMIC)
            | (name in _BODIES) << 1
            | (name in _STATEMENTS) << 2
            | (name in ("if_statement", "elif_clause")) << 3
            | (name in ("elif_clause", "else_clause")) << 4
            | (name == "then") << 5
        )
        _KIND_BITS[kind] = bits
    return bits


def program(script: str, packages: bool = False) -> ShellProgram | None:
    """The program's tokens, or None when tree-sitter had to recover from an error or a
    character is not covered by a token (then nothing in it is laid out). `packages`: find the
    package lists that `sort-packages` may sort, and leave their order out of the signature.

    Each token's level (1 + depth() + continues_command() of its node) is worked out during
    the one walk of the tree, from what the walk carries down: the number of bodies around
    the node and the start of the statement it is in (None inside a body before any
    statement). depth() and continues_command() climb the parents instead; the tests check
    that both give the same levels."""
    data = script.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    root = tree.root_node
    if root.has_error:
        return None
    table = _char_offsets(script)
    tokens: list[ShellToken] = []
    byte_starts: list[int] = []  # each token's node's start byte
    sig: list = [False]
    run_nodes: list[list] = []
    run_starts: dict[int, int] = {}  # start byte of a run's first word -> its length
    sig_runs: list[tuple[int, int]] = []
    kind_bits = _KIND_BITS
    append_sig = sig.append
    # (node, bodies around it, start byte of the statement it is in, or None)
    stack: list = [(root, 0, None)]
    pop = stack.pop
    push = stack.append
    while stack:
        node, level, statement = pop()
        kind = node.kind_id
        bits = kind_bits.get(kind)
        if bits is None:
            bits = _kind_bits(node)
        start = node.start_byte
        if bits & 6:  # a statement or a body: the nearest one decides continues_command
            statement = start if bits & 4 else None
        if bits & 1 or node.child_count == 0:
            end = node.end_byte
            if run_starts and start in run_starts:
                sig_runs.append((len(sig), run_starts[start]))
            append_sig((kind, data[start:end]))
            if end > start:
                continues = statement is not None and statement < start
                byte_starts.append(start)
                if table is not None:
                    start, end = table[start], table[end]
                tokens.append(_new_tuple(ShellToken, (start, end, node, 1 + level + continues)))
            continue
        if packages and kind == _COMMAND:
            run = package_run(node, data)
            if run is not None:
                run_nodes.append(run)
                run_starts[run[0].start_byte] = len(run)
        append_sig(kind)
        children = node.children
        if bits & 2:  # a body: its named children are one level deeper (if: after `then`)
            inner = level + 1
            if bits & 8:
                # the condition comes before the first `then`; elif/else clauses stay outside
                then_at = len(children)
                for k, child in enumerate(children):
                    cb = kind_bits.get(child.kind_id)
                    if cb is None:
                        cb = _kind_bits(child)
                    if cb & 32:
                        then_at = k
                        break
                for k in range(len(children) - 1, -1, -1):
                    child = children[k]
                    deeper = k > then_at and child.is_named and not (_kind_bits(child) & 16)
                    push((child, inner if deeper else level, statement))
            else:
                for k in range(len(children) - 1, -1, -1):
                    child = children[k]
                    push((child, inner if child.is_named else level, statement))
        else:
            for k in range(len(children) - 1, -1, -1):
                push((children[k], level, statement))
    position = 0
    for start, end, _node, _level in tokens:
        if start < position or (start > position and script[position:start].strip(" \t")):
            return None  # overlapping tokens or text outside every token: don't touch it
        position = end
    if script[position:].strip(" \t"):
        return None
    _sort_runs(sig, sig_runs)
    by_start = dict(zip(byte_starts, range(len(byte_starts))))  # the last token wins, as it did
    operators: list[int] = []

    def visit(node) -> None:
        for child in node.children:
            if child.type == "list":
                visit(child)
            elif not child.is_named and child.type in _OPERATORS and child.start_byte in by_start:
                operators.append(by_start[child.start_byte])

    visit(root)
    operators.sort()
    runs = [[by_start[w.start_byte] for w in run] for run in run_nodes]
    return ShellProgram(tokens, operators, tuple(sig), runs)


def depth(node) -> int:
    """How many compound bodies (then-part, do ... done, { }, ( ), case items) hold `node`;
    their own keywords (then, fi, do, done, else, ...) and if-conditions sit at the outer level."""
    level = 0
    child, parent = node, node.parent
    while parent is not None:
        if parent.type in _BODIES and child.is_named:
            inside = True
            if parent.type in ("if_statement", "elif_clause"):
                if child.type in ("elif_clause", "else_clause"):
                    inside = False
                else:  # the condition comes before `then`
                    seen_then = False
                    for c in parent.children:
                        if c.type == "then":
                            seen_then = True
                        if c.id == child.id:
                            inside = seen_then
                            break
            if inside:
                level += 1
        child, parent = parent, parent.parent
    return level


def continues_command(node) -> bool:
    """Is `node` inside a simple command (or redirection) that started before it?"""
    current = node
    while current is not None:
        if current.type in _STATEMENTS:
            return current.start_byte < node.start_byte
        if current.type in _BODIES:
            return False
        current = current.parent
    return False


def signature(script: str, packages: bool = False) -> tuple:
    """The program's structure and words: node kinds in order, the text of every atomic
    node and leaf. Equal signatures mean the same commands, operators and words; only the
    whitespace between tokens may differ. `packages`: the order of the words of a package list
    that `sort-packages` may sort (package_run) is left out."""
    data = script.encode("utf-8", "surrogatepass")
    root = _parser().parse(data).root_node
    out: list = [root.has_error]
    kind_bits = _KIND_BITS
    run_starts: dict[int, int] = {}
    sig_runs: list[tuple[int, int]] = []
    stack = [root]
    pop = stack.pop
    append = out.append
    while stack:
        node = pop()
        kind = node.kind_id
        bits = kind_bits.get(kind)
        if bits is None:
            bits = _kind_bits(node)
        if bits & 1 or node.child_count == 0:  # atomic, or a leaf
            if run_starts and node.start_byte in run_starts:
                sig_runs.append((len(out), run_starts[node.start_byte]))
            append((kind, data[node.start_byte : node.end_byte]))
            continue
        if packages and kind == _COMMAND:
            run = package_run(node, data)
            if run is not None:
                run_starts[run[0].start_byte] = len(run)
        append(kind)
        children = node.children
        children.reverse()
        stack.extend(children)
    _sort_runs(out, sig_runs)
    return tuple(out)
