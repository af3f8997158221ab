"""Latency of `dockerlint lsp`: from a didChange to the publishDiagnostics of that version.

The server runs with `--debounce 0`, so the figures are processing time plus the JSON-RPC round
trip over stdio (not the 150 ms an editor waits after the last keystroke). Inputs are generated:
a 300-line multi-stage Dockerfile and a 1,000-line multi-document Kubernetes manifest; each of
~50 edits changes one line near the middle. Default rules, no config file.

    python bench/lsp_latency.py [--edits 50] [--out bench/lsp_latency.md]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]


def dockerfile(lines: int = 300) -> str:
    out = ["# syntax=docker/dockerfile:1", "ARG PYTHON=3.12", ""]
    stage = 0
    while len(out) < lines - 8:
        out += [
            f"FROM python:${{PYTHON}}-slim AS stage{stage}",
            "WORKDIR /app",
            f"ENV APP_HOME=/app STAGE={stage}",
            "RUN apt-get update \\",
            "    && apt-get install -y --no-install-recommends curl=8.5.0-2 ca-certificates \\",
            "    && rm -rf /var/lib/apt/lists/*",
            f"COPY requirements{stage}.txt ./",
            f"RUN pip install --no-cache-dir -r requirements{stage}.txt",
            "RUN useradd --create-home app",
            f"LABEL org.opencontainers.image.version=\"1.{stage}.0\"",
            "MAINTAINER someone@example.com",
            "RUN cd /tmp && wget https://example.com/x.tgz && tar xzf x.tgz",
            "",
        ]
        stage += 1
    out += ["FROM python:3.12", "COPY --from=stage0 /app /app", "USER app", 'CMD ["python", "-m", "app"]']
    while len(out) < lines:
        out.append(f"# padding {len(out)}")
    return "\n".join(out[:lines]) + "\n"


def manifest(lines: int = 1000) -> str:
    out: list[str] = []
    n = 0
    while len(out) < lines:
        out += [
            "---",
            "apiVersion: apps/v1",
            "kind: Deployment",
            "metadata:",
            f"  name: app-{n}",
            "  labels:",
            f"    app: app-{n}",
            "spec:",
            "  replicas: 2",
            "  selector:",
            "    matchLabels:",
            f"      app: app-{n}",
            "  template:",
            "    metadata:",
            "      labels:",
            f"        app: app-{n}",
            "    spec:",
            "      containers:",
            "        - name: web",
            f"          image: registry.example.com/app-{n}:latest",
            "          ports:",
            "            - containerPort: 8080",
            "          securityContext:",
            "            privileged: true",
            "          resources:",
            "            limits: {cpu: 500m, memory: 256Mi}",
            "---",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            f"  name: app-{n}",
            "spec:",
            f"  selector: {{app: app-{n}}}",
            "  ports:",
            "    - port: 80",
            "      targetPort: 8080",
        ]
        n += 1
    return "\n".join(out[:lines]) + "\n"


def edit(text: str, i: int, kind: str) -> str:
    """Change one line near the middle, a different value each time."""
    lines = text.split("\n")
    middle = len(lines) // 2
    index = next(j for j in range(middle, len(lines)) if ("ENV APP_HOME" in lines[j] if kind == "dockerfile" else "replicas:" in lines[j]))
    lines[index] = f"ENV APP_HOME=/app STAGE=edit{i}" if kind == "dockerfile" else f"  replicas: {i + 3}"
    return "\n".join(lines)


async def measure(name: str, text: str, kind: str, edits: int, workdir: Path) -> dict:
    client = LanguageClient("lsp-latency-bench", "1")
    waiting: dict[tuple[str, int], asyncio.Future] = {}
    counts: dict[int, int] = {}

    @client.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: lsp.PublishDiagnosticsParams):
        counts[params.version] = len(params.diagnostics)
        future = waiting.pop((params.uri, params.version), None)
        if future is not None and not future.done():
            future.set_result(time.perf_counter())

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    await client.start_io(sys.executable, "-m", "dockerlint", "lsp", "--debounce", "0", env=env, cwd=str(workdir))
    await client.initialize_async(lsp.InitializeParams(capabilities=lsp.ClientCapabilities(), root_uri=workdir.as_uri()))
    client.initialized(lsp.InitializedParams())
    path = workdir / name
    path.write_text(text)
    uri = path.as_uri()
    loop = asyncio.get_running_loop()

    async def send(version: int, body: str, opening: bool) -> float:
        future = loop.create_future()
        waiting[(uri, version)] = future
        start = time.perf_counter()
        if opening:
            client.text_document_did_open(lsp.DidOpenTextDocumentParams(lsp.TextDocumentItem(uri, "dockerfile" if kind == "dockerfile" else "yaml", version, body)))
        else:
            client.text_document_did_change(
                lsp.DidChangeTextDocumentParams(
                    lsp.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    [lsp.TextDocumentContentChangeWholeDocument(text=body)],
                )
            )
        end = await asyncio.wait_for(future, 30)
        return (end - start) * 1000

    first = await send(1, text, True)  # includes loading the rules: reported apart
    timings = [await send(v, edit(text, v, kind), False) for v in range(2, edits + 2)]
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    timings.sort()
    return {
        "name": name,
        "lines": text.count("\n"),
        "findings": counts.get(edits + 1, 0),
        "open_ms": first,
        "median_ms": statistics.median(timings),
        "p95_ms": timings[max(0, int(round(0.95 * len(timings))) - 1)],
        "max_ms": timings[-1],
        "edits": len(timings),
    }


def processing(name: str, text: str, kind: str, edits: int, workdir: Path) -> dict:
    """The server's own work per edit, in process: lint, convert to LSP diagnostics, serialize.
    Thread CPU time, so other load on the machine does not inflate it."""
    import gc
    import json

    from pygls.protocol import default_converter

    from dockerlint.lsp.config import ConfigCache
    from dockerlint.lsp.features import analyze

    converter = default_converter()
    configs = ConfigCache(str(workdir))
    uri = (workdir / name).as_uri()
    previous = analyze(uri, 1, text, None, configs).kind
    gc.collect()
    gc.freeze()  # as `dockerlint lsp` does once the rules are loaded
    timings = []
    for version in range(2, edits + 2):
        body = edit(text, version, kind)
        start = time.thread_time()
        snapshot = analyze(uri, version, body, None, configs, "utf-16", previous)
        params = lsp.PublishDiagnosticsParams(uri=uri, diagnostics=snapshot.diagnostics, version=version)
        json.dumps(converter.unstructure(params))
        timings.append((time.thread_time() - start) * 1000)
    timings.sort()
    return {"cpu_median_ms": statistics.median(timings), "cpu_p95_ms": timings[max(0, int(round(0.95 * len(timings))) - 1)]}


async def main_async(edits: int) -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        results = []
        for name, text, kind in (("Dockerfile", dockerfile(300), "dockerfile"), ("manifests.yaml", manifest(1000), "kubernetes")):
            result = await measure(name, text, kind, edits, workdir)
            result.update(processing(name, text, kind, edits, workdir))
            results.append(result)
        return results


def report(results: list[dict], edits: int) -> str:
    rows = "\n".join(
        f"| {r['name']} | {r['lines']} | {r['findings']} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} "
        f"| {r['cpu_median_ms']:.1f} | {r['cpu_p95_ms']:.1f} | {r['open_ms']:.0f} |"
        for r in results
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return f"""# `dockerlint lsp` latency

`python bench/lsp_latency.py --edits {edits}`: time from sending `textDocument/didChange` (full
text) to receiving `publishDiagnostics` for that version, over stdio, with `--debounce 0` (an
editor adds the 150 ms debounce after the last keystroke). Default rules, no config file; each
edit changes one line near the middle of the file. Python {platform.python_version()},
{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f} when the run ended.

| file | lines | findings | median ms | p95 ms | max ms | CPU median ms | CPU p95 ms | didOpen ms (cold) |
|---|---:|---:|---:|---:|---:|---:|---:|---:|
{rows}

*median / p95 / max*: wall time per edit, client to client. *CPU*: the server's own work per
edit measured in process as thread CPU time (lint, conversion to LSP diagnostics with UTF-16
columns, JSON serialization), which other load on the machine does not inflate. The didOpen
figure includes importing and registering every rule on first use. Target: median under 30 ms
per edit.
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--out", default=str(ROOT / "bench" / "lsp_latency.md"))
    args = parser.parse_args()
    results = asyncio.run(main_async(args.edits))
    text = report(results, args.edits)
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
