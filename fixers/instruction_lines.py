"""Pure edit builders that add whole instruction lines to a Dockerfile.

They return `Edit`s against the original source text; indentation and the file's line
ending are kept.
"""
from __future__ import annotations

import re

from dockerlint.model import Edit
from dockerlint.rulekit.patterns import lazy

_DIRECTIVE = lazy(r"^#\s*(?:syntax|escape|check)\s*=", re.IGNORECASE)


def line_indent(source: str, offset: int) -> str:
    """The blanks between the start of the line holding `offset` and `offset` ('' when
    something else precedes `offset` on its line)."""
    line_start = source.rfind("\n", 0, offset) + 1
    prefix = source[line_start:offset]
    return prefix if prefix.strip() == "" else ""


def _above_comments(source: str, line_start: int) -> int:
    """Start of the block of comment lines directly above the line at `line_start` (no blank
    line between), so that a new line does not separate a `# hadolint ignore=...` pragma or
    an explanatory comment from the instruction it belongs to. Parser directives at the top
    of the file stay first."""
    at = line_start
    while at > 0:
        prev_start = source.rfind("\n", 0, at - 1) + 1
        line = source[prev_start : at - 1].rstrip("\r").strip()
        if not line.startswith("#"):
            break
        if _DIRECTIVE.match(line) and all(_DIRECTIVE.match(x.strip()) for x in source[:prev_start].splitlines() if x.strip()):
            break  # a parser directive block at the top of the file
        at = prev_start
    return at


def insert_instruction_before(source: str, instruction, line: str, newline: str = "\n") -> Edit:
    """`line` (a whole instruction, e.g. `WORKDIR /app`) on its own line above `instruction`,
    with its indentation, and above the comments directly attached to it."""
    at = instruction.span.start
    indent = line_indent(source, at)
    if indent or source.rfind("\n", 0, at) + 1 == at:
        line_start = at - len(indent)
        target = _above_comments(source, line_start)
        if target != line_start:
            return Edit.insert(target, f"{indent}{line}{newline}")
    return Edit.insert(at, f"{line}{newline}{indent}")
