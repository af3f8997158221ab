"""`--format checkstyle`: Checkstyle XML (Jenkins Warnings NG, reviewdog -f=checkstyle, ...).

One <file> per linted file, one <error> per finding; severities error/warning/info (style is
reported as info). `source` is "dockerlint.<CODE>".
"""
from __future__ import annotations

from dockerlint.model import Severity
from dockerlint.report.common import relative
from dockerlint.report.xmltext import element, serialise

SEVERITIES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info", Severity.STYLE: "info"}


def render(results, options) -> str:
    root = element("checkstyle", version="4.3")
    for r in results:
        if r.error is None and not r.findings:
            continue
        node = element("file", name=relative(r.path, options.root))
        if r.error is not None:
            e = r.error
            node.append(element("error", line=e.line or 1, column=e.column, severity="error", message=e.message, source=f"dockerlint.{e.code}"))
        for f in r.findings:
            node.append(
                element(
                    "error",
                    line=f.span.line,
                    column=f.span.col,
                    severity=SEVERITIES.get(f.severity, "info"),
                    message=f"{f.message} ({f.code} {f.name})",
                    source=f"dockerlint.{f.code}",
                )
            )
        root.append(node)
    return serialise(root)
