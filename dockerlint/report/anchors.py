"""Where a finding sits, in terms every reporter and the review bot share.

- `finding_lines` / `finding_region`: a span that ends at column 1 of the next line (it took
  the line break) is treated as ending on the line before, so no format points at a line the
  finding does not touch.
- `fingerprints`: an identity for each finding that survives lines moving. It hashes the rule
  code, the file path, the finding's line(s) with whitespace runs collapsed, and the
  occurrence index among findings with that same code, path and text. The line number is
  deliberately left out: inserting a blank line above a finding does not change it.
- `fix_region` / `fix_lines`: a fix's edits merged into one replacement, by characters or
  by whole lines (what a GitHub suggestion needs).
"""
from __future__ import annotations

import hashlib
from collections import Counter

from dockerlint.model import Finding, Fix, SourceText

FINGERPRINT_KEY = "dockerlint/v1"  # the partialFingerprints key; bump if the scheme changes


def finding_lines(finding: Finding) -> tuple[int, int]:
    s = finding.span
    last = s.end_line
    if last > s.line and s.end_col == 1:
        last -= 1
    return s.line, max(last, s.line)


def finding_region(finding: Finding, source: SourceText | None) -> tuple[int, int, int, int]:
    """(line, column, end_line, end_column), 1-based, end column exclusive."""
    s = finding.span
    first, last = finding_lines(finding)
    if last == s.end_line:
        return s.line, s.col, s.end_line, max(s.end_col, 1)
    end_col = len(source.line_text(last)) + 1 if source is not None else 1
    return first, s.col, last, end_col


def line_text_key(finding: Finding, source: SourceText | None) -> str:
    if source is None:
        return finding.message
    first, last = finding_lines(finding)
    return "\n".join(" ".join(source.line_text(n).split()) for n in range(first, last + 1))


def fingerprint(code: str, path: str, text: str, occurrence: int) -> str:
    data = "\0".join((code, path, text, str(occurrence))).encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:32]


def fingerprints(findings: list[Finding], source: SourceText | None, path: str) -> list[str]:
    """One fingerprint per finding, in the order given (document order keeps them stable)."""
    seen: Counter = Counter()
    out = []
    for f in findings:
        key = (f.code, line_text_key(f, source))
        out.append(fingerprint(f.code, path, key[1], seen[key]))
        seen[key] += 1
    return out


def fix_region(fix: Fix, source: SourceText) -> tuple[int, int, str]:
    """The fix as one replacement: (start, end, new text) over source.text[start:end]."""
    start, end = fix.start, fix.end
    pieces, position = [], start
    for e in fix.edits:
        pieces.append(source.text[position : e.start])
        pieces.append(e.content)
        position = e.end
    pieces.append(source.text[position:end])
    return start, end, "".join(pieces)


def fix_lines(finding: Finding, source: SourceText) -> tuple[int, int, str, str]:
    """The whole lines a fix touches (with the finding's own lines), before and after.

    Returns (first_line, last_line, old_text, new_text) without the final line break; new_text
    is "" when the fix deletes the lines outright.
    """
    fix = finding.fix
    assert fix is not None
    first, last = finding_lines(finding)
    touched = [first, last]
    for e in fix.edits:
        start_line, start_col = source.position(e.start)
        end_line, end_col = source.position(e.end)
        if e.start == e.end and start_col == 1 and first < start_line <= last + 1:
            # An insertion at the start of the next line appends to the line before.
            start_line = end_line = start_line - 1
        elif end_col == 1 and end_line > start_line:
            end_line -= 1  # the edit ends just after a line break
        touched += [start_line, end_line]
    first, last = min(touched), max(touched)
    start = source.line_start(first)
    # End of the last line, line break included, so an edit deleting whole lines stays inside.
    end = source.line_start(last + 1) if last < source.line_count else len(source.text)
    old = "\n".join(source.line_text(n) for n in range(first, last + 1))
    region = source.text[start:end]
    pieces, position = [], start
    for e in fix.edits:
        pieces.append(source.text[position : e.start])
        pieces.append(e.content)
        position = e.end
    pieces.append(source.text[position:end])
    new = "".join(pieces)
    if region.endswith("\n") and new.endswith("\n"):
        new = new[:-2] if new.endswith("\r\n") else new[:-1]
    return first, last, old, new


def fence(text: str, info: str = "") -> tuple[str, str]:
    """An opening and closing fence longer than any backtick run in `text`."""
    longest = run = 0
    for ch in text:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    marks = "`" * max(3, longest + 1)
    return marks + info, marks
