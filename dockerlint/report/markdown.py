"""`--format markdown`: a summary table per rule and the findings of each file, for job
summaries ($GITHUB_STEP_SUMMARY), MR/PR comments and chat.

Rendered from Jinja2 templates in dockerlint/templates/markdown (report.md.j2 includes
summary.md.j2 and file.md.j2). `--template-dir DIR` puts DIR first on the search path, so a
project can override any one of them and keep the others.
"""
from __future__ import annotations

from dockerlint.docs import rule_url
from collections import Counter
from pathlib import Path

import jinja2

from dockerlint import __version__
from dockerlint.model import Applicability
from dockerlint.report.anchors import finding_region
from dockerlint.report.common import is_fixable, relative

DEFAULT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "markdown"
FIX_LABELS = {
    Applicability.SAFE: "fix available",
    Applicability.UNSAFE: "unsafe fix available",
    Applicability.DISPLAY_ONLY: "suggested change",
}


def cell(text) -> str:
    """Keep a value on one Markdown line and out of table syntax."""
    return " ".join(str(text).split()).replace("|", "\\|")


def environment(template_dir: str | None) -> jinja2.Environment:
    search = [str(DEFAULT_TEMPLATES)]
    if template_dir:
        search.insert(0, template_dir)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cell"] = cell
    return env


def context(results, options) -> dict:
    from dockerlint import ruleset

    files, counts, fixes = [], Counter(), {}
    names, severities = {}, {}
    for r in results:
        findings = []
        for f in r.findings:
            line, col, end_line, end_col = finding_region(f, r.source)
            fix = None
            if f.fix is not None:
                fix = {"applicability": str(f.fix.applicability), "label": FIX_LABELS[f.fix.applicability], "description": f.fix.description}
                fixes.setdefault(f.code, FIX_LABELS[f.fix.applicability])
            findings.append(
                {
                    "code": f.code,
                    "name": f.name,
                    "severity": str(f.severity),
                    "message": f.message,
                    "line": line,
                    "column": col,
                    "end_line": end_line,
                    "end_column": end_col,
                    "url": rule_url(f.code),
                    "fix": fix,
                }
            )
            counts[f.code] += 1
            names[f.code] = f.name
            severities.setdefault(f.code, str(f.severity))
        error = None
        if r.error is not None:
            error = {"code": r.error.code, "message": r.error.message, "line": r.error.line, "column": r.error.column}
        files.append({"path": relative(r.path, options.root), "findings": findings, "error": error})
    rules = []
    for code, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        rule = ruleset.by_code().get(code)
        rules.append(
            {
                "code": code,
                "name": names[code],
                "severity": severities[code],
                "count": count,
                "url": rule_url(code),
                "summary": rule.summary() if rule is not None else names[code],
                "fix": fixes.get(code),
            }
        )
    return {
        "version": __version__,
        "files": files,
        "file_count": len(results),
        "rules": rules,
        "total": sum(counts.values()),
        "errors": sum(1 for r in results if r.error is not None),
        "fixable": sum(1 for r in results for f in r.findings if is_fixable(f, options.unsafe_fixes)),
    }


def render(results, options) -> str:
    env = environment(options.template_dir)
    try:
        return env.get_template("report.md.j2").render(**context(results, options))
    except jinja2.TemplateError as e:
        from dockerlint.frontend import UsageError

        where = f" ({e.filename}:{e.lineno})" if getattr(e, "filename", None) else ""
        raise UsageError(f"markdown template error{where}: {e.message or e}") from None
