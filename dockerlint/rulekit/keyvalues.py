"""`key=value` pairs of LABEL and ENV instructions, as BuildKit's `parseNameVal` splits them.

`LABEL a=1 "b c"="d e"` holds two pairs; the legacy form `ENV NAME some value` (first word
without `=`) is one pair whose value is the rest of the line. Keys and values have their
quotes and escapes removed; `raw_value` keeps the value as written (quotes included), which
rules need to tell `'$A'` (literal) from `$A` (expanded).
"""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.model import Span
from dockerlint.parse.dockerfile import Instruction, Word


@dataclass
class Pair:
    """A `key=value` (or legacy `key value`) pair of ENV, LABEL or ARG."""

    key: str
    value: str
    raw_key: str
    raw_value: str
    key_span: Span  # the key as written (the whole word when it spans continuation lines)
    span: Span  # key, `=` and value
    word: Word
    escape: str = "\\"


def _sub_span(ins: Instruction, word: Word, start: int, end: int) -> Span:
    """Span of word.text[start:end] when the word lies on one line, else the whole word."""
    if word.span.end - word.span.start != len(word.text) or ins.source is None:
        return word.span
    return ins.source.span(word.span.start + start, word.span.start + end)


def pairs(ins: Instruction) -> list[Pair]:
    words = ins.words()
    if not words:
        return []
    first = words[0]
    if "=" not in first.text:
        # Legacy `KEY value with spaces`: one pair, the value is the rest of the arguments.
        rest = words[1:]
        value = " ".join(w.value for w in rest)
        if ins.args.startswith(first.text):
            raw_value = ins.args[len(first.text):].strip()
        else:
            raw_value = " ".join(w.text for w in rest)
        end = rest[-1].span.end if rest else first.span.end
        span = ins.source.span(first.span.start, end) if ins.source is not None else first.span
        return [Pair(first.value, value, first.text, raw_value, first.span, span, first, ins.escape)]
    out = []
    for word in words:
        raw_key, eq, raw_value = word.text.partition("=")
        key, _, value = word.value.partition("=")
        if not eq:
            key, value = word.value, ""
        key_span = _sub_span(ins, word, 0, len(raw_key))
        out.append(Pair(key, value, raw_key, raw_value, key_span, word.span, word, ins.escape))
    return out


def expanded_text(raw: str, escape: str = "\\") -> str:
    """The parts of a raw value that BuildKit expands: text in single quotes and escaped
    characters removed (`'$A'` and `\\$A` are literal dollars)."""
    out = []
    i, n = 0, len(raw)
    in_double = False
    while i < n:
        ch = raw[i]
        if ch == escape:
            i += 2
            continue
        if ch == "'" and not in_double:
            j = raw.find("'", i + 1)
            i = n if j < 0 else j + 1
            continue
        if ch == '"':
            in_double = not in_double
        out.append(ch)
        i += 1
    return "".join(out)
