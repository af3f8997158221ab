"""Helm charts of ../shared/corpus/helm: is linting a chart the same as linting its rendered
output, and is every location a real line of a file in the chart? Plus time per chart.

For each chart: (a) `lint_chart` (render + lint + map to templates/values); (b) the oracle:
the same render printed as `helm template` prints it (`---` + `# Source:` per template), linted
as a plain Kubernetes manifest. Compared as (rule code -> count). Every primary and related
location must name an existing file inside the chart and a line within it.

    python bench/helm_corpus.py [CORPUS_DIR]      (writes nothing; prints a summary)
"""
from __future__ import annotations

import collections
import os
import statistics
import sys
import time

from dockerlint.engine import lint_source
from dockerlint.helm.chart import _stream, chart_settings, lint_chart
from dockerlint.helm.render import render_chart
from dockerlint.settings import Settings


def line_count(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        return len(f.read().split("\n"))


def main() -> int:
    corpus = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "helm")
    charts = sorted(d for d in os.listdir(corpus) if os.path.isfile(os.path.join(corpus, d, "Chart.yaml")))
    settings = Settings()
    equal = 0
    differences = []
    bad_locations = []
    errors = []
    findings_total = related_total = at_values = 0
    unmapped_templates = 0
    templates_total = 0
    times = []
    started = time.perf_counter()
    for name in charts:
        chart = os.path.join(corpus, name)
        t0 = time.perf_counter()
        results = lint_chart(chart, settings)
        times.append(time.perf_counter() - t0)
        mine = collections.Counter()
        for r in results:
            if r.error is not None:
                errors.append((name, r.error.describe()))
            for f in r.findings:
                mine[f.code] += 1
                findings_total += 1
                for loc in ((f.path, f.span.line),) + tuple((l.path, l.line) for l in f.related):
                    path, line = loc
                    inside = os.path.abspath(path).startswith(os.path.abspath(chart) + os.sep)
                    if not (inside and os.path.isfile(path) and 1 <= line <= line_count(path)):
                        bad_locations.append((name, path, line, f.code))
                related_total += any((loc.message or "").startswith("value of") for loc in f.related)
                at_values += os.path.basename(f.path).startswith("values")
        _, options = chart_settings(chart, settings)
        rendering = render_chart(chart, options)
        templates_total += sum(1 for t in rendering.templates if t.text.strip())
        unmapped_templates += len(rendering.unmapped)
        text, _ = _stream(rendering.templates)
        oracle = collections.Counter(f.code for f in lint_source(text, os.path.join(chart, "rendered.yaml"), settings).findings) if text else collections.Counter()
        if oracle == mine:
            equal += 1
        else:
            differences.append((name, dict(oracle - mine), dict(mine - oracle)))
    wall = time.perf_counter() - started
    print(f"charts: {len(charts)}; findings equal to the rendered output's (code -> count): {equal}/{len(charts)}")
    for d in differences[:20]:
        print("  differs:", d)
    print(f"findings: {findings_total}; at a values key (a values fix exists): {at_values}; at a template line with the values key related: {related_total}; "
          f"locations not a real line of a chart file: {len(bad_locations)}")
    for b in bad_locations[:10]:
        print("  bad location:", b)
    print(f"rendered templates: {templates_total}; mapped to template lines: {templates_total - unmapped_templates} (unmapped {unmapped_templates})")
    print(f"chart errors: {len(errors)}")
    for e in errors[:10]:
        print("  ", e)
    print(f"lint_chart per chart: median {statistics.median(times) * 1000:.1f} ms, p90 {sorted(times)[int(len(times) * 0.9)] * 1000:.1f} ms, "
          f"sum {sum(times):.2f} s (whole script {wall:.1f} s incl. the oracle)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
