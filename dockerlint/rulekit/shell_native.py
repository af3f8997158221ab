"""The native ShellCheck checks over a Dockerfile: one pass per file, shared by the SC rules.

Each RUN script is checked as hadolint has ShellCheck check it (`rulekit.shell_jobs.plan`:
the shell from SHELL / `# hadolint shell=` / a heredoc's shebang, PowerShell and cmd skipped,
ARG/ENV and Docker's proxy variables defined), except that the stages on a Windows base image
(default shell `cmd /S /C`) are skipped too, by `parse.shell_checks.check_script`, once per
file (`ctx.cached`), however many SC rules are selected; each SC rule file reports its own
code's share. Positions and fixes are mapped back to the Dockerfile through the job's source
map, across continuation lines and into heredoc bodies.

`# shellcheck disable=SC2086,SC2046` (or `disable=all`, or a range `SC2000-SC2100`) applies as
ShellCheck applies it (`parse.shell_checks_extra.directive_scopes`): before a command, to that
command (the whole `a && b` list, pipeline, compound command or function that follows); at the
top of a heredoc script, before its first command, to the whole script. A directive on a comment
line among a RUN's continuation lines (which the shell never sees) applies to the command that
follows it. hadolint's `# hadolint ignore=SC2086` above the RUN works as for every rule
(`dockerlint.suppressions`).
"""
from __future__ import annotations

from dockerlint.model import Applicability, Edit, Fix, Severity, Span
from dockerlint.parse.shell_checks import SEVERITY, ShellIssue, check_script
from dockerlint.rulekit.shell_jobs import _source_offset, plan, source_span

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}
# Fixes that keep the script's meaning: `...` -> $(...) without backslashes or nesting inside.
_SAFE_FIXES = frozenset({"SC2006"})


def severity(code: str) -> Severity:
    return LEVELS[SEVERITY[code]]


def _continuation_directives(comments, job) -> list[tuple[int, frozenset[str]]]:
    """`# shellcheck disable=` comment lines among a RUN's continuation lines, which the shell
    never sees: (offset in the script where it resumes after the comment, codes). Directives in
    a heredoc script are in its text, and `check_script` reads them there."""
    from dockerlint.parse.shell_checks_extra import disabled_codes

    run = job.instruction
    inside = [(h.span.start, h.span.end) for h in getattr(run, "heredocs", ())]
    out = []
    for comment in comments:
        at = comment.span.start
        if not (run.span.start <= at < run.span.end) or any(a <= at < b for a, b in inside):
            continue
        codes = disabled_codes("#" + comment.text)
        if codes is None:
            continue
        index = _script_index_after(job, at)
        if index is not None:
            out.append((index, codes))
    return out


def continuation_scopes(df, jobs) -> list[tuple[int, int, frozenset[str]]]:
    """(source start, source end, codes) that the continuation-line directives silence, for the
    ShellCheck binary's findings (the binary never sees those comments). `jobs` may carry the
    binary's preamble: offsets are looked up in each job's own text."""
    import tree_sitter

    from dockerlint.parse.bash_grammar import LANGUAGE
    from dockerlint.parse.shell_checks_extra import unit_at

    comments = [c for c in getattr(df, "comments", ()) if "shellcheck" in c.text]
    out = []
    for job in jobs if comments else ():
        directives = _continuation_directives(comments, job)
        if not directives:
            continue
        text = job.text
        data = text.encode("utf-8", "surrogatepass")
        root = tree_sitter.Parser(LANGUAGE).parse(data).root_node
        for index, codes in directives:
            unit = unit_at(root, len(text[:index].encode("utf-8", "surrogatepass")))
            if unit is None:
                continue
            end = len(data[: unit.end_byte].decode("utf-8", "surrogatepass"))
            start, last = _source_offset(job, index), _source_offset(job, max(index, end - 1))
            if start is not None and last is not None:
                out.append((start, last + 1, codes))
    return out


def _script_index_after(job, source_offset: int) -> int | None:
    """The first index of the job's text whose source offset is past `source_offset`."""
    for piece in job.pieces:
        if piece.origin is None or not piece.text:
            continue
        lo, hi = 0, len(piece.text)
        if piece.origin(hi - 1) <= source_offset:
            continue
        while lo < hi:  # source offsets grow along a piece
            mid = (lo + hi) // 2
            if piece.origin(mid) > source_offset:
                hi = mid
            else:
                lo = mid + 1
        return piece.start + lo
    return None


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


def _compute(df, source, scripts=None, windows=True) -> dict[str, list[tuple[Span, str, Fix | None]]]:
    out: dict[str, list] = {}
    comments = [c for c in getattr(df, "comments", ()) if "shellcheck" in c.text]
    for job in plan(df, source, preamble=False, scripts=scripts, windows=windows):
        text = job.text
        rs = job.script
        same_text = rs is not None and rs.text == text
        if same_text and rs.script.syntax_tree is None:
            continue  # the shell parser gave up on this script (over its time budget)
        issues = check_script(text, job.dialect, job.names, rs.script.syntax_tree if same_text else None,
                              _continuation_directives(comments, job) if comments else (),
                              source_gap=_source_gap(job, source))
        for issue in issues:
            span = source_span(job, source, issue.start, issue.end)
            out.setdefault(issue.code, []).append((span, issue.message, _fix(job, source, issue)))
    return out


def report(ctx) -> None:
    """Report the current rule's code from the shared native pass."""
    for span, message, fix in native_findings(ctx).get(ctx.rule.code, ()):
        ctx.report(span, message, fix=fix)
