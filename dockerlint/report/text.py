"""Human output: location, code, message, the source line with a caret, fix availability."""
from __future__ import annotations

from collections import Counter

from dockerlint.model import Applicability, Severity
from dockerlint.report.common import relative

COLORS = {
    Severity.ERROR: "31",  # red
    Severity.WARNING: "33",  # yellow
    Severity.INFO: "36",  # cyan
    Severity.STYLE: "35",  # magenta
}


def _c(text: str, code: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on else text


def _expand_tabs(line: str, col: int) -> tuple[str, int]:
    """Expand tabs so the caret lines up; return the new line and the new 0-based column."""
    out, new_col = [], 0
    for i, ch in enumerate(line):
        if i == col:
            new_col = len("".join(out))
        out.append("    " if ch == "\t" else ch)
    if col >= len(line):
        new_col = len("".join(out)) + (col - len(line))
    return "".join(out), new_col


def source_excerpt(result, finding, color: bool) -> list[str]:
    source = result.source
    if source is None:
        return []
    s = finding.span
    line_text = source.line_text(s.line)
    if len(line_text) > 400:
        return []
    width = len(str(s.line))
    shown, start = _expand_tabs(line_text, s.col - 1)
    if s.end_line == s.line:
        _, end = _expand_tabs(line_text, s.end_col - 1)
        length = max(1, end - start)
    else:
        length = max(1, len(shown) - start)
    gutter = _c(" " * width + " |", "34", color)
    return [
        gutter,
        _c(f"{s.line} |", "34", color) + " " + shown,
        gutter + " " + " " * start + _c("^" * length, COLORS.get(finding.severity, "0"), color),
    ]


def render(results, options) -> str:
    color = options.color
    lines: list[str] = []
    counts: Counter = Counter()
    fixable = 0
    for result in results:
        if result.error is not None:
            e = result.error
            where = relative(e.path, options.root)
            if e.line:
                where += f":{e.line}:{e.column or 1}"
            lines.append(f"{_c(where, '1', color)}: {_c('error', '31;1', color)}: {e.message}")
        for f in result.findings:
            counts[(f.code, f.name)] += 1
            where = f"{relative(f.path, options.root)}:{f.span.line}:{f.span.col}"
            sev = _c(str(f.severity), COLORS.get(f.severity, "0"), color)
            lines.append(f"{_c(where, '1', color)}: {_c(f.code, '1', color)} [{sev}] {f.message}")
            if options.show_source:
                lines.extend(source_excerpt(result, f, color))
            if f.fix is not None:
                a = f.fix.applicability
                if a is Applicability.SAFE or (a is Applicability.UNSAFE and options.unsafe_fixes):
                    fixable += 1
                label = {
                    Applicability.SAFE: "fix available",
                    Applicability.UNSAFE: "unsafe fix available (--unsafe-fixes)",
                    Applicability.DISPLAY_ONLY: "suggested change (shown only)",
                }[a]
                detail = f": {f.fix.description}" if f.fix.description else ""
                lines.append(f"  = {label}{detail}")
            for loc in f.related:
                lines.append(f"  = {loc.message or 'see'}: {relative(loc.path, options.root)}:{loc.line}:{loc.col}")
            if options.show_source:
                lines.append("")
    if options.statistics and counts:
        lines.append("")
        for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{n:6d}  {code}  {name}")
    total = sum(counts.values())
    errors = sum(1 for r in results if r.error is not None)
    summary = f"Found {total} problem{'s' if total != 1 else ''} in {len(results)} file{'s' if len(results) != 1 else ''}"
    if errors:
        summary += f" ({errors} could not be linted)"
    if fixable:
        summary += f"; {fixable} fixable with `dockerlint fix`"
    if total or errors:
        lines.append(summary + ".")
    return "\n".join(lines) + ("\n" if lines else "")
