"""The native ShellCheck checks over a Dockerfile: one pass per file, shared by the SC rules.

Each RUN script is checked as hadolint has ShellCheck check it (`rulekit.shell_jobs.plan`:
the shell from SHELL / `# hadolint shell=` / a heredoc's shebang, PowerShell and cmd skipped,
ARG/ENV and Docker's proxy variables defined), by `parse.shell_checks.check_script`, once per
file (`ctx.cached`), however many SC rules are selected; each SC rule file reports its own
code's share. Positions and fixes are mapped back to the Dockerfile through the job's source
map, across continuation lines and into heredoc bodies.

`# shellcheck disable=SC2086,SC2046` (or `disable=all`) inside a RUN — a comment line within
its continuation lines, or a comment in a heredoc script — silences those codes from that
line to the end of the RUN; at the top of a heredoc script, for the whole script. (ShellCheck
scopes a directive to the command that follows it; in a RUN the rest of the instruction is
that command, or the commands chained to it, nearly always.) hadolint's `# hadolint
ignore=SC2086` above the RUN works as for every rule (`dockerlint.suppressions`).
"""
from __future__ import annotations

import re

from dockerlint.model import Applicability, Edit, Fix, Severity, Span
from dockerlint.parse.shell_checks import SEVERITY, ShellIssue, check_script
from dockerlint.rulekit.shell_jobs import _source_offset, plan, source_span

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}
_DIRECTIVE = re.compile(r"^\s*#?\s*shellcheck\s+(?:[a-z-]+=\S+\s+)*disable=(?P<codes>[A-Za-z0-9,]+)")
# Fixes that keep the script's meaning: `...` -> $(...) without backslashes or nesting inside.
_SAFE_FIXES = frozenset({"SC2006"})


def severity(code: str) -> Severity:
    return LEVELS[SEVERITY[code]]


def _disabled_ranges(df, job, text: str) -> list[tuple[int, int, frozenset[str]]]:
    """(start, end, codes) source ranges where `# shellcheck disable=` silences codes."""
    out = []
    run = job.instruction
    end = run.span.end
    for comment in getattr(df, "comments", ()):
        if run.span.start <= comment.span.start < end:
            m = _DIRECTIVE.match(comment.text)
            if m:
                out.append((comment.span.start, end, _codes(m.group("codes"))))
    rs = job.script
    if rs is not None and rs.heredoc is not None:
        first_command = re.search(r"^[ \t]*[^#\s]", text, re.M)
        for m in re.finditer(r"^[ \t]*#[ \t]*shellcheck[^\n]*", text, re.M):
            d = _DIRECTIVE.match(m.group(0).strip())
            if not d:
                continue
            start = _source_offset(job, m.start())
            if start is None:
                continue
            if first_command is None or m.start() < first_command.start():
                start = run.span.start
            out.append((start, end, _codes(d.group("codes"))))
    return out


def _codes(text: str) -> frozenset[str]:
    codes = set()
    for c in text.split(","):
        c = c.strip().upper()
        if c == "ALL":
            codes.add("ALL")
        elif c:
            codes.add(c if c.startswith("SC") else f"SC{c}")
    return frozenset(codes)


def _fix(job, source, issue: ShellIssue) -> Fix | None:
    if not issue.edits:
        return None
    text = job.text
    edits = []
    for a, b, content in issue.edits:
        if a == b:
            if a < len(text) and text[a] in "$`":
                s = _source_offset(job, a)
            else:
                last = _source_offset(job, a - 1) if a > 0 else None
                s = last + 1 if last is not None else None
            if s is None:
                return None
            edits.append(Edit(s, s, content))
            continue
        s = _source_offset(job, a)
        last = _source_offset(job, b - 1)
        if s is None or last is None or source.text[s : last + 1] != text[a:b]:
            return None  # crosses a continuation line or text we wrote: no exact edit
        edits.append(Edit(s, last + 1, content))
    applicability = Applicability.SAFE if issue.code in _SAFE_FIXES else Applicability.UNSAFE
    description = {"SC2086": "Add double quotes", "SC2046": "Add double quotes", "SC2006": "Use $(...)"}.get(issue.code, "ShellCheck's fix")
    return Fix(tuple(edits), applicability, description)


def _source_gap(job, source):
    """The Dockerfile text between two offsets of the job's script (None when unmapped)."""
    def gap(a: int, b: int) -> str | None:
        s, e = _source_offset(job, a), _source_offset(job, b)
        return source.text[s:e] if s is not None and e is not None and s <= e else None
    return gap


def native_findings(ctx) -> dict[str, list[tuple[Span, str, Fix | None]]]:
    """code -> [(span, message, fix)] for every native SC check on this Dockerfile."""
    from dockerlint.rulekit.runs import cached_run_scripts

    return ctx.cached("shellcheck_native", lambda: _compute(ctx.dockerfile, ctx.source, cached_run_scripts(ctx)))


def _compute(df, source, scripts=None) -> dict[str, list[tuple[Span, str, Fix | None]]]:
    out: dict[str, list] = {}
    for job in plan(df, source, preamble=False, scripts=scripts):
        text = job.text
        rs = job.script
        same_text = rs is not None and rs.text == text
        if same_text and rs.script.syntax_tree is None:
            continue  # the shell parser gave up on this script (over its time budget)
        issues = check_script(text, job.dialect, job.names, rs.script.syntax_tree if same_text else None,
                              source_gap=_source_gap(job, source))
        if not issues:
            continue
        disabled = _disabled_ranges(df, job, text)
        for issue in issues:
            span = source_span(job, source, issue.start, issue.end)
            if any(a <= span.start < b and (issue.code in codes or "ALL" in codes) for a, b, codes in disabled):
                continue
            out.setdefault(issue.code, []).append((span, issue.message, _fix(job, source, issue)))
    return out


def report(ctx) -> None:
    """Report the current rule's code from the shared native pass."""
    for span, message, fix in native_findings(ctx).get(ctx.rule.code, ()):
        ctx.report(span, message, fix=fix)
