"""Rename a mapping key in place (KS100/DC100 did-you-mean fixes)."""
from __future__ import annotations

import re

from dockerlint.model import Edit
from dockerlint.parse.yaml import ScalarNode

_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")


def rename_key_edit(key: ScalarNode, new_name: str) -> Edit | None:
    """An edit replacing the text of `key` with `new_name`, keeping its quoting; None when the
    key is not a one-line plain or quoted scalar, or the new name would need quoting."""
    span = key.span
    if span.line != span.end_line or not _PLAIN_KEY.fullmatch(new_name):
        return None
    if key.style is None:
        return Edit(span.start, span.end, new_name)
    if key.style in ("'", '"'):
        return Edit(span.start + 1, span.end - 1, new_name)
    return None
