"""Edits inside a RUN script: insert a flag after a word, append a command, drop a chain item.

Every function takes a :class:`dockerlint.rulekit.runs.RunScript` (one RUN line, ONBUILD RUN, or the
heredoc body of a RUN) and words/commands of its :attr:`~dockerlint.rulekit.runs.RunScript.script`,
and returns an :class:`~dockerlint.model.Edit` with offsets into the ORIGINAL source text (the
RUN's continuation lines and heredoc bodies are mapped through ``RunScript.offset``), or
``None`` when no edit can be made with confidence (exec-form RUN, a script the shell parser had
to recover from, a background ``&`` at the end...). Nothing here decides whether an edit is
*safe*: that is the calling rule's judgement, helped by :func:`is_simple_and_chain`.
"""
from __future__ import annotations

import re

from dockerlint.model import Edit
from dockerlint.parse.shell import Chain, Command, Script, ShellWord
from dockerlint.rulekit.patterns import lazy

__all__ = [
    "end_offset",
    "insert_after_word",
    "insert_flag_after",
    "replace_word",
    "top_level_chain",
    "item_index",
    "is_simple_and_chain",
    "append_command",
    "remove_chain_item",
]


def _editable(run) -> bool:
    return not run.exec_form


def end_offset(run, script_end: int) -> int:
    """Source offset just after the script character at ``script_end - 1``: where text goes
    to follow a word without landing on the next continuation line."""
    if script_end <= 0:
        return run.offset(0)
    return run.offset(script_end - 1) + 1


def insert_after_word(run, word: ShellWord, text: str) -> Edit | None:
    """Insert ``text`` (include the leading space yourself) right after ``word``."""
    if not _editable(run):
        return None
    return Edit.insert(end_offset(run, word.end), text)


def insert_flag_after(run, command: Command, word_index: int, flag: str) -> Edit | None:
    """Insert `` <flag>`` after ``command.args[word_index]``, or after the command name when
    ``word_index`` is -1: ``insert_flag_after(run, cmd, 0, "-y")`` turns ``apt-get install x``
    into ``apt-get install -y x``. ``command`` may be an ``effective()`` command (the name is
    then the wrapped program's, e.g. ``apt-get`` in ``sudo apt-get``)."""
    word = command.name_word if word_index < 0 else command.args[word_index]
    return insert_after_word(run, word, f" {flag}")


def replace_word(run, word: ShellWord, text: str) -> Edit | None:
    """Replace ``word`` as written (quotes included) with ``text``."""
    if not _editable(run):
        return None
    return Edit(run.offset(word.start), end_offset(run, word.end), text)


def top_level_chain(script: Script) -> Chain | None:
    """The chain of statements at the script's top level (the outermost one), or None for an
    empty script."""
    best: Chain | None = None
    for chain in script.and_or_chains:
        if best is None or (chain.start <= best.start and chain.end >= best.end):
            best = chain
    return best


def item_index(chain: Chain, command: Command) -> int | None:
    """Index of the chain item that is exactly ``command`` (a simple command on its own, not in
    a pipeline, subshell or compound statement), or None."""
    for i, item in enumerate(chain.items):
        if len(item) == 1 and item[0].start == command.start and not item[0].in_pipeline:
            return i
    return None


_TRAILING = lazy(r"\s*(?:#[^\n]*)?\s*\Z")


def _tail_is_clean(script: Script, chain: Chain) -> bool:
    """Nothing but an optional ``;`` and comments after the chain (no background ``&``)."""
    tail = script.text[chain.end :]
    tail = tail.lstrip(" \t")
    if tail.startswith(";") and not tail.startswith(";;"):
        tail = tail[1:]
    return bool(_TRAILING.match(tail))


def is_simple_and_chain(run, command: Command | None = None) -> bool:
    """True when the script is one top-level ``a && b && c`` chain (no ``;``, ``||``, newline
    separators or background ``&``) that parsed cleanly, and ``command`` (when given) is one of
    its items on its own. Appending ``&& x`` to such a script runs ``x`` exactly when the whole
    script succeeded, so the script's meaning is otherwise unchanged."""
    script = run.script
    if run.exec_form or not script.parse_ok:
        return False
    chain = top_level_chain(script)
    if chain is None or any(op != "&&" for op in chain.operators):
        return False
    if not _tail_is_clean(script, chain):
        return False
    if command is None:
        return True
    if item_index(chain, command) is None:
        return False
    # `x && (y)`: a subshell or compound statement around the command has its own chain.
    return not any(
        c.start == command.start for other in script.and_or_chains if other is not chain for c in other.commands
    )


def _continuation_style(run) -> str:
    """``lead`` when continuation lines start with ``&&``, ``trail`` when lines end in ``&&``."""
    source = run._source.text
    ins = run.instruction.span
    lines = source[ins.start : ins.end].split("\n")
    esc = re.escape(run.instruction.escape)
    trail = lead = 0
    for k, line in enumerate(lines):
        body = line.rstrip("\r")
        if k > 0 and body.lstrip().startswith(("&&", "||")):
            lead += 1
        if re.search(rf"(?:&&|\|\|)\s*{esc}\s*$", body):
            trail += 1
    return "trail" if trail > lead else "lead"


def append_command(run, command: str, *, newline: str = "\n") -> Edit | None:
    """Append ``&& <command>`` after the last statement of the script.

    On a one-line RUN: ``RUN a && b`` -> ``RUN a && b && <command>``. When the RUN already spans
    lines with escape-character continuations, a new continuation line is added, indented like
    the chain's other items (else 4 spaces in from the RUN), in the file's operator style (``\\`` + ``&& x`` when
    continuation lines start with ``&&``, ``&& \\`` + ``x`` when lines end with ``&&``). In a
    heredoc body the command is chained onto the last statement's line. ``newline`` is the
    file's line ending. None for exec form, unparsable scripts, or a script ending in ``&``.
    """
    if not _editable(run):
        return None
    script = run.script
    if not script.parse_ok:
        return None
    chain = top_level_chain(script)
    if chain is None or not _tail_is_clean(script, chain):
        return None
    at = end_offset(run, chain.end)
    if run.heredoc is not None:
        return Edit.insert(at, f" && {command}")
    source = run._source
    ins = run.instruction.span
    line, _ = source.position(at)
    if line == ins.line:
        return Edit.insert(at, f" && {command}")
    text = source.line_text(line)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    esc = run.instruction.escape
    # The new chain item lines up with the chain's other items, not with the package list it
    # may follow; with no other item on a line of its own, one level (4 spaces) in from the
    # RUN. That is where `dockerlint format` puts it, so fixing and formatting commute.
    trail = _continuation_style(run) == "trail"
    first = source.line_text(ins.line)
    indent = first[: len(first) - len(first.lstrip(" \t"))] + "    "
    for k in range(line, ins.line, -1):
        other = source.line_text(k)
        if trail:
            if source.line_text(k - 1).rstrip().endswith(f"&& {esc}") and other.strip():
                indent = other[: len(other) - len(other.lstrip(" \t"))]
                break
        elif other.lstrip(" \t").startswith("&&"):
            indent = other[: len(other) - len(other.lstrip(" \t"))]
            break
    if trail:
        return Edit.insert(at, f" && {esc}{newline}{indent}{command}")
    return Edit.insert(at, f" {esc}{newline}{indent}&& {command}")


def remove_chain_item(run, chain: Chain, index: int) -> Edit | None:
    """Delete chain item ``index`` together with the operator after it (``a && b && c`` minus
    item 1 -> ``a && c``), continuation lines in between included. Not for the last item."""
    if not _editable(run) or index >= len(chain.items) - 1:
        return None
    start = min(c.start for c in chain.items[index])
    nxt = min(c.start for c in chain.items[index + 1])
    return Edit(run.offset(start), run.offset(nxt), "")
