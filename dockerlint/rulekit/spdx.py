"""SPDX license identifiers and license expressions (`MIT OR Apache-2.0`).

The identifiers come from the SPDX License List (data/spdx_license_ids.json, deprecated
identifiers left out). Matching is exact for identifiers, as SPDX tools do in practice;
the operators `AND`, `OR` and `WITH` may be written in any case.
"""
from __future__ import annotations

import json
from dockerlint.rulekit.patterns import lazy
from functools import lru_cache
from pathlib import Path

_TOKEN = lazy(r"\s*(\(|\)|[A-Za-z0-9.:+-]+)")
_LICENSE_REF = lazy(r"^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$")


@lru_cache(maxsize=1)
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    data = json.loads((Path(__file__).parents[1] / "data" / "spdx_license_ids.json").read_text("utf-8"))
    return frozenset(data["licenses"]), frozenset(data["exceptions"])


def _tokens(text: str) -> list[str] | None:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            return None
        out.append(m.group(1))
        pos = m.end()
    return out


def is_spdx_expression(value: str) -> bool:
    """A license identifier (`MIT`, `GPL-2.0-or-later`, `Apache-2.0+`, `LicenseRef-x`) or an
    expression of them with AND / OR / WITH <exception> and parentheses."""
    tokens = _tokens(value)
    if not tokens:
        return False
    licenses, exceptions = _lists()
    pos = 0

    def peek() -> str | None:
        return tokens[pos] if pos < len(tokens) else None

    def simple() -> bool:
        nonlocal pos
        tok = peek()
        if tok is None:
            return False
        if tok == "(":
            pos += 1
            if not expression() or peek() != ")":
                return False
            pos += 1
            return True
        name = tok[:-1] if tok.endswith("+") else tok
        if name not in licenses and not _LICENSE_REF.match(tok):
            return False
        pos += 1
        if (peek() or "").upper() == "WITH":
            pos += 1
            if peek() not in exceptions:
                return False
            pos += 1
        return True

    def expression() -> bool:
        nonlocal pos
        if not simple():
            return False
        while (peek() or "").upper() in ("AND", "OR"):
            pos += 1
            if not simple():
                return False
        return True

    return expression() and pos == len(tokens)
