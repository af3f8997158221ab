"""`--format gitlab`: a GitLab Code Quality report (the Code Climate issue subset GitLab reads).

Severity: error → critical, warning → major, info → minor, style → info. The fingerprint is
report/anchors.py's line-independent one, so GitLab's "new / fixed" comparison between the
source and target branch survives lines moving; it is unique within a report.
"""
from __future__ import annotations


from dockerlint.model import Severity
from dockerlint.report.anchors import fingerprint, finding_region, fingerprints
from dockerlint.report.common import dumps_lines, relative

SEVERITIES = {Severity.ERROR: "critical", Severity.WARNING: "major", Severity.INFO: "minor", Severity.STYLE: "info"}


def issue(finding, result, fp: str, root: str) -> dict:
    from dockerlint import ruleset

    line, _col, end_line, _end_col = finding_region(finding, result.source)
    rule = ruleset.by_code().get(finding.code)
    categories = ["Security"] if rule is not None and rule.security else ["Style" if finding.severity is Severity.STYLE else "Bug Risk"]
    return {
        "type": "issue",
        "description": f"{finding.code}: {finding.message}",
        "check_name": finding.code,
        "fingerprint": fp,
        "severity": SEVERITIES.get(finding.severity, "info"),
        "categories": categories,
        "location": {
            "path": relative(finding.path, root),
            "lines": {"begin": line, "end": end_line},
        },
    }


def render(results, options) -> str:
    issues = []
    for r in results:
        path = relative(r.path, options.root)
        for finding, fp in zip(r.findings, fingerprints(r.findings, r.source, path)):
            issues.append(issue(finding, r, fp, options.root))
        if r.error is not None:
            e = r.error
            issues.append(
                {
                    "type": "issue",
                    "description": f"{e.code}: {e.message}",
                    "check_name": e.code,
                    "fingerprint": fingerprint(e.code, path, e.message, 0),
                    "severity": "blocker" if e.code == "E001" else "critical",
                    "categories": ["Bug Risk"],
                    "location": {"path": path, "lines": {"begin": e.line or 1}},
                }
            )
    return dumps_lines(issues, top=True)
