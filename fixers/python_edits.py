"""Pure edit builders for Python programs (cdk8s, Pulumi, AWS CDK), over libcst positions.

Every builder returns `Edit`s against the original text and touches only the characters it
must: a new keyword argument or dict entry follows the layout around it (one per line with
the same indentation, or inline), a removed one takes its comma with it, everything else keeps
its exact formatting. `reader` is a `dockerlint.parse.python.iac.Reader` (offsets and text).
libcst is imported lazily: these modules load with every rule, Python or not.
"""
from __future__ import annotations

import re

from dockerlint.model import Edit

_QUOTE = re.compile(r"""^[rRbBuU]*(['"])""")


def _elements(owner) -> list:
    return list(owner.args) if hasattr(owner, "args") else list(owner.elements)


def _has_comma(reader, element) -> bool:
    import libcst as cst

    return isinstance(element.comma, cst.Comma)


def _rest_of_line(text: str, offset: int) -> str:
    end = text.find("\n", offset)
    return text[offset : end if end >= 0 else len(text)]


def _line_end(text: str, offset: int) -> int:
    """Offset of the line break ending the line holding `offset` (the \\r of \\r\\n)."""
    end = text.find("\n", offset)
    if end < 0:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _code_follows(text: str, offset: int) -> bool:
    """Is there code (not only blanks and a comment) after `offset` on its line?"""
    rest = _rest_of_line(text, offset).rstrip("\r").strip()
    return bool(rest) and not rest.startswith("#")


def _indent_at(text: str, offset: int) -> str | None:
    start = text.rfind("\n", 0, offset) + 1
    prefix = text[start:offset]
    return prefix if prefix.strip() == "" else None


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _open_bracket(reader, owner) -> int:
    """Offset just after the `(` of a call or the `{` of a dict."""
    text = reader.source.text
    if hasattr(owner, "args"):
        return text.index("(", reader.offsets(owner.func)[1]) + 1
    return text.index("{", reader.offsets(owner)[0]) + 1


def replace(reader, expr, content: str) -> Edit:
    """Replace an expression (a value) with `content`."""
    start, end = reader.offsets(expr)
    return Edit(start, end, content)


def layout(reader, owner) -> tuple[str | None, str]:
    """(indentation of the arguments / elements when they are one per line, else None; one
    indentation step), so that a new nested call or dict can be laid out like its neighbours."""
    text = reader.source.text
    elements = _elements(owner)
    if not elements:
        return None, "    "
    last_start = reader.offsets(elements[-1])[0]
    previous_end = reader.offsets(elements[-2])[1] if len(elements) > 1 else _open_bracket(reader, owner)
    if reader.source.position(last_start)[0] == reader.source.position(previous_end)[0]:
        return None, "    "
    indent = _indent_at(text, last_start)
    if indent is None:
        return None, "    "
    owner_start = reader.offsets(owner)[0]
    line_start = text.rfind("\n", 0, owner_start) + 1
    outer = len(text[line_start:owner_start]) - len(text[line_start:owner_start].lstrip(" \t"))
    step = indent[outer:] if len(indent) > outer else "    "
    return indent, step


def add_entry(reader, owner, entry: str | list[str]) -> list[Edit]:
    """Add `entry` (`name=value` or `"name": value`, or several) as the last argument(s) of a
    call or the last element(s) of a dict, in the layout of the ones before it."""
    entries = [entry] if isinstance(entry, str) else list(entry)
    text = reader.source.text
    elements = _elements(owner)
    if not elements:
        opening = _open_bracket(reader, owner)
        closing = _skip_blanks(text, opening)
        indent = _indent_at(text, closing)
        if "\n" in text[opening:closing] and indent is not None:  # empty, but over several lines
            return [Edit.insert(opening, "".join(f"{_newline(text)}{indent}    {e}," for e in entries))]
        return [Edit.insert(opening, ", ".join(entries))]
    last = elements[-1]
    last_start, last_end = reader.offsets(last)
    previous_end = reader.offsets(elements[-2])[1] if len(elements) > 1 else _open_bracket(reader, owner)
    vertical = reader.source.position(last_start)[0] != reader.source.position(previous_end)[0]
    indent = _indent_at(text, last_start) if vertical else None
    comma = _has_comma(reader, last)
    newline = _newline(text)
    entry = ", ".join(entries) if indent is None else f",{newline}{indent}".join(entries)
    if indent is None:  # inline layout
        if comma:
            return [Edit.insert(reader.offsets(last.comma)[1], f" {entry},")]
        return [Edit.insert(last_end, f", {entry}")]
    if comma:
        comma_end = reader.offsets(last.comma)[1]
        at = comma_end if _code_follows(text, comma_end) else _line_end(text, comma_end)
        return [Edit.insert(at, f"{newline}{indent}{entry},")]
    if _code_follows(text, last_end):  # the closing bracket hugs the last element
        return [Edit.insert(last_end, f",{newline}{indent}{entry}")]
    return [Edit.insert(last_end, ","), Edit.insert(_line_end(text, last_end), f"{newline}{indent}{entry}")]


def remove_entry(reader, owner, element) -> list[Edit]:
    """Remove one argument of a call or element of a dict, with its comma (and a comment
    after it on its line when it is the last one)."""
    text = reader.source.text
    elements = _elements(owner)
    index = next((i for i, e in enumerate(elements) if e is element), None)
    if index is None:
        return []
    start, end = reader.offsets(element)
    if index + 1 < len(elements):
        return [Edit.delete(start, reader.offsets(elements[index + 1])[0])]
    if _has_comma(reader, element):
        end = reader.offsets(element.comma)[1]
    if not _code_follows(text, end) and _rest_of_line(text, end).strip():
        end = _line_end(text, end)  # the comment described the removed argument
    if index == 0:  # the only one: leave empty brackets, on their own lines if they were
        line_start = text.rfind("\n", 0, start) + 1
        if text[line_start:start].strip() == "" and not _code_follows(text, end):
            line_end = text.find("\n", end)
            return [Edit.delete(line_start, len(text) if line_end < 0 else line_end + 1)]
        closing = _skip_blanks(text, end)
        if closing < len(text) and text[closing] in ")}":
            return [Edit.delete(_open_bracket(reader, owner), closing)]
        return [Edit.delete(start, end)]
    previous = elements[index - 1]
    comma_start, comma_end = reader.offsets(previous.comma)
    if _has_comma(reader, element):
        return [Edit.delete(comma_end, end)]
    return [Edit.delete(comma_start, end)]


def _skip_blanks(text: str, offset: int) -> int:
    """The offset of the first character after `offset` that is not a blank, line break or
    comment."""
    while offset < len(text):
        ch = text[offset]
        if ch in " \t\r\n\\":
            offset += 1
        elif ch == "#":
            end = text.find("\n", offset)
            offset = len(text) if end < 0 else end
        else:
            break
    return offset


def quote_of(reader, owner, outer=None) -> str:
    """The quote character the keys of a dict use; for an empty dict, the one of the dict it
    is written in (`outer`), else the one most keys of the program's dicts use; double quotes
    when there are none."""
    import libcst as cst

    def quotes(dict_node):
        for element in _elements(dict_node):
            key = getattr(element, "key", None)
            m = _QUOTE.match(key.value) if isinstance(key, cst.SimpleString) else None
            if m:
                yield m.group(1)

    for quote in quotes(owner):
        return quote
    if isinstance(outer, cst.Dict):
        for quote in quotes(outer):
            return quote
    votes = {"'": 0, '"': 0}
    for _, origin in reader.mapping_origins.values():
        if isinstance(origin.node, cst.Dict):
            for quote in quotes(origin.node):
                votes[quote] += 1
    return "'" if votes["'"] > votes['"'] else '"'


def ensure_import(reader, module: str, name: str) -> list[Edit]:
    """Edits that make `name` importable from `module`: nothing when it already is, else the name
    appended to an existing `from module import ...`, else a new import line after the last
    top-level import."""
    import libcst as cst

    if reader.imports.get(name) == f"{module}.{name}":
        return []
    last_import = None
    for statement in reader.module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                last_import = statement
            if (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and _dotted(small.module) == module
                and not isinstance(small.names, cst.ImportStar)
            ):
                return [Edit.insert(reader.offsets(small.names[-1])[1], f", {name}")]
    text = reader.source.text
    line = f"from {module} import {name}{_newline(text)}"
    if last_import is None:
        return [Edit.insert(0, line)]
    next_line = text.find("\n", reader.offsets(last_import)[1] - 1) + 1
    if next_line == 0:
        return [Edit.insert(len(text), _newline(text) + line)]
    return [Edit.insert(next_line, line)]


def _dotted(node) -> str | None:
    import libcst as cst

    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr.value}" if base else None
    return None
