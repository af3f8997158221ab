"""Formatting and linting agree, over the whole corpus (the test suite samples every 10th file).

    python bench/format_lint_agreement.py [--step N]

For every Dockerfile of ../shared/corpus/dockerfiles, with the default rule selection:
formatting never brings a finding of a code more often than before, and `fix` then `format`
gives the same text as `format` then `fix`. Prints the counts and the files that disagree.
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from dockerlint.engine import lint_source
from dockerlint.fix import fix_source
from dockerlint.format import format_text
from dockerlint.settings import Settings

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--step", type=int, default=1, help="every Nth file")
    args = ap.parse_args()
    settings = Settings()
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())[:: args.step]
    counts: Counter = Counter()
    start = time.perf_counter()
    for path in files:
        text = path.read_text(encoding="utf-8")
        counts["files"] += 1
        formatted = format_text(text).text
        before = lint_source(text, "Dockerfile", settings)
        if before.error is not None:
            counts["not linted (parse error)"] += 1
            continue
        after = lint_source(formatted, "Dockerfile", settings)
        grown = Counter(f.code for f in after.findings) - Counter(f.code for f in before.findings)
        if grown:
            counts["formatting created a finding"] += 1
            print(f"{path.name}: formatting created {dict(grown)}")
        fixed_then_formatted = format_text(fix_source(text, "Dockerfile", settings).text).text
        formatted_then_fixed = fix_source(formatted, "Dockerfile", settings).text
        if fixed_then_formatted != formatted_then_fixed:
            counts["fix then format differs from format then fix"] += 1
            print(f"{path.name}: fix then format differs from format then fix")
    counts["seconds"] = round(time.perf_counter() - start, 1)
    for key, value in counts.items():
        print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
