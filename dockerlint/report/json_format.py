"""`--format json`: the stable contract (lines and columns 1-based)."""
from __future__ import annotations

from dockerlint.docs import rule_url
import json
from collections import Counter

from dockerlint import __version__
from dockerlint.report.common import fix_dict, relative


def finding_dict(result, finding, root: str) -> dict:
    s = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "message": finding.message,
        "path": relative(finding.path, root),
        "line": s.line,
        "column": s.col,
        "end_line": s.end_line,
        "end_column": s.end_col,
        "aliases": list(finding.aliases),
        "url": rule_url(finding.code),
        "fix": fix_dict(finding, result.source),
        **({"related": [
            {"path": relative(loc.path, root), "line": loc.line, "column": loc.col, "message": loc.message}
            for loc in finding.related
        ]} if finding.related else {}),
    }


def render(results, options) -> str:
    findings = [finding_dict(r, f, options.root) for r in results for f in r.findings]
    errors = [
        {
            "path": relative(r.error.path, options.root),
            "code": r.error.code,
            "message": r.error.message,
            "line": r.error.line,
            "column": r.error.column,
        }
        for r in results
        if r.error is not None
    ]
    by_severity = Counter(f["severity"] for f in findings)
    document = {
        "version": __version__,
        "findings": findings,
        "errors": errors,
        "summary": {
            "files": len(results),
            "findings": len(findings),
            "errors": len(errors),
            "fixable": sum(1 for f in findings if f["fix"] and f["fix"]["applicability"] != "display-only"),
            "by_severity": dict(sorted(by_severity.items())),
            **({"baselined": options.extra["baselined"]} if "baselined" in options.extra else {}),
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
