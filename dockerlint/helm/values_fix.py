"""Turn a fix of the rendered output into an edit of the values file that fed the field.

The rule's fix is applied to the rendered stream and both versions are compared as data: the
deepest node that changed must have been written by a `toYaml .Values.x` (or `{{ .Values.x }}`)
template line, and the values key it came from must be in a values file. Then the values file
gets the same change as text edits against its original text (a scalar replaced, keys added to
a mapping, `{}` turned into a block), in the rendered text's own spelling re-indented. Anything
else (a template literal, a key removed, a list changed) is not a values edit: the caller keeps
the display-only suggestion at the template line.
"""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.model import Edit, SourceText


@dataclass
class ValuesEdit:
    """A fix moved from a rendered manifest to the values file that sets it."""

    path: str  # the values file
    source: SourceText
    edits: list[Edit]
    key_line: int
    key_col: int
    shown: str  # "securityContext.privileged"


def changed_path(old, new, path=()):
    """The deepest path where two python trees differ (keys added or several children changed
    stop the descent there); None when they are equal."""
    if old == new:
        return None
    if isinstance(old, dict) and isinstance(new, dict) and old.keys() == new.keys():
        diff = [k for k in old if old[k] != new[k]]
        if len(diff) == 1:
            return changed_path(old[diff[0]], new[diff[0]], path + (diff[0],))
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        diff = [i for i in range(len(old)) if old[i] != new[i]]
        if len(diff) == 1:
            return changed_path(old[diff[0]], new[diff[0]], path + (diff[0],))
    return path


def node_at(root, path):
    """(node, key node) at a path of keys/indexes in a node graph, or (None, None)."""
    from dockerlint.parse.yaml import MappingNode, SequenceNode

    node, key = root, None
    for part in path:
        if isinstance(node, MappingNode) and isinstance(part, str):
            pair = node.get_pair(part)
            if pair is None:
                return None, None
            key, node = pair
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.items):
            node, key = node.items[part], None
        else:
            return None, None
    return node, key


def _line_end(source: SourceText, offset: int) -> int:
    """Offset of the start of the line after the one holding `offset` (or the text's end)."""
    nl = source.text.find("\n", offset)
    return len(source.text) if nl < 0 else nl + 1


def _reindent(block: str, from_indent: int, to_indent: int) -> str:
    out = []
    for line in block.splitlines(keepends=True):
        stripped = line[min(from_indent, len(line) - len(line.lstrip(" "))) :]
        out.append(" " * to_indent + stripped if stripped.strip() else stripped)
    return "".join(out)


def _pair_text(source: SourceText, key, value) -> tuple[str, int]:
    """The text of one `key: value` pair, whole lines, and the key's indentation."""
    start = source.line_start(key.span.line)
    end = _line_end(source, max(value.span.end - 1, key.span.end))
    text = source.text[start:end]
    if not text.endswith("\n"):
        text += "\n"
    return text, key.span.col - 1


def values_edits(values_source: SourceText, values_node, values_key, new_stream: SourceText, new_node) -> list[Edit] | None:
    """Edits that make the values node (under `values_key`) hold what `new_node` holds now."""
    from dockerlint.parse.yaml import MappingNode, ScalarNode

    text = new_stream.text
    if isinstance(new_node, ScalarNode) and isinstance(values_node, ScalarNode):
        return [Edit(values_node.span.start, values_node.span.end, text[new_node.span.start : new_node.span.end])]
    if not (isinstance(new_node, MappingNode) and isinstance(values_node, MappingNode)):
        return None
    old_keys = {getattr(k, "value", None): (k, v) for k, v in values_node.pairs}
    edits: list[Edit] = []
    added: list[str] = []
    for key, value in new_node.pairs:
        name = getattr(key, "value", None)
        if name in old_keys:
            _, old_value = old_keys[name]
            from dockerlint.parse.yaml import to_python

            if to_python(old_value) == to_python(value):
                continue
            if isinstance(old_value, ScalarNode) and isinstance(value, ScalarNode):
                edits.append(Edit(old_value.span.start, old_value.span.end, text[value.span.start : value.span.end]))
                continue
            return None  # a nested change below an existing key: not attempted
        block, indent = _pair_text(new_stream, key, value)
        added.append(_reindent(block, indent, 0))
    rendered_names = {getattr(k, "value", None) for k, _ in new_node.pairs}
    if any(name not in rendered_names for name in old_keys):
        return None  # a key removed: not attempted
    if not added:
        return edits or None
    if values_node.flow or not values_node.pairs:
        if values_node.pairs:
            return None  # a non-empty flow mapping: rewriting it is not a small edit
        indent = (values_key.span.col - 1 if values_key is not None else 0) + 2
        body = "".join(_reindent(b, 0, indent) for b in added)
        # `key: {}` -> `key:\n  new: value`
        start = values_node.span.start
        while start > 0 and values_source.text[start - 1] in " \t":
            start -= 1
        edits.append(Edit(start, values_node.span.end, "\n" + body.rstrip("\n")))
        return edits
    first_key = values_node.pairs[0][0]
    indent = first_key.span.col - 1
    last_key, last_value = values_node.pairs[-1]
    at = _line_end(values_source, max(last_value.span.end - 1, last_key.span.end))
    prefix = "" if values_source.text[:at].endswith("\n") else "\n"
    edits.append(Edit(at, at, prefix + "".join(_reindent(b, 0, indent) for b in added)))
    return edits
