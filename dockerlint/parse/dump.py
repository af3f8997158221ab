"""`dockerlint ast`: the parsed model as plain JSON-able data (lines and columns 1-based)."""
from __future__ import annotations

from dockerlint.model import FileKind


def _yaml_node(node, depth: int = 0):
    from dockerlint.parse.yaml import MappingNode, ScalarNode, SequenceNode

    if node is None:
        return None
    where = {"line": node.span.line, "column": node.span.col, "end_line": node.span.end_line, "end_column": node.span.end_col}
    if depth > 200:
        return {"type": "truncated", **where}
    if isinstance(node, ScalarNode):
        return {"type": "scalar", "value": node.value, "tag": node.tag, **where}
    if isinstance(node, SequenceNode):
        return {"type": "sequence", "items": [_yaml_node(i, depth + 1) for i in node.items], **where}
    if isinstance(node, MappingNode):
        return {
            "type": "mapping",
            "pairs": [{"key": _yaml_node(k, depth + 1), "value": _yaml_node(v, depth + 1)} for k, v in node.pairs],
            **where,
        }
    return {"type": type(node).__name__, **where}


def yaml_to_dict(kind: FileKind, model, path: str) -> dict:
    """YAML documents (or a program read into them) with their node trees."""
    return {
        "path": path,
        "kind": kind.value,
        "documents": [
            {"index": d.index, "line": d.span.line, "end_line": d.span.end_line, "root": _yaml_node(d.root)}
            for d in model
        ],
    }
