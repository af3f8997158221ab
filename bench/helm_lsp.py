"""`dockerlint lsp` on a Helm chart: from a didChange of values.yaml to the publishDiagnostics of
that version (the chart re-rendered with the unsaved values, linted, mapped back), over stdio
with `--debounce 0`; plus the same work in process (thread CPU time).

The chart is the corpus chart of median template size (a typical chart); each edit changes
`replicaCount` (or appends a comment line when it has none).

    python bench/helm_lsp.py [--edits 30]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "helm"


def typical_chart() -> Path:
    sizes = []
    for chart in sorted(p for p in CORPUS.iterdir() if (p / "Chart.yaml").is_file() and (p / "values.yaml").is_file()):
        size = sum(f.stat().st_size for f in (chart / "templates").rglob("*") if f.is_file()) if (chart / "templates").is_dir() else 0
        sizes.append((size, chart.name))
    sizes.sort()
    return CORPUS / sizes[len(sizes) // 2][1]


def edit(text: str, i: int) -> str:
    lines = text.split("\n")
    for j, line in enumerate(lines):
        if line.startswith("replicaCount:"):
            lines[j] = f"replicaCount: {i % 5 + 1}"
            return "\n".join(lines)
    return text + f"\n# edit {i}\n"


async def measure(chart: Path, edits: int) -> dict:
    client = LanguageClient("helm-lsp-bench", "1")
    waiting: dict[tuple[str, int], asyncio.Future] = {}
    counts: dict[int, int] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams):
        counts[params.version] = len(params.diagnostics)
        future = waiting.pop((params.uri, params.version), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "dockerlint", "lsp", "--debounce", "0", env=env, cwd=str(chart))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=chart.as_uri()))
    client.initialized(lsp.InitializedParams())
    values = chart / "values.yaml"
    uri, text = values.as_uri(), values.read_text()
    loop = asyncio.get_running_loop()

    async def send(version: int, body: str, opening: bool) -> float:
        future = loop.create_future()
        waiting[(uri, version)] = future
        start = time.perf_counter()
        if opening:
            client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "yaml", version, body)))
        else:
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(lsp.VersionedTextDocumentIdentifier(uri=uri, version=version), [lsp.TextDocumentContentChangeWholeDocument(text=body)])
            )
        end = await asyncio.wait_for(future, 60)
        return (end - start) * 1000

    first = await send(1, text, True)
    timings = sorted([await send(v, edit(text, v), False) for v in range(2, edits + 2)])
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return {"open_ms": first, "median_ms": statistics.median(timings), "p95_ms": timings[max(0, int(round(0.95 * len(timings))) - 1)], "diagnostics": counts.get(edits + 1, 0)}


def processing(chart: Path, edits: int) -> dict:
    from dockerlint.lsp.config import ConfigCache
    from dockerlint.lsp.features import analyze

    values = chart / "values.yaml"
    uri, text = values.as_uri(), values.read_text()
    configs = ConfigCache(str(chart))
    analyze(uri, 1, text, "yaml", configs)
    timings = []
    for v in range(2, edits + 2):
        start = time.thread_time()
        analyze(uri, v, edit(text, v), "yaml", configs).diagnostics
        timings.append((time.thread_time() - start) * 1000)
    return {"cpu_median_ms": statistics.median(timings)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--edits", type=int, default=30)
    args = parser.parse_args()
    chart = typical_chart()
    result = asyncio.run(measure(chart, args.edits))
    result.update(processing(chart, args.edits))
    print(f"chart {chart.name} (median template size of the corpus): open {result['open_ms']:.0f} ms; "
          f"didChange(values.yaml) -> diagnostics median {result['median_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms "
          f"({result['diagnostics']} diagnostics); in-process CPU median {result['cpu_median_ms']:.1f} ms; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
