"""Fix a Helm chart: only values-driven fixes have edits (in values files); the one fix engine
for several files (`fix.fix_tree`) applies them, re-renders and re-lints the whole chart, and
repeats (bounded). A pass whose result does not render, no longer parses, or brings any new
finding is refused."""
from __future__ import annotations

from collections import Counter

from dockerlint.model import FileResult


def fix_chart(chart_dir: str, settings) -> tuple[list[FileResult], list[tuple[str, str, str, str]], Counter]:
    """(results after fixing, changed files as (path, before, after, encoding), code -> fixes applied)."""
    from dockerlint.fix import fix_tree
    from dockerlint.helm.chart import lint_chart

    return fix_tree(lint_chart(chart_dir, settings), lambda texts: lint_chart(chart_dir, settings, texts),
                    settings, settings.unsafe_fixes)
