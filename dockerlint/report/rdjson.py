"""`--format rdjson`: reviewdog's Diagnostic Format (DiagnosticResult as one JSON document).

Use: `dockerlint check --format rdjson | reviewdog -f=rdjson -reporter=github-pr-review`.
Positions are 1-based lines and 1-based columns counted in UTF-8 bytes, end exclusive, as the
format requires. Each safe or unsafe fix becomes one suggestion (its edits merged into one
replacement); an unsafe one is flagged in the message.
"""
from __future__ import annotations

from dockerlint.docs import REPOSITORY_URL, rule_url

from dockerlint.model import Applicability, Severity
from dockerlint.report.anchors import finding_region, fix_region
from dockerlint.report.common import dumps_lines, relative

SEVERITIES = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO", Severity.STYLE: "INFO"}
SOURCE = {"name": "dockerlint", "url": REPOSITORY_URL}


def byte_position(source, line: int, col: int) -> dict:
    if source is None:
        return {"line": line, "column": col}
    prefix = source.line_text(line)[: col - 1]
    return {"line": line, "column": len(prefix.encode("utf-8", "surrogatepass")) + 1 + max(0, col - 1 - len(prefix))}


def offset_position(source, offset: int) -> dict:
    return byte_position(source, *source.position(offset))


def diagnostic(result, finding, root: str) -> dict:
    source = result.source
    line, col, end_line, end_col = finding_region(finding, source)
    message = finding.message
    d = {
        "message": message,
        "location": {
            "path": relative(finding.path, root),
            "range": {"start": byte_position(source, line, col), "end": byte_position(source, end_line, end_col)},
        },
        "severity": SEVERITIES.get(finding.severity, "INFO"),
        "source": SOURCE,
        "code": {"value": finding.code, "url": rule_url(finding.code)},
    }
    fix = finding.fix
    if fix is not None and source is not None and fix.applicability is not Applicability.DISPLAY_ONLY:
        start, end, text = fix_region(fix, source)
        d["suggestions"] = [{"range": {"start": offset_position(source, start), "end": offset_position(source, end)}, "text": text}]
        if fix.applicability is Applicability.UNSAFE:
            d["message"] = f"{message} (the suggested fix is unsafe: it may change behaviour)"
    return d


def render(results, options) -> str:
    diagnostics = []
    for r in results:
        if r.error is not None:
            e = r.error
            location: dict = {"path": relative(e.path, options.root)}
            if e.line:
                location["range"] = {"start": {"line": e.line, "column": e.column or 1}}
            diagnostics.append({"message": e.message, "location": location, "severity": "ERROR", "source": SOURCE, "code": {"value": e.code}})
        diagnostics.extend(diagnostic(r, f, options.root) for f in r.findings)
    document = {"source": SOURCE, "diagnostics": diagnostics}
    return dumps_lines(document, frozenset({"diagnostics"}))
