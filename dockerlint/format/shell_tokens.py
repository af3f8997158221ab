"""tree-sitter-bash, seen the way the formatter needs it: the tokens of a shell program (with
the whitespace between them that may be laid out freely), the `&&`/`||`/`;` that join its
top-level commands, how deep a token sits in compound statements, and a signature of the
program's structure and words for the proof.

Whitespace is free only *between* tokens. Anything that is one shell word or whose inner
spacing is content (strings, expansions, command substitutions, assignments, comments) is one
atomic token, copied as written.
"""
from __future__ import annotations

from dataclasses import dataclass

import tree_sitter
import tree_sitter_bash

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


_LANGUAGE = tree_sitter.Language(tree_sitter_bash.language())  # immutable


def _parser() -> tree_sitter.Parser:
    # A parser per call: nothing mutable shared between the language server's documents.
    return tree_sitter.Parser(_LANGUAGE)


@dataclass(slots=True)
class ShellToken:
    start: int  # character offsets into the script
    end: int
    node: tree_sitter.Node


@dataclass
class ShellProgram:
    tokens: list[ShellToken]
    operators: list[int]  # indices into tokens of top-level && / || / ;
    signature: tuple  # signature(script), from the same parse


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


def program(script: str) -> ShellProgram | None:
    """The program's tokens, or None when tree-sitter had to recover from an error or a
    character is not covered by a token (then nothing in it is laid out)."""
    data = script.encode("utf-8", "surrogatepass")
    tree = _parser().parse(data)
    root = tree.root_node
    if root.has_error:
        return None
    table = _char_offsets(script)
    tokens: list[ShellToken] = []
    sig: list = [False]
    atomic_kinds: dict[int, bool] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.kind_id
        atomic = atomic_kinds.get(kind)
        if atomic is None:
            atomic = atomic_kinds[kind] = node.type in ATOMIC
        if atomic or node.child_count == 0:
            start, end = node.start_byte, node.end_byte
            sig.append((kind, data[start:end]))
            if end > start:
                if table is not None:
                    start, end = table[start], table[end]
                tokens.append(ShellToken(start, end, node))
            continue
        sig.append(kind)
        children = node.children
        children.reverse()
        stack.extend(children)
    position = 0
    for tok in tokens:
        if tok.start < position or script[position:tok.start].strip(" \t"):
            return None  # overlapping tokens or text outside every token: don't touch it
        position = tok.end
    if script[position:].strip(" \t"):
        return None
    by_start = {tok.node.start_byte: i for i, tok in enumerate(tokens)}
    operators: list[int] = []

    def visit(node) -> None:
        for child in node.children:
            if child.type == "list":
                visit(child)
            elif not child.is_named and child.type in _OPERATORS and child.start_byte in by_start:
                operators.append(by_start[child.start_byte])

    visit(root)
    operators.sort()
    return ShellProgram(tokens, operators, tuple(sig))


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


def signature(script: str) -> tuple:
    """The program's structure and words: node kinds in order, the text of every atomic
    node and leaf. Equal signatures mean the same commands, operators and words; only the
    whitespace between tokens may differ."""
    data = script.encode("utf-8", "surrogatepass")
    root = _parser().parse(data).root_node
    out: list = [root.has_error]
    atomic_kinds: dict[int, bool] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        kind = node.kind_id
        atomic = atomic_kinds.get(kind)
        if atomic is None:
            atomic = atomic_kinds[kind] = node.type in ATOMIC
        if atomic or node.child_count == 0:
            out.append((kind, data[node.start_byte : node.end_byte]))
            continue
        out.append(kind)
        children = node.children
        children.reverse()
        stack.extend(children)
    return tuple(out)
