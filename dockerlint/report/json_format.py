"""`--format json`: the stable contract (lines and columns 1-based).

Layout: the document is indented, each finding and error is one line. `json.dumps(indent=2)`
runs CPython's pure-Python encoder (its C encoder has no indentation before 3.14), which was
2.2 of the 2.7 s a cached run of the Dockerfile corpus spent on 27,656 findings; one compact
line per finding goes through the C encoder, and a `grep` of the output shows whole findings.
"""
from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache

from dockerlint.docs import rule_url

from dockerlint import __version__
from dockerlint.report.common import fix_dict, relative


def finding_dict(result, finding, root: str, url=None) -> dict:
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
        "url": (url or rule_url)(finding.code),
        "fix": fix_dict(finding, result.source),
        **({"related": [
            {"path": relative(loc.path, root), "line": loc.line, "column": loc.col, "message": loc.message}
            for loc in finding.related
        ]} if finding.related else {}),
    }


def render(results, options) -> str:
    url = lru_cache(maxsize=None)(rule_url)  # one page per code, computed once per run
    findings = [finding_dict(r, f, options.root, url) for r in results for f in r.findings]
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
    return dumps(document)


_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def dumps(document: dict) -> str:
    """`document` indented by two spaces down to its lists of objects, whose items are one line each."""
    out = ["{"]
    items = list(document.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        head = f"  {_ONE_LINE(key)}: "
        if isinstance(value, list) and value:
            out.append(head + "[")
            out.append(",\n".join("    " + _ONE_LINE(v) for v in value))
            out.append("  ]" + comma)
        elif isinstance(value, dict) and value:
            body = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n  ")
            out.append(head + body + comma)
        else:
            out.append(head + _ONE_LINE(value) + comma)
    out.append("}")
    return "\n".join(out) + "\n"
