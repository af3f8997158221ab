"""Lint the Kubernetes (and Compose) corpus with dockerlint and Checkov side by side.

Reports wall time, CPU time and peak memory (max RSS) of each tool on the same files in the
same run. Checkov is optional: give its executable with --checkov (a separate venv is best:
`python -m venv /tmp/ck && /tmp/ck/bin/pip install checkov`), otherwise only dockerlint runs.
Usage: python bench/k8s_corpus.py [--checkov PATH] [--out FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"


def measured(cmd: list[str], cwd=None) -> dict:
    # A fresh Python measures each tool alone: its RUSAGE_CHILDREN delta is that tool's.
    code = (
        "import json,resource,subprocess,sys,time\n"
        "t=time.perf_counter()\n"
        f"p=subprocess.run({cmd!r},capture_output=True,text=True,cwd={str(cwd) if cwd else None!r})\n"
        "w=time.perf_counter()-t\n"
        "u=resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'wall_s':round(w,2),'cpu_s':round(u.ru_utime+u.ru_stime,2),'max_rss_mb':round(u.ru_maxrss/1024,1),'rc':p.returncode,'out_len':len(p.stdout),'err_tail':p.stderr[-500:]}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return json.loads(proc.stdout)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checkov", help="path to the checkov executable")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--jobs", type=int, default=None)
    args = ap.parse_args()
    k8s = CORPUS / "kubernetes"
    compose = CORPUS / "compose"
    figures: dict = {}
    jobs = ["--jobs", str(args.jobs)] if args.jobs else []
    ours = [sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-progress", "--no-cache", "--format", "json", *jobs, str(k8s)]
    figures["dockerlint_kubernetes"] = measured(ours, cwd=REPO)
    print("dockerlint, kubernetes corpus:", figures["dockerlint_kubernetes"])
    figures["dockerlint_compose"] = measured(
        [sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-progress", "--no-cache", "--format", "json", *jobs, str(compose)], cwd=REPO
    )
    print("dockerlint, compose corpus:", figures["dockerlint_compose"])
    if args.checkov:
        ck = [args.checkov, "-d", str(k8s), "--framework", "kubernetes", "-o", "json", "--quiet", "--skip-download", "--compact"]
        figures["checkov_kubernetes"] = measured(ck)
        print("checkov, kubernetes corpus:", figures["checkov_kubernetes"])
        ratio = figures["checkov_kubernetes"]["wall_s"] / figures["dockerlint_kubernetes"]["wall_s"]
        figures["speedup_wall"] = round(ratio, 1)
        print(f"dockerlint is {ratio:.1f}x faster (wall); memory {figures['dockerlint_kubernetes']['max_rss_mb']} MB vs {figures['checkov_kubernetes']['max_rss_mb']} MB")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
