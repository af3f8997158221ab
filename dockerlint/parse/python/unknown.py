"""Values a program computes at run time, in the node model (no libcst here: rules import it).

An unknown value is a ScalarNode tagged UNKNOWN_TAG whose `.py` is UNKNOWN: equal to nothing
(itself included) and falsy, so `node.py is True`, `== 0` or `in {...}` never hold for it.
Its `.value` is the program's expression as a template, `${image}`, which messages can show and
which the checks for templated values (Helm, envsubst) already skip.
"""
from __future__ import annotations

from typing import Any

__all__ = ["UNKNOWN", "UNKNOWN_TAG", "is_unknown", "unknown_text"]

UNKNOWN_TAG = "!dockerlint/unknown"


class _Unknown:
    __slots__ = ()

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    __hash__ = object.__hash__

    def __bool__(self):
        return False

    def __repr__(self):
        return "<unknown>"


UNKNOWN: Any = _Unknown()


def is_unknown(node) -> bool:
    return node is not None and getattr(node, "tag", None) == UNKNOWN_TAG


def unknown_text(expression: str) -> str:
    """The `.value` of an unknown scalar computed by `expression` (its source text)."""
    return "${" + " ".join(expression.split()) + "}"
