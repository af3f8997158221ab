"""Fix a Helm chart: only values-driven fixes have edits (in values files); apply them,
re-render and re-lint the whole chart, repeat (bounded), like the one fix engine does for a file.
A pass whose result does not render, no longer parses, or brings a worse finding is refused."""
from __future__ import annotations

from collections import Counter

from dockerlint.fix import MAX_PASSES, OverlappingEdits, added_findings, apply_edits, drops_comment_line, is_applied
from dockerlint.model import FileResult, Finding


def _findings(results: list[FileResult]) -> list[Finding]:
    return [f for r in results for f in r.findings]


def _errors(results: list[FileResult]) -> int:
    return sum(1 for r in results if r.error is not None)


def fix_chart(chart_dir: str, settings) -> tuple[list[FileResult], list[tuple[str, str, str, str]], Counter]:
    """(results after fixing, changed files as (path, before, after, encoding), code -> fixes applied)."""
    from dockerlint.files import read_file
    from dockerlint.helm.chart import lint_chart

    unsafe = settings.unsafe_fixes
    originals: dict[str, tuple[str, str]] = {}  # path -> (text, encoding)
    edited: dict[str, str] = {}
    applied: Counter = Counter()
    results = lint_chart(chart_dir, settings)
    refused: set[tuple] = set()
    single = False  # after a refused pass, one fix per file until one is accepted
    for _ in range(MAX_PASSES * 2):
        candidates = [
            (r, f) for r in results for f in r.findings
            if f.fix is not None and is_applied(f, settings, unsafe) and (f.path, f.code, f.fix.edits) not in refused
        ]
        if not candidates:
            break
        by_file: dict[str, list[Finding]] = {}
        for r, f in sorted(candidates, key=lambda rf: (rf[1].path, rf[1].fix.start, rf[1].fix.end, rf[1].code)):
            chosen = by_file.setdefault(f.path, [])
            if chosen and (single or f.fix.start < chosen[-1].fix.end or f.fix.start == chosen[-1].fix.end == f.fix.end):
                continue  # overlaps (or a second insertion at one point): the next pass
            chosen.append(f)
        trial = dict(edited)
        accepted: list[Finding] = []
        for path, chosen in by_file.items():
            if path not in originals:
                decoded, error = read_file(path)
                if error is not None:
                    continue
                originals[path] = (decoded.text, decoded.encoding)
            current = trial.get(path, originals[path][0])
            edits = [e for f in chosen for e in f.fix.edits]
            if drops_comment_line(current, edits):
                refused.update((f.path, f.code, f.fix.edits) for f in chosen)
                continue
            try:
                trial[path] = apply_edits(current, edits)
            except OverlappingEdits:
                continue
            accepted += chosen
        if not accepted:
            break
        after = lint_chart(chart_dir, settings, trial)
        if _errors(after) > _errors(results) or bool(added_findings(_findings(results), _findings(after))):
            if single or len(accepted) == 1:
                refused.update((f.path, f.code, f.fix.edits) for f in accepted)
            single = True
            continue
        for f in accepted:
            applied[f.code] += 1
        if trial == edited:
            break
        edited, results, single = trial, after, False
    changes = [(path, originals[path][0], text, originals[path][1]) for path, text in sorted(edited.items()) if text != originals[path][0]]
    for r in results:
        if r.path in edited:
            from dockerlint.model import SourceText

            r.source = SourceText(edited[r.path], r.path)
    return results, changes, applied
