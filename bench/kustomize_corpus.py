"""Kustomize overlays of ../shared/corpus/kustomize: the findings on each top-level overlay
(as discovery picks them) against the oracle — `kubectl kustomize` output linted as a plain
manifest — by (rule code -> count); every location must be a real line of a file in the
overlay's corpus tree; time per overlay build+lint.

    python bench/kustomize_corpus.py [CORPUS_DIR]
"""
from __future__ import annotations

import collections
import os
import statistics
import sys
import time

from dockerlint.discovery import discover
from dockerlint.engine import lint_source
from dockerlint.kustomize.overlay import BuildError, build, lint_overlay
from dockerlint.model import FileKind
from dockerlint.settings import Settings


def main() -> int:
    corpus = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "kustomize"))
    candidates, _ = discover([corpus], [])
    overlays = [c.path for c in candidates if c.kind is FileKind.KUSTOMIZE]
    settings = Settings()
    equal, differ, errors, bad, total, times, build_times = 0, [], [], [], 0, [], []
    for overlay in overlays:
        t0 = time.perf_counter()
        results = lint_overlay(overlay, settings)
        times.append(time.perf_counter() - t0)
        if any(r.error is not None for r in results):
            errors += [(os.path.relpath(overlay, corpus), r.error.message[:120]) for r in results if r.error is not None]
            continue
        mine = collections.Counter(f.code for r in results for f in r.findings)
        t0 = time.perf_counter()
        try:
            text = build(overlay)
        except BuildError:
            continue
        build_times.append(time.perf_counter() - t0)
        oracle = collections.Counter(f.code for f in lint_source(text, os.path.join(overlay, "built.yaml"), settings).findings)
        if mine == oracle:
            equal += 1
        else:
            differ.append((os.path.relpath(overlay, corpus), dict(oracle - mine), dict(mine - oracle)))
        for r in results:
            for f in r.findings:
                total += 1
                ok = os.path.abspath(f.path).startswith(corpus + os.sep) and os.path.isfile(f.path)
                if ok:
                    with open(f.path, encoding="utf-8") as fh:
                        ok = 1 <= f.span.line <= len(fh.read().split("\n"))
                if not ok:
                    bad.append((f.path, f.span.line, f.code))
    built = len(overlays) - len(errors)
    print(f"top-level overlays: {len(overlays)}; built: {built}; not built (errors reported): {len(errors)}")
    for e in errors:
        print("  error:", e)
    print(f"findings equal to the built output's (code -> count): {equal}/{built}")
    for d in differ:
        print("  differs:", d)
    print(f"findings: {total}; locations not a real line of a corpus file: {len(bad)}")
    for b in bad[:10]:
        print("  bad:", b)
    print(f"lint_overlay per overlay: median {statistics.median(times) * 1000:.0f} ms; kubectl kustomize alone: median {statistics.median(build_times) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
