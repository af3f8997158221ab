"""Edits to YAML text in the file's own style: set a scalar, add keys, append to a list, delete.

Every function takes the :class:`~dockerlint.model.SourceText` the nodes were parsed from and
nodes of :mod:`dockerlint.parse.yaml`, and returns :class:`~dockerlint.model.Edit` values with
offsets into that ORIGINAL text, so comments, quoting, key order, anchors, blank lines and
indentation outside the edited region survive byte for byte (the file is never re-dumped).
``None`` means "no edit can be made with confidence" (an anchored node whose change would reach
its aliases, a merged key, a block scalar with keep chomping in the way, a comment inside a flow
collection...); callers then offer no fix.

New text follows the file: the newline of its first line break (CRLF stays CRLF), the
indentation unit of its nested block mappings and the placement of the ``-`` of its block
sequences (``- name:`` under the parent key, or indented), see :class:`YamlStyle` and
:func:`detect_style`. Keys are appended after a mapping's last entry, on the line after its last
content (trailing comments of that line stay on it; blank lines and comments that follow stay
after the new keys).

Values to write are Python data: a ``dict`` becomes a mapping, a ``list``/``tuple`` a sequence
(block style in a block collection, flow style inside a flow one), ``bool``/``int``/``float``/
``None`` YAML scalars, and a ``str`` is YAML text written as is (``"false"`` is the boolean;
use :func:`scalar_text` to turn a Python string into a safely quoted YAML scalar).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from dockerlint.model import Edit, SourceText
from dockerlint.parse.yaml import (
    MAP_TAG,
    MERGE_TAG,
    SEQ_TAG,
    STR_TAG,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    YamlParseError,
    iter_collections,
    load_documents,
)
from dockerlint.parse.yaml_scalars import resolve_plain

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Sequence

__all__ = [
    "YamlStyle",
    "detect_style",
    "newline_of",
    "scalar_text",
    "set_scalar",
    "set_path",
    "insert_mapping_keys",
    "ensure_path",
    "append_to_sequence",
    "replace_value",
    "delete_pair",
    "delete_sequence_item",
]

_WS = " \t\r\n"


@dataclass(frozen=True)
class YamlStyle:
    """How new block text is laid out.

    ``indent``: columns from a key to the keys of its nested block mapping. ``sequence_indent``:
    columns from a key to the ``-`` of its block sequence (0 for ``key:`` / ``- item`` at the same
    column, as kubectl writes; 2 for the indented form). ``newline``: ``"\\n"`` or ``"\\r\\n"``.
    """

    indent: int = 2
    sequence_indent: int = 0
    newline: str = "\n"


def newline_of(text: str) -> str:
    """The newline of the text's first line break (``"\\n"`` when it has none)."""
    i = text.find("\n")
    return "\r\n" if i > 0 and text[i - 1] == "\r" else "\n"


def detect_style(source: SourceText, documents: list[YamlDocument] | None = None) -> YamlStyle:
    """The style most block collections of the file use (defaults for what it never shows).

    Pass the parsed ``documents`` when you have them; otherwise the text is parsed here.
    """
    if documents is None:
        try:
            documents = load_documents(source)
        except YamlParseError:
            documents = []
    units: Counter = Counter()
    offsets: Counter = Counter()
    for doc in documents:
        for node in iter_collections(doc.root):  # (not iter_nodes: ~50 us a manifest over its scalars)
            if type(node) is not MappingNode or node.flow:
                continue
            for key, value in node.pairs:
                t = type(value)
                if t is ScalarNode or value.flow or value.anchor is not None:
                    continue
                if value.span.start <= key.span.end or value.span.line <= key.span.line:
                    continue  # an alias (its node lies elsewhere) or a value on the key's line
                if t is MappingNode and value.tag == MAP_TAG and value.pairs:
                    step = value.pairs[0][0].span.col - key.span.col
                    if step > 0:
                        units[step] += 1
                elif t is SequenceNode and value.tag == SEQ_TAG and value.items:
                    step = value.span.col - key.span.col
                    if step >= 0:
                        offsets[step] += 1
    indent = units.most_common(1)[0][0] if units else 2
    sequence_indent = offsets.most_common(1)[0][0] if offsets else 0
    return YamlStyle(indent, sequence_indent, newline_of(source.text))


# --------------------------------------------------------------------------------------------
# Rendering new text

_PLAIN_START_BAD = set("-?:,[]{}#&*!|>'\"%@`")


@lru_cache(maxsize=4096)  # fixes write the same few values again and again (RuntimeDefault, ALL...)
def _plain_safe_string(value: str) -> bool:
    """Can this string be written plain, anywhere (flow context included), and read back as the
    same string?"""
    if not value or value != value.strip() or value[0] in _PLAIN_START_BAD:
        return False
    if any(c in value for c in ",[]{}\n\r\t") or ": " in value or " #" in value or value.endswith(":"):
        return False
    if not value.isprintable():
        return False
    return resolve_plain(value) == STR_TAG  # the tag PyYAML's resolver gives it


def scalar_text(value: Any) -> str:
    """YAML text of a Python scalar: ``True`` -> ``true``, ``"RuntimeDefault"`` ->
    ``RuntimeDefault``, ``"true"`` -> ``"true"`` (quoted, so it stays a string)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, (int, float)):
        return repr(value)
    value = str(value)
    if _plain_safe_string(value):
        return value
    return json.dumps(value, ensure_ascii=False)


def _key_text(key: Any) -> str:
    return scalar_text(key)


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return _flow(value)
    return scalar_text(value)


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key_text(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar(value)


def _render_pairs(items: Sequence[tuple[Any, Any]], col: int, style: YamlStyle) -> list[str]:
    lines: list[str] = []
    pad = " " * col
    for key, value in items:
        k = _key_text(key)
        if isinstance(value, dict) and value:
            lines.append(f"{pad}{k}:")
            lines.extend(_render_pairs(list(value.items()), col + style.indent, style))
        elif isinstance(value, (list, tuple)) and value:
            lines.append(f"{pad}{k}:")
            lines.extend(_render_items(value, col + style.sequence_indent, style))
        else:
            lines.append(f"{pad}{k}: {_scalar(value)}")
    return lines


def _render_items(items: Sequence[Any], dash_col: int, style: YamlStyle, offset: int = 2) -> list[str]:
    lines: list[str] = []
    for item in items:
        lines.extend(_render_item(item, dash_col, style, offset))
    return lines


def _render_item(item: Any, dash_col: int, style: YamlStyle, offset: int = 2) -> list[str]:
    prefix = " " * dash_col + "-" + " " * (offset - 1)
    col = dash_col + offset
    if isinstance(item, dict) and item:
        sub = _render_pairs(list(item.items()), col, style)
    elif isinstance(item, (list, tuple)) and item:
        sub = _render_items(item, col, style)
    else:
        return [prefix + _scalar(item)]
    sub[0] = prefix + sub[0][col:]
    return sub


def _lines(lines: list[str], nl: str) -> str:
    return "".join(nl + line for line in lines)


# --------------------------------------------------------------------------------------------
# Positions


def _line_end(text: str, pos: int) -> int:
    """Offset of the line break that ends the line holding `pos` (before a CR of CRLF)."""
    i = text.find("\n", pos)
    if i < 0:
        return len(text)
    return i - 1 if i > 0 and text[i - 1] == "\r" else i


def _after_line(text: str, pos: int) -> int:
    """Offset just past the line break that ends the line holding `pos`."""
    i = text.find("\n", pos)
    return len(text) if i < 0 else i + 1


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1


def _is_alias_value(key: Node, value: Node) -> bool:
    """The value node was written elsewhere (an alias `*a`: the node is the anchored one)."""
    return value.span.start < key.span.end


def _alias_end(text: str, key: Node) -> int:
    """End of the `*name` alias token written after `key:`."""
    star = text.find("*", key.span.end)
    m = re.compile(r"\*[^\s,\[\]{}]+").match(text, star)
    return m.end() if m else key.span.end


def _value_end(text: str, key: Node, value: Node) -> int:
    """End of the value as written after `key` (the alias token for an alias)."""
    if _is_alias_value(key, value):
        return _alias_end(text, key)
    return max(value.span.end, key.span.end)


def _colon_after(text: str, key: Node) -> int | None:
    i = key.span.end
    while i < len(text) and text[i] in " \t":
        i += 1
    return i if i < len(text) and text[i] == ":" else None


def _keeps_trailing_lines(text: str, node: Node) -> bool:
    """Does the node's text end in a block scalar with keep chomping (`|+`, `>+`)? New lines
    after it would end the scalar before its kept trailing newlines, changing its value."""
    while True:
        t = type(node)
        if t is ScalarNode:
            return node.style in ("|", ">") and "+" in _block_header(text, node)
        if node.flow:
            return False
        if t is MappingNode:
            if not node.pairs:
                return False
            node = node.pairs[-1][1]
        else:
            if not node.items:
                return False
            node = node.items[-1]


def _block_header(text: str, node: ScalarNode) -> str:
    """The indicator of a block scalar (`|`, `>-`, `|+2`...): its span starts there."""
    return text[node.span.start:_line_end(text, node.span.start)].split("#")[0].strip()


def _explicit_pair(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    """The last pair written in `mapping` with this key (merge keys are not followed)."""
    found = None
    for k, v in mapping.pairs:
        if type(k) is ScalarNode and k.tag != MERGE_TAG and k.value == key:
            found = (k, v)
    return found


def _editable_collection(key: Node, value: Node) -> bool:
    """Edits inside this collection change only it: not an alias, not anchored (an anchored
    node's aliases would change too)."""
    return not _is_alias_value(key, value) and value.anchor is None


def _is_null(node: Node) -> bool:
    return type(node) is ScalarNode and node.is_null


def _fill_in(parent: MappingNode, value: Node) -> bool:
    """Is this value a placeholder to replace rather than extend: a null, or an empty `{}` in a
    block mapping (written out in block style, as the rest of the block)?"""
    if _is_null(value):
        return True
    return type(value) is MappingNode and value.flow and not value.pairs and not parent.flow


def _last_content(text: str, close: int, start: int) -> int:
    """Offset just past the last non-space character before `close` (not before `start`)."""
    p = close
    while p > start and text[p - 1] in _WS:
        p -= 1
    return p


_COMMENT = re.compile(r"(?:^|[ \t\r\n])#")


def _style(source: SourceText, style: YamlStyle | None) -> YamlStyle:
    return style if style is not None else detect_style(source)


def _coalesce(edits: list[Edit]) -> list[Edit]:
    """Merge inserts at the same offset, in the order given (the engine's sort is stable, but a
    single edit leaves no doubt about their order)."""
    out: list[Edit] = []
    for e in edits:
        if out and e.start == e.end == out[-1].start == out[-1].end:
            out[-1] = Edit.insert(e.start, out[-1].content + e.content)
        else:
            out.append(e)
    return out


# --------------------------------------------------------------------------------------------
# Scalars


def _quote(value: str, style: str) -> str:
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)


def set_scalar(source: SourceText, node: ScalarNode, value_text: str) -> Edit | None:
    """Replace a scalar's text with `value_text` (YAML text). A quoted scalar keeps its quotes
    when the new value is a string anyway (``"NET_RAW"`` -> ``"SYS_ADM"``); a value that would
    read as a boolean, number or null is written plain (``"true"`` -> ``false``, the boolean).

    None for an empty null (``key:`` with no value; use :func:`set_path`) and for an anchored
    scalar, whose aliases would change too.
    """
    if type(node) is not ScalarNode or node.anchor is not None:
        return None
    if node.span.start == node.span.end:
        return None
    new = value_text
    if node.style in ('"', "'") and new[:1] not in ('"', "'") and _plain_safe_string(new):
        new = _quote(new, node.style)
    if source.text[node.span.start:node.span.start + 1] in ("!", "&"):
        return None  # a tag written before the value: it would be lost
    return Edit(node.span.start, node.span.end, new)


def _replace_null(
    source: SourceText, parent: MappingNode, key: ScalarNode, null: Node, value: Any, style: YamlStyle
) -> Edit | None:
    """Give `key`, whose value is null (``key:``, ``key: null``, ``key: ~``) or an empty ``{}``,
    a new value."""
    text = source.text
    colon = _colon_after(text, key)
    if colon is None or null.anchor is not None or _is_alias_value(key, null):
        return None
    null_end = max(null.span.end, colon + 1)
    if parent.flow or not isinstance(value, (dict, list, tuple)) or not value:
        rendered = _flow(value) if parent.flow else _scalar(value)
        if null.span.end > null.span.start:
            return Edit(null.span.start, null.span.end, rendered)
        return Edit.insert(colon + 1, " " + rendered)
    eol = _line_end(text, colon)
    col = key.span.col - 1
    if isinstance(value, dict):
        lines = _render_pairs(list(value.items()), col + style.indent, style)
    else:
        lines = _render_items(value, col + style.sequence_indent, style)
    if null_end > eol:
        # `key:` with `{}` or `null` on a line of its own: replace through it, unless a comment
        # lies in between (it would go with it)
        if _COMMENT.search(text, colon + 1, null.span.start):
            return None
        return Edit(colon + 1, null_end, _lines(lines, style.newline))
    # keep what follows the null on its line (a comment) on the key's line
    return Edit(colon + 1, eol, text[null_end:eol] + _lines(lines, style.newline))


# --------------------------------------------------------------------------------------------
# Mappings


def insert_mapping_keys(
    source: SourceText,
    mapping: MappingNode,
    items: Sequence[tuple[str, Any]],
    *,
    style: YamlStyle | None = None,
) -> Edit | None:
    """Add ``key: value`` entries after the mapping's last entry, in its own style: a flow
    mapping (``{}`` included) gets ``, key: value`` in flow style; a block mapping gets new lines
    at its keys' column, nested values indented by the file's unit. Existing keys are not
    checked (see :func:`ensure_path`)."""
    if not items:
        return None
    text = source.text
    if type(mapping) is not MappingNode or mapping.anchor is not None:
        return None  # an anchored mapping: its aliases would change too
    if mapping.flow:
        close = mapping.span.end - 1
        if text[close:close + 1] != "}":
            return None
        open_ = text.find("{", mapping.span.start)
        if _COMMENT.search(text, open_ + 1, close):
            return None
        body = ", ".join(f"{_key_text(k)}: {_flow(v)}" for k, v in items)
        p = _last_content(text, close, open_ + 1)
        if not mapping.pairs:
            return Edit.insert(p, body)
        return Edit.insert(p, (" " if text[p - 1] == "," else ", ") + body)
    if not mapping.pairs:
        return None
    style = _style(source, style)
    col = mapping.pairs[0][0].span.col - 1
    if _keeps_trailing_lines(text, mapping):
        return None
    point = _line_end(text, mapping.span.end - 1)
    return Edit.insert(point, _lines(_render_pairs(items, col, style), style.newline))


def _nest(path: Sequence[str], value: Any) -> Any:
    for key in reversed(path):
        value = {key: value}
    return value


def ensure_path(
    source: SourceText,
    mapping: MappingNode,
    path: Sequence[str],
    value: dict,
    *,
    style: YamlStyle | None = None,
) -> list[Edit] | None:
    """Make sure the mapping at `path` below `mapping` exists and holds the entries of `value`.

    Missing mappings along the path are created (``securityContext:`` in a container that has
    none), a null one (``securityContext:``, ``securityContext: null``) or an empty ``{}`` in a
    block mapping is filled in (in block style), existing ones are extended. Entries of `value` already present are kept as they are, except that a
    nested dict is merged into an existing mapping and the items of a list missing from an
    existing sequence are appended to it. ``ensure_path(src, container, ["securityContext",
    "capabilities"], {"drop": ["ALL"]})``.

    Returns the edits (``[]`` when everything is there already), or None when the path is
    blocked (a scalar or list in the way, an alias or anchored mapping, a merged key).
    """
    style = _style(source, style)
    node = mapping
    for i, key in enumerate(path):
        pair = _explicit_pair(node, key)
        if pair is None:
            if key in node:  # only through a merge key: a new entry would hide the merged one
                return None
            edit = insert_mapping_keys(source, node, [(key, _nest(path[i + 1:], value))], style=style)
            return [edit] if edit is not None else None
        k, v = pair
        if _fill_in(node, v):
            edit = _replace_null(source, node, k, v, _nest(path[i + 1:], value), style)
            return [edit] if edit is not None else None
        if type(v) is not MappingNode or not _editable_collection(k, v):
            return None
        node = v
    return _merge_into(source, node, value, style)


def _merge_into(source: SourceText, node: MappingNode, value: dict, style: YamlStyle) -> list[Edit] | None:
    edits: list[Edit] = []
    new_items: list[tuple[str, Any]] = []
    for key, wanted in value.items():
        pair = _explicit_pair(node, key)
        if pair is None:
            if key in node:
                return None
            new_items.append((key, wanted))
            continue
        k, existing = pair
        if _is_null(existing) or isinstance(wanted, dict) and _fill_in(node, existing):
            edit = _replace_null(source, node, k, existing, wanted, style)
            if edit is None:
                return None
            edits.append(edit)
        elif isinstance(wanted, dict) and type(existing) is MappingNode:
            if not _editable_collection(k, existing):
                return None
            sub = _merge_into(source, existing, wanted, style)
            if sub is None:
                return None
            edits.extend(sub)
        elif isinstance(wanted, (list, tuple)) and type(existing) is SequenceNode:
            if not _editable_collection(k, existing):
                return None
            present = {_scalar_value(i) for i in existing.items}
            missing = [w for w in wanted if _scalar_value_of(w) not in present or _scalar_value_of(w) is None]
            if missing:
                edit = _append_items(source, existing, missing, style)
                if edit is None:
                    return None
                edits.append(edit)
        # anything else already set is left as it is
    if new_items:
        edit = insert_mapping_keys(source, node, new_items, style=style)
        if edit is None:
            return None
        edits.append(edit)
    return _coalesce(edits)


def _scalar_value(node: Node) -> Any:
    return node.value if type(node) is ScalarNode and not node.is_null else object()


def _scalar_value_of(item: Any) -> str | None:
    """The string value a rendered scalar item will have (None when it is not a plain string):
    what `yaml.safe_load(item)` gives, when that is a string."""
    if isinstance(item, str):
        try:
            documents = load_documents(SourceText(item))
        except YamlParseError:
            return None
        if len(documents) == 1:  # (several: safe_load refuses the stream)
            root = documents[0].root
            if type(root) is ScalarNode and root.tag == STR_TAG:  # any other tag makes something else, or is refused
                return root.value
    return None


def set_path(
    source: SourceText,
    mapping: MappingNode,
    path: Sequence[str],
    value: Any,
    *,
    style: YamlStyle | None = None,
) -> list[Edit] | None:
    """Set the value at `path` (yq's ``|=``): replace the scalar that is there, fill in a null, or
    create the missing keys. ``set_path(src, container, ["securityContext",
    "allowPrivilegeEscalation"], "false")``. None when a collection or alias is in the way."""
    if not path:
        return None
    style = _style(source, style)
    node = mapping
    for i, key in enumerate(path):
        pair = _explicit_pair(node, key)
        last = i == len(path) - 1
        if pair is None:
            if key in node:
                return None
            edit = insert_mapping_keys(source, node, [(key, _nest(path[i + 1:], value))], style=style)
            return [edit] if edit is not None else None
        k, v = pair
        if _is_null(v) or not last and _fill_in(node, v):
            edit = _replace_null(source, node, k, v, _nest(path[i + 1:], value), style)
            return [edit] if edit is not None else None
        if last:
            if type(v) is not ScalarNode or _is_alias_value(k, v) or isinstance(value, (dict, list, tuple)):
                return None
            edit = set_scalar(source, v, _scalar(value))
            return [edit] if edit is not None else None
        if type(v) is not MappingNode or not _editable_collection(k, v):
            return None
        node = v
    return None  # pragma: no cover - the loop always returns


def replace_value(
    source: SourceText,
    mapping: MappingNode,
    key: str,
    value: Any,
    *,
    style: YamlStyle | None = None,
) -> Edit | None:
    """Replace the whole value of `key` (a scalar, a null or a collection, comments inside it
    included) with `value`: ``annotations: {}`` for an emptied mapping. None when the key is
    not written in `mapping`, or its value is an alias or anchored."""
    pair = _explicit_pair(mapping, key)
    if pair is None:
        return None
    k, v = pair
    if _is_alias_value(k, v) or getattr(v, "anchor", None) is not None:
        return None
    if _is_null(v):
        return _replace_null(source, mapping, k, v, value, _style(source, style))
    text = source.text
    colon = _colon_after(text, k)
    if colon is None:
        return None
    end = _value_end(text, k, v)
    if mapping.flow or not isinstance(value, (dict, list, tuple)) or not value:
        rendered = _flow(value) if mapping.flow else _scalar(value)
        return Edit(colon + 1, end, " " + rendered)
    style = _style(source, style)
    col = k.span.col - 1
    if isinstance(value, dict):
        lines = _render_pairs(list(value.items()), col + style.indent, style)
    else:
        lines = _render_items(value, col + style.sequence_indent, style)
    return Edit(colon + 1, end, _lines(lines, style.newline))


def delete_pair(source: SourceText, mapping: MappingNode, key: str) -> Edit | None:
    """Remove ``key: value`` (its last occurrence written in `mapping`).

    In a block mapping the whole lines of the entry go, a comment at the end of its last line
    included; comments and blank lines before and after it stay. The first entry of a
    sequence item (``- key: v``) hands the dash line to the next entry, or becomes ``- {}`` when
    it was the only one. Deleting the only entry of a nested mapping leaves its parent key null
    (``securityContext:``), which Kubernetes reads as unset. In a flow mapping the entry and one
    separating comma go.
    """
    text = source.text
    pair = _explicit_pair(mapping, key)
    if pair is None:
        return None
    index = max(i for i, (k, _) in enumerate(mapping.pairs) if k is pair[0])
    k, v = pair
    end = _value_end(text, k, v)
    if mapping.flow:
        open_ = text.find("{", mapping.span.start)
        close = mapping.span.end - 1
        if _COMMENT.search(text, open_ + 1, close):
            return None
        if len(mapping.pairs) == 1:
            return Edit.delete(open_ + 1, close)
        if index < len(mapping.pairs) - 1:
            return Edit.delete(k.span.start, mapping.pairs[index + 1][0].span.start)
        comma = text.rfind(",", 0, k.span.start)
        return Edit.delete(comma, end) if comma > open_ else None
    start = _line_start(text, k.span.start)
    if text[start:k.span.start].strip(" \t"):
        # `- key: value`: the key shares its line with the item's dash
        if index == 0 and len(mapping.pairs) > 1:
            nxt = mapping.pairs[1][0]
            if _COMMENT.search(text, end, nxt.span.start):
                return None
            return Edit.delete(k.span.start, nxt.span.start)
        if len(mapping.pairs) == 1:
            return Edit(k.span.start, end, "{}")
        return None
    stop = _after_line(text, end - 1)
    if stop == len(text) and not text.endswith("\n") and start > 0:
        # the last line of a file without a final newline: take the line break before it
        return Edit.delete(start - (2 if text[start - 2:start] == "\r\n" else 1), stop)
    return Edit.delete(start, stop)


# --------------------------------------------------------------------------------------------
# Sequences


def _first_dash(text: str, seq: SequenceNode) -> int | None:
    """Offset of the `-` of a block sequence's first item (past an anchor or tag)."""
    m = re.compile(r"(?:[&!][^\s]*\s+|#[^\n]*\n|\s+)*-(?=[\s]|$)").match(text, seq.span.start)
    return m.end() - 1 if m else None


def _item_offset(text: str, dash: int) -> int:
    """Columns from a `-` to its item's content (`- x` -> 2, `-   x` -> 4)."""
    i = dash + 1
    while i < len(text) and text[i] == " ":
        i += 1
    if i >= len(text) or text[i] in "\r\n#":
        return 2
    return i - dash


def _quote_like(seq: SequenceNode, rendered: str) -> str:
    """Quote a new plain string item as every existing scalar item is quoted."""
    styles = {i.style for i in seq.items if type(i) is ScalarNode}
    if len(styles) == 1 and rendered[:1] not in ('"', "'"):
        only = styles.pop()
        if only in ('"', "'") and _plain_safe_string(rendered):
            return _quote(rendered, only)
    return rendered


def append_to_sequence(
    source: SourceText, seq: SequenceNode, item: Any, *, style: YamlStyle | None = None
) -> Edit | None:
    """Append an item after the sequence's last one: ``[a]`` -> ``[a, b]``, or a new ``- b`` line
    at the column of the existing dashes (a mapping item as ``- k: v`` with the next keys aligned
    under the first). A new string item is quoted like the existing ones when all are quoted."""
    return _append_items(source, seq, [item], _style(source, style))


def _append_items(source: SourceText, seq: SequenceNode, items: Sequence[Any], style: YamlStyle) -> Edit | None:
    text = source.text
    if type(seq) is not SequenceNode or seq.anchor is not None:
        return None
    if seq.flow:
        close = seq.span.end - 1
        if text[close:close + 1] != "]":
            return None
        open_ = text.find("[", seq.span.start)
        if _COMMENT.search(text, open_ + 1, close):
            return None
        body = ", ".join(_quote_like(seq, _flow(i)) for i in items)
        p = _last_content(text, close, open_ + 1)
        if not seq.items:
            return Edit.insert(p, body)
        return Edit.insert(p, (" " if text[p - 1] == "," else ", ") + body)
    if not seq.items or _keeps_trailing_lines(text, seq):
        return None
    dash = _first_dash(text, seq)
    if dash is None:
        return None
    dash_col = dash - _line_start(text, dash)
    offset = _item_offset(text, dash)
    lines: list[str] = []
    for item in items:
        rendered = _render_item(item if not isinstance(item, str) else _quote_like(seq, item), dash_col, style, offset)
        lines.extend(rendered)
    point = _line_end(text, seq.span.end - 1)
    return Edit.insert(point, _lines(lines, style.newline))


def delete_sequence_item(source: SourceText, seq: SequenceNode, index: int) -> Edit | None:
    """Remove the item at `index`: its whole lines in a block sequence (comments and blank lines
    around it stay; the only item becomes ``key: []``), the item and one comma in a flow one."""
    text = source.text
    if type(seq) is not SequenceNode or not -len(seq.items) <= index < len(seq.items):
        return None
    index %= len(seq.items)
    items = seq.items
    if any(not seq.span.start <= i.span.start <= i.span.end <= seq.span.end for i in items):
        return None  # an alias among the items: its node lies elsewhere
    item = items[index]
    if seq.flow:
        open_ = text.find("[", seq.span.start)
        close = seq.span.end - 1
        if _COMMENT.search(text, open_ + 1, close):
            return None
        if len(items) == 1:
            return Edit.delete(open_ + 1, close)
        if index < len(items) - 1:
            return Edit.delete(item.span.start, items[index + 1].span.start)
        return Edit.delete(items[index - 1].span.end, item.span.end)
    dash = _dash_before(text, item, seq)
    if dash is None:
        return None
    start = _line_start(text, dash)
    if text[start:dash].strip(" \t"):
        return None  # `- - x`: a nested sequence on the dash line
    end = max(item.span.end, dash + 1)
    if len(items) == 1:
        before = text[:start].rstrip(_WS)
        if before.endswith(":") and not _COMMENT.search(text, len(before), dash):
            return Edit(len(before), _line_end(text, end - 1), " []")
    stop = _after_line(text, end - 1)
    if stop == len(text) and not text.endswith("\n") and start > 0:
        return Edit.delete(start - (2 if text[start - 2:start] == "\r\n" else 1), stop)
    return Edit.delete(start, stop)


def _dash_before(text: str, item: Node, seq: SequenceNode) -> int | None:
    p = item.span.start
    if item.span.start == item.span.end and _is_null(item):
        # an empty item `-`: libyaml puts it just after the dash
        q = p - 1
        while q >= seq.span.start and text[q] in " \t":
            q -= 1
        return q if q >= 0 and text[q] == "-" else None
    q = p - 1
    while q >= seq.span.start and text[q] in _WS:
        q -= 1
    if q >= 0 and text[q] in "&!":
        return None
    # skip an anchor or tag written before the item (`- &a x`)
    m = re.compile(r"-[ \t]+(?:[&!][^\s]*[ \t]+)*$").search(text, _line_start(text, p), p)
    if m:
        return m.start()
    return q if q >= seq.span.start and text[q] == "-" else None

