"""A whole Dockerfile: instructions laid out one by one (dockerlint.format.layout), comment and
blank lines tidied, each instruction proven to mean the same (dockerlint.format.proof) or left
exactly as written, then the whole result proven once more.

Never changed: parser directives (everything above the first instruction stays as written,
only runs of blank lines there shrink to one), the escape character, heredoc bodies and their
terminators (copied byte for byte), comment text, the text of quoted strings, and the line
ending (CRLF files stay CRLF).
"""
from __future__ import annotations

import gc
import re
from dataclasses import dataclass, field

from dockerlint.format.layout import Unformattable, laid_out_line, layout, logical_line, packages_possible
from dockerlint.format.options import FormatOptions
from dockerlint.format.proof import differences
from dockerlint.parse.dockerfile import _WS, DockerfileParseError, parse_dockerfile

_OFF_ON = re.compile(r"#\s*dockerlint:\s*format[\s:=]+(off|on)\s*\Z", re.I)
_DOCKERFMT_IGNORE = "# dockerfmt-ignore"  # dockerfmt's comment: leave the next instruction alone


@dataclass
class FormatResult:
    """A Dockerfile formatted: the new text, what was left as written, or why nothing was done."""

    text: str
    kept: list[tuple[int, str]] = field(default_factory=list)  # (line, why) instructions left as written
    error: str | None = None  # the parse error of a file we do not format
    error_line: int = 0
    original: str = ""

    @property
    def changed(self) -> bool:
        return self.error is None and self.text != self.original


def format_text(
    text: str, options: FormatOptions | None = None, path: str = "-", lines: tuple[int, int] | None = None
) -> FormatResult:
    """Format `text`. `lines` (1-based, inclusive) limits the layout to the instructions and
    comment lines that touch those lines (the language server's range formatting)."""
    gc_was_enabled = gc.isenabled()
    if gc_was_enabled:
        gc.disable()  # one collection after the file, not many during it (5% of the time)
    try:
        return _format_text(text, options, path, lines)
    finally:
        if gc_was_enabled:
            gc.enable()


def _format_text(text: str, options: FormatOptions | None, path: str, lines: tuple[int, int] | None) -> FormatResult:
    options = options or FormatOptions()
    try:
        df = parse_dockerfile(text, path)
    except DockerfileParseError as exc:
        return FormatResult(text, error=exc.message, error_line=exc.line, original=text)
    result = FormatResult(text, original=text)
    keep: set[int] = set()  # instructions to leave as written: their layout was not proven
    for _attempt in range(3):
        result.kept = []
        laid_out: dict[int, tuple] = {}  # changed instruction index -> (shell signature or None, its new text)
        formatted, header = _format(text, df, options, result, laid_out, lines, keep)
        if formatted == text:
            break
        # Instruction texts proven in an earlier file need no new proof (_PROVEN); the header
        # is proven every time.
        todo = [k for k in sorted(laid_out) if laid_out[k][2] not in _PROVEN]
        if not todo and _header_as_written(text, df, header):
            # Nothing to prove: the proof document would be the file's own lines before its
            # first instruction and the sentinel, which parse as they did in the file.
            result.text = formatted
            return result
        changed = [(df.instructions[k], laid_out[k][1], laid_out[k][0]) for k in todo]
        unproven = differences(df, header, changed, path, options.sort_packages)
        if unproven is None:  # the new texts do not even line up: keep every changed instruction
            unproven = set(laid_out)
            if not unproven:
                result.kept = [(1, "whole file left as written: the tidied comment and blank lines did not parse the same")]
                return result
        else:
            if len(_PROVEN) > _MEMO_LIMIT:
                _PROVEN.clear()
            _PROVEN.update(laid_out[k][2] for k in todo if k not in unproven)
        if not unproven:
            result.text = formatted
            return result
        keep |= unproven
    else:  # pragma: no cover - two rounds of keeping what was not proven always settle
        result.kept = [(1, "whole file left as written: the layout could not be proven")]
        return result
    result.text = formatted
    return result


def _header_as_written(text: str, df, header: str) -> bool:
    """Is the formatted header the file's text before the line of its first instruction?"""
    if not df.instructions:
        return False
    first = df.instructions[0].span.line - 1  # lines before it
    if not first:
        return header == ""
    position = -1
    for _ in range(first):
        position = text.find("\n", position + 1)
        if position < 0:
            return False
    return header == text[: position + 1]


def _format(
    text: str, df, options: FormatOptions, result: FormatResult, laid_out: dict, wanted, keep: set[int]
) -> tuple[str, str]:
    """The formatted text, and its part before the first instruction (directives and header
    comments, which the proof re-parses with the changed instructions)."""
    lines = df.lines if df.lines is not None else text.split("\n")  # the parser's split of `text`
    n = len(lines) - 1 if text.endswith("\n") else len(lines)
    if n == len(lines) and df.newline == "\r\n" and not lines[-1].endswith("\r"):
        # the final newline, even of a line kept as written, is a CRLF one (in a copy: the
        # parser's list is shared)
        lines = lines[:-1] + [lines[-1] + "\r"]
    lo, hi = (wanted[0] - 1, wanted[1] - 1) if wanted is not None else (0, n)
    everything = wanted is None  # no range: every line is within it

    def within(first: int, last: int) -> bool:
        return everything or (first <= hi and last >= lo)

    by_first = {ins.span.line - 1: ins for ins in df.instructions}
    has_header_comment = bool(df.instructions) and any(
        c.span.line < df.instructions[0].span.line for c in df.comments
    )
    out: list[tuple[str, bool]] = []  # (text, raw): raw text keeps its own line endings
    blank_pending = False
    started = False
    off = False
    ignore_next = False

    def flush_blank():
        nonlocal blank_pending
        if blank_pending and (out or has_header_comment):
            out.append(("\n", False))
        blank_pending = False

    header_pieces = 0
    i = 0
    while i < n:
        ins = by_first.get(i)
        if ins is not None:
            last = ins.span.end_line - 1
            if blank_pending:
                flush_blank()
            if not started:
                header_pieces = len(out)
            started = True
            if off or ignore_next or not (everything or within(i, last)):
                out.append(_raw(lines, i, last))
            elif ins.index in keep:
                result.kept.append((ins.line, "the laid-out instruction would not mean the same; left as written"))
                out.append(_raw(lines, i, last))
            else:
                out.append(_instruction(lines, n, i, last, ins, df, options, result, laid_out))
            ignore_next = False
            i = last + 1
            continue
        line = lines[i]
        body = line.rstrip("\r")
        stripped = body.strip(_WS)
        i += 1
        if (off and started) or not (everything or within(i - 1, i - 1)):
            flush_blank()
            out.append(_raw(lines, i - 1, i - 1))
        elif not stripped:
            blank_pending = True
            continue  # a blank line is no marker
        elif not started or stripped[0] != "#":
            flush_blank()
            out.append(_raw(lines, i - 1, i - 1))  # directives and the comments around them: as written
        else:
            flush_blank()
            out.append((stripped + "\n", False))
        if stripped[:1] != "#":
            continue  # both markers are comments
        marker = _OFF_ON.match(stripped)
        if marker is not None:
            off = marker.group(1).lower() == "off"
        elif stripped == _DOCKERFMT_IGNORE:
            ignore_next = True
    nl = df.newline
    pieces = [piece if raw else piece.replace("\n", nl) for piece, raw in out]
    formatted = "".join(pieces)
    if not text.endswith("\n") and not within(n - 1, n - 1):
        formatted = formatted[: len(formatted) - len(nl)]  # the missing final newline is outside the range: not ours
    return formatted, "".join(pieces[:header_pieces])


def _raw(lines: list[str], first: int, last: int) -> tuple[str, bool]:
    if first == last:
        return lines[first] + "\n", True
    return "\n".join(lines[first : last + 1]) + "\n", True


def _instruction(lines, n, first, last, ins, df, options, result, laid_out) -> tuple[str, bool]:
    if first == last and not ins.heredocs and not (options.sort_packages and packages_possible(ins, options)):
        # most instructions: one line, often laid out already
        line = lines[first]
        if line[-1:] == "\r":
            line = line[:-1]
        if first == 0 and df.bom:
            line = line[1:]
        if laid_out_line(ins, line):
            return _raw(lines, first, last)
    raw = "\n".join(lines[first : last + 1]) + "\n"  # each line with its newline
    # The layout depends on nothing but these (the parse of `raw` depends on the escape alone).
    key = (raw, df.escape, df.newline, first == 0 and df.bom, last + 1 >= n, options, layout)
    done = _LAYOUTS.get(key)
    if done is None:
        done = _lay_out(lines, n, first, ins, df, options)
        if len(_LAYOUTS) > _MEMO_LIMIT:
            _LAYOUTS.clear()
        _LAYOUTS[key] = done
    text, signature, why = done
    if why is not None:
        result.kept.append((ins.line, why))
        return raw, True
    if text != raw:
        laid_out[ins.index] = (signature, text, (key, text))  # to be proven by a re-parse
    return text, True


# Memos, per process, of pure functions: the layout of an instruction's lines, and the laid-out
# texts the proof accepted for them. Files often repeat instructions (a repository's variants
# of one image): 4,724 changed instructions in the corpus are 2,560 distinct ones.
_LAYOUTS: dict[tuple, tuple[str, tuple | None, str | None]] = {}
_PROVEN: set[tuple] = set()
_MEMO_LIMIT = 20_000


def _lay_out(lines, n, first, ins, df, options) -> tuple[str, tuple | None, str | None]:
    """(the instruction's new text, its arguments' shell signature, None) or (the old text,
    None, why it stays as written)."""
    last = ins.span.end_line - 1
    escape = df.escape
    try:
        logical = logical_line(lines, first, n, escape, df.bom)
        body = layout(ins, logical, escape, options)
    except Unformattable as exc:
        return "", None, str(exc)
    heredoc_raw = "\n".join(lines[logical.last_line + 1 : last + 1]) + "\n" if last > logical.last_line else ""
    bom = "\ufeff" if first == 0 and df.bom else ""
    return bom + body.replace("\n", df.newline) + df.newline + heredoc_raw, logical.shell_signature, None
