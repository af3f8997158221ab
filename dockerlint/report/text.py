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
    """Expand tabs (to four spaces) so the caret lines up; return the new line and the new
    0-based column (a column past the end stays as far past it)."""
    if "\t" not in line:
        return line, col
    shown = line.replace("\t", "    ")
    if col >= len(line):
        return shown, len(shown) + (col - len(line))
    return shown, len(line[:max(col, 0)].replace("\t", "    "))


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


_FIX_LABELS = {
    Applicability.SAFE: "fix available",
    Applicability.UNSAFE: "unsafe fix available (--unsafe-fixes)",
    Applicability.DISPLAY_ONLY: "suggested change (shown only)",
}


def render(results, options) -> str:
    """`rendered`, in `options.extra`, when given: id(result) -> what `render_result` gave for it
    with these options, worked out where the result was made (`cli.workers`: in the process
    that linted it, while the other processes lint)."""
    rendered = options.extra.get("rendered") or {}
    parts: list[str] = []
    counts: Counter = Counter()
    fixable = 0
    unsafe_only = 0  # fixable once --unsafe-fixes is given
    with_problems = 0  # files (a result read back from a child makes no Finding for being counted)
    for result in results:
        text, result_counts, result_fixable, result_unsafe_only = rendered.get(id(result)) or render_result(result, options)
        parts.append(text)
        with_problems += bool(result_counts)
        for key, n in result_counts:
            counts[key] += n
        fixable += result_fixable
        unsafe_only += result_unsafe_only
    lines: list[str] = []
    if options.statistics and counts:
        lines.append("")
        for (code, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{n:6d}  {code}  {name}")
    lines.extend(summary_lines(results, sum(counts.values()), fixable, unsafe_only, with_problems))
    return "".join(parts) + "\n".join(lines) + ("\n" if lines else "")


def render_result(result, options) -> tuple[str, tuple, int, int]:
    """One result's part of the report: (its lines, each ending in a newline; ((code, name),
    findings) of its findings; those fixable; those fixable only with --unsafe-fixes)."""
    color = options.color
    lines: list[str] = []
    counts: Counter = Counter()
    fixable = 0
    unsafe_only = 0
    if result.error is not None:
        e = result.error
        where = relative(e.path, options.root)
        if e.line:
            where += f":{e.line}:{e.column or 1}"
        lines.append(f"{_c(where, '1', color)}: {_c('error', '31;1', color)}: {e.message}")
    shown = relative(result.path, options.root) if result.findings else ""  # asked once a file
    for f in result.findings:
        counts[(f.code, f.name)] += 1
        where = f"{shown if f.path == result.path else relative(f.path, options.root)}:{f.span.line}:{f.span.col}"
        sev = _c(str(f.severity), COLORS.get(f.severity, "0"), color)
        lines.append(f"{_c(where, '1', color)}: {_c(f.code, '1', color)} [{sev}] {f.message}")
        if options.show_source:
            lines.extend(source_excerpt(result, f, color))
        # `=` under the gutter's `|`, whatever the width of the line number
        indent = " " * (len(str(f.span.line)) + 1) if options.show_source else "  "
        if f.fix is not None:
            a = f.fix.applicability
            if a is Applicability.SAFE or (a is Applicability.UNSAFE and options.unsafe_fixes):
                fixable += 1
            elif a is Applicability.UNSAFE:
                unsafe_only += 1
            label = _FIX_LABELS[a]
            detail = f": {f.fix.description}" if f.fix.description else ""
            lines.append(f"{indent}= {label}{detail}")
        for loc in f.related:
            lines.append(f"{indent}= {loc.message or 'see'}: {relative(loc.path, options.root)}:{loc.line}:{loc.col}")
        if options.show_source:
            lines.append("")
    text = "\n".join(lines) + "\n" if lines else ""
    return text, tuple(counts.items()), fixable, unsafe_only


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_lines(results, total: int, fixable: int, unsafe_only: int, with_problems: int) -> list[str]:
    """`All checks passed!` for a clean run; otherwise how many problems in how many files,
    which files could not be parsed or read, and what `dockerlint fix` would do."""
    parse_errors = sum(1 for r in results if r.error is not None and r.error.code == "E002")
    other_errors = sum(1 for r in results if r.error is not None and r.error.code != "E002")
    if not total and not parse_errors and not other_errors:
        return ["All checks passed!"] if results else []
    summary = f"Found {_plural(total, 'problem')}"
    if total:
        summary += f" in {with_problems} of {_plural(len(results), 'file')} linted"
    if parse_errors:
        summary += f"; {_plural(parse_errors, 'file')} could not be parsed"
    if other_errors:
        summary += f"; {_plural(other_errors, 'file')} could not be read"
    summary += "."
    out = [summary]
    if fixable or unsafe_only:
        hint = f"{fixable} fixable with `dockerlint fix`" if fixable else "none fixable with `dockerlint fix`"
        if unsafe_only:
            hint += f" ({unsafe_only} more with `--unsafe-fixes`)"
        out.append(hint[0].upper() + hint[1:] + ".")
    return out
