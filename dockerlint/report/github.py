"""`--format github`: GitHub Actions workflow commands, shown as annotations on the PR.

Chosen automatically by `check` when GITHUB_ACTIONS=true and no --format is given. Columns
are only sent for single-line findings (GitHub ignores them when the lines differ); endColumn
is exclusive, as in the JSON output.
"""
from __future__ import annotations

from dockerlint.model import Severity
from dockerlint.report.anchors import finding_region
from dockerlint.report.common import relative

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice", Severity.STYLE: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict, message: str) -> str:
    props = ",".join(f"{k}={escape_property(str(v))}" for k, v in properties.items())
    return f"::{name} {props}::{escape_data(message)}"


def render(results, options) -> str:
    lines = []
    for r in results:
        path = relative(r.path, options.root)
        if r.error is not None:
            props = {"file": path}
            if r.error.line:
                props["line"] = r.error.line
                if r.error.column:
                    props["col"] = r.error.column
            props["title"] = r.error.code
            lines.append(command("error", props, r.error.message))
        for f in r.findings:
            line, col, end_line, end_col = finding_region(f, r.source)
            props = {"file": path, "line": line}
            if end_line == line:
                props.update(col=col, endLine=end_line, endColumn=end_col)
            else:
                props["endLine"] = end_line
            props["title"] = f.code
            lines.append(command(COMMANDS.get(f.severity, "notice"), props, f"{f.message} ({f.name})"))
    return "".join(line + "\n" for line in lines)
