"""CPU time of the native shell checks' own pass over the Dockerfile corpus, in process.

The Dockerfile parse and the RUN scripts' shell model (which the DL rules build anyway) are done
first and not counted; then `rulekit.shell_native._compute` runs over every file, three times,
and the best process time is printed with the finding count and the load average. CPU time, not
wall: the machine may be shared.

Usage: python bench/shell_native_cpu.py [--corpus DIR]
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    from dockerlint.model import SourceText
    from dockerlint.parse.dockerfile import parse_dockerfile
    from dockerlint.rulekit.runs import run_scripts
    from dockerlint.rulekit.shell_native import _compute

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    prepared = []
    for path in sorted(p for p in args.corpus.iterdir() if p.is_file()):
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            df = parse_dockerfile(text, str(path))
        except Exception:
            continue
        prepared.append((df, SourceText(text, str(path)), run_scripts(df)))
    best, count = None, 0
    for _ in range(3):
        start = time.process_time()
        count = sum(len(v) for df, source, scripts in prepared for v in _compute(df, source, scripts).values())
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    print(f"native pass over {len(prepared)} files: {best:.2f} s CPU (best of 3), {count} findings, "
          f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
