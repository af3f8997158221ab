"""Replace an image reference where it is written: a Dockerfile `FROM` word, a YAML scalar
(plain, single- or double-quoted) or a Python string literal.

The edit keeps the quoting: only the characters between the quotes change. When the written
text is not exactly the value (escapes, a folded or block scalar, an f-string, a concatenation)
there is no edit: the caller offers no fix rather than guess.
"""
from __future__ import annotations

from dockerlint.model import Edit, Span

_QUOTES = ("'", '"')


def replace_written_image(text: str, span: Span, value: str, new: str) -> Edit | None:
    raw = text[span.start:span.end]
    if raw == value:
        return Edit(span.start, span.end, new)
    if len(raw) >= 2 and raw[0] in _QUOTES and raw[-1] == raw[0] and raw[1:-1] == value:
        return Edit(span.start + 1, span.end - 1, new)
    return None
