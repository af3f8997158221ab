"""Run each atheris target for N minutes; print iterations and crashes per target.

    python bench/fuzz_long.py                      # every target, 5 minutes each, one at a time
    python bench/fuzz_long.py --minutes 30 --targets dockerfile,fix --jobs 2

Seeds come from fuzz/build_seeds.py (built first when fuzz/seeds/ is missing). Each target's
growing corpus is kept in fuzz/corpus/<target>/ between runs. libFuzzer stops at the first
crash; the runner then starts the target again (the corpus keeps what was learnt) until its time
is up, so one run can find several crashes. Crash, timeout and out-of-memory inputs are saved in
fuzz/crashes/<target>/; reproduce one with `python fuzz/fuzz_<target>.py <file>`.
Exit status 1 when any target crashed.
"""
from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FUZZ = ROOT / "fuzz"
TARGETS = ("dockerfile", "yaml", "shell", "pragmas", "config", "fix")
MAX_LEN = {"fix": 4096}  # bytes; a fix run re-lints the file several times
DEFAULT_MAX_LEN = 16384
PER_INPUT_TIMEOUT = 30  # seconds before libFuzzer reports a timeout-* input
RSS_LIMIT_MB = 2048


def fuzz_command(target: str, seconds: int, corpus: Path, seeds: Path, artifacts: Path, *, runs: int | None = None) -> list[str]:
    cmd = [
        sys.executable, str(FUZZ / f"fuzz_{target}.py"), str(corpus), str(seeds),
        f"-max_total_time={max(1, seconds)}",
        f"-max_len={MAX_LEN.get(target, DEFAULT_MAX_LEN)}",
        f"-timeout={PER_INPUT_TIMEOUT}",
        f"-rss_limit_mb={RSS_LIMIT_MB}",
        f"-artifact_prefix={artifacts}/",
        "-print_final_stats=1",
    ]
    if runs is not None:
        cmd.append(f"-runs={runs}")
    return cmd


def executed_units(log: str) -> int:
    """Iterations of one libFuzzer process: its final stats, else the last `#N` status line."""
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", log)
    if m:
        return int(m.group(1))
    counts = re.findall(r"^#(\d+)\s", log, re.M)
    return int(counts[-1]) if counts else 0


def run_target(target: str, minutes: float, *, quiet: bool = False) -> dict:
    corpus = FUZZ / "corpus" / target
    artifacts = FUZZ / "crashes" / target
    corpus.mkdir(parents=True, exist_ok=True)
    artifacts.mkdir(parents=True, exist_ok=True)
    before = set(artifacts.iterdir())
    deadline = time.monotonic() + minutes * 60
    iterations = restarts = 0
    while True:
        left = int(deadline - time.monotonic())
        if left < 5:
            break
        proc = subprocess.run(
            fuzz_command(target, left, corpus, FUZZ / "seeds" / target, artifacts),
            cwd=ROOT, capture_output=True, text=True, errors="replace",
        )
        log = proc.stdout + proc.stderr
        iterations += executed_units(log)
        if proc.returncode == 0:
            break
        restarts += 1
        if not quiet:
            found = re.findall(r"Test unit written to (\S+)", log)
            tail = "\n".join(log.strip().splitlines()[-25:])
            print(f"[{target}] exit {proc.returncode}; saved {found}\n{tail}\n", flush=True)
        if restarts > 50:
            break  # something crashes at start-up: no point going on
    crashes = sorted(p.name for p in set(artifacts.iterdir()) - before)
    return {"target": target, "iterations": iterations, "crashes": crashes, "restarts": restarts}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="per target (default 5)")
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="targets run at the same time (default 1)")
    args = parser.parse_args(argv)
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed: pip install -e '.[fuzz]'", file=sys.stderr)
        return 2
    if not (FUZZ / "seeds").is_dir():
        subprocess.run([sys.executable, str(FUZZ / "build_seeds.py")], check=True, cwd=ROOT)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda t: run_target(t, args.minutes), targets))
    print(f"\n{'target':12} {'minutes':>8} {'iterations':>11} {'crashes':>8}")
    for r in results:
        print(f"{r['target']:12} {args.minutes:8.1f} {r['iterations']:11} {len(r['crashes']):8}  {' '.join(r['crashes'])}")
    return 1 if any(r["crashes"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
