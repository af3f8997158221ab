"""Helpers shared by reporters: finding/edit positions in 1-based terms, relative paths."""
from __future__ import annotations

import json
import os
from functools import lru_cache

from dockerlint.fix import effective_applicability
from dockerlint.model import Applicability, Edit, Finding, SourceText
from dockerlint.paths import is_normal_relative, shown_from


def relative(path: str, root: str = ".", cwd: str | None = None) -> str:
    """`path` as reports show it; `cwd`: the working directory, when the caller asked for it
    once for many paths (a report of 4,413 files asked 4,413 times)."""
    if path == "-" or (root == "." and is_normal_relative(path)):  # (`svc/Dockerfile`: shown as given)
        return path
    cwd = cwd or os.getcwd()
    if root == ".":
        found = shown_from(cwd, path)  # (/repo/svc/Dockerfile run in /repo: relpath's answer, ~10 us less)
        if found is not None:
            return found
    return _relative(path, root, cwd)


@lru_cache(maxsize=4096)
def _relative(path: str, root: str, cwd: str) -> str:
    """Every finding of a file asks for its path: os.path.relpath makes both paths absolute
    each time, which was a third of a cached run's time. `cwd` is part of the key."""
    if root == "." and not os.path.isabs(path) and os.path.normpath(path) == path and not path.startswith(".."):
        # already relative to the working directory and normal (`svc/Dockerfile`): what relpath
        # would give, without making both absolute (30 us a file; 4,413 files on the command line)
        return path.replace(os.sep, "/")
    try:
        rel = os.path.relpath(path, root)
    except ValueError:
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def edit_dict(edit: Edit, source: SourceText) -> dict:
    line, col = source.position(edit.start)
    end_line, end_col = source.position(edit.end)
    return {"content": edit.content, "line": line, "column": col, "end_line": end_line, "end_column": end_col}


def fix_dict(finding: Finding, source: SourceText | None, settings=None) -> dict | None:
    if finding.fix is None or source is None:
        return None
    applicability = effective_applicability(finding, settings) if settings is not None else finding.fix.applicability
    if applicability is None:
        return None
    return {
        "applicability": str(applicability),
        "description": finding.fix.description,
        "edits": [edit_dict(e, source) for e in finding.fix.edits],
    }


def is_fixable(finding: Finding, unsafe: bool) -> bool:
    if finding.fix is None:
        return False
    a = finding.fix.applicability
    return a is Applicability.SAFE or (unsafe and a is Applicability.UNSAFE)


ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode  # a value on one line


def joined(pieces: list) -> str:
    """A report's pieces (`render_pieces`) as one string: the report lines a cached result kept
    as UTF-8 (bytes-like) decoded."""
    return "".join(p if type(p) is str else str(p, "utf-8", "replace") for p in pieces)


class Encoded(list):
    """A list whose items are JSON text already: `dumps_lines` writes each as it is, as items of
    the list (an item may hold several, joined by the break it puts between items)."""


def dumps_lines(document, one_line: frozenset[str] = frozenset(), top: bool = False) -> str:
    """`document` as `json.dumps(indent=2, ensure_ascii=False)` writes it, except the items of
    the lists under the keys in `one_line` (of the top-level list if `top`), and of `Encoded`
    lists: each written on one line, by the C encoder. `indent` makes `json` run its pure-Python encoder (its C encoder has
    no indentation before Python 3.14): 1.3 s of a 1.84 s cached run over the Kubernetes corpus
    as SARIF (19,806 results; 1.10 s with this). The same JSON, one result a line."""
    return "".join(dumps_pieces(document, one_line, top))


def dumps_pieces(document, one_line: frozenset[str] = frozenset(), top: bool = False) -> list[str]:
    """`dumps_lines` as the pieces it joins (written one after the other, they are its text)."""
    out: list[str] = []
    _write(document, 0, out, one_line, top)
    out.append("\n")
    return out


def _write(value, depth: int, out: list[str], one_line: frozenset[str], inline: bool) -> None:
    if isinstance(value, dict) and value:
        pad = "  " * (depth + 1)
        out.append("{\n")
        last = len(value) - 1
        for i, (key, item) in enumerate(value.items()):
            out.append(f"{pad}{ONE_LINE(key)}: ")
            _write(item, depth + 1, out, one_line, key in one_line)
            out.append(",\n" if i < last else "\n")
        out.append("  " * depth + "}")
    elif isinstance(value, list) and value:
        pad = "  " * (depth + 1)
        out.append("[\n")
        last = len(value) - 1
        raw = type(value) is Encoded
        for i, item in enumerate(value):
            out.append(pad)
            if raw:
                out.append(item)
            elif inline:
                out.append(ONE_LINE(item))
            else:
                _write(item, depth + 1, out, one_line, False)
            out.append(",\n" if i < last else "\n")
        out.append("  " * depth + "]")
    else:
        out.append(ONE_LINE(value))
