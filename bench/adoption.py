"""What adopting dockerlint on a big repository costs, side by side in one run (issue 22).

- cold start: one small Dockerfile, `python -c pass` as the floor, median and range of N runs;
- the whole corpus cold (fresh cache) and warm (the same tree again, from the cache);
- worker processes: the Dockerfile corpus at -j1 and -j2 (cache off);
- the peers on the same files at several corpus sizes, the two tools' runs taking turns:
  hadolint on Dockerfiles, Checkov on Kubernetes manifests (give its executable with --checkov;
  it is not a dependency);
- which dockerlint it measured: this checkout (an editable install) or an installed copy.
Usage: python bench/adoption.py [--runs N] [--checkov PATH] [--sizes 100,500,1000,all] [--repeat N] [--out FILE.md]
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
ENV = {k: v for k, v in os.environ.items() if k not in ("DOCKERLINT_NO_CACHE", "PYTHONDONTWRITEBYTECODE")}


def run(cmd, cwd=None) -> float:
    """Seconds one run of `cmd` took; a run that failed (exit status past 1: 0 and 1 are "no
    findings" and "findings") stops the bench rather than giving the time of its failure."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    took = time.perf_counter() - start
    if done.returncode not in (0, 1):
        sys.exit(f"failed (exit {done.returncode}): {' '.join(map(str, cmd[:6]))} ...\n{done.stderr.decode(errors='replace')[-2000:]}")
    return took


def best_pair(times: int, ours, theirs) -> tuple[float, float]:
    """Best of `times` runs of each tool, their runs taking turns: on a host whose speed drifts
    (a shared virtual machine's does, by a tenth and more within a minute), both see the same
    stretch of it, where one tool's runs and then the other's could each meet a different one."""
    mine, peer = [], []
    for _ in range(times):
        mine.append(run(ours))
        peer.append(run(theirs))
    return min(mine), min(peer)


def installed() -> str:
    """Which dockerlint the runs measure: this checkout (an editable install, whose import
    finder adds to every start) or an installed copy (as `pip install .` leaves it)."""
    found = subprocess.run([sys.executable, "-c", "import dockerlint, os; print(dockerlint.__version__, os.path.dirname(dockerlint.__file__))"],
                           capture_output=True, text=True, env=ENV).stdout.split()
    if len(found) != 2:
        return "dockerlint: not importable by this interpreter"
    version, where = found
    kind = "this checkout (editable install)" if Path(where).resolve().parent == REPO else "an installed copy"
    return f"dockerlint {version} from {where}: {kind}"


def dockerlint(*args) -> list[str]:
    return [sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-progress", "--format", "json", *args]


def cold_start(runs: int, tmp: Path) -> dict:
    (tmp / "Dockerfile").write_text("FROM alpine:3.20\nRUN echo hi\nUSER 1000\n")
    floor = [run([sys.executable, "-c", "pass"]) for _ in range(runs)]
    entry = shutil.which("dockerlint") or sys.executable
    cmd = [entry, "check", "Dockerfile", "--no-cache"] if entry != sys.executable else dockerlint("Dockerfile", "--no-cache")
    ours = [run(cmd, cwd=tmp) for _ in range(runs)]
    # as a user's first run: the cache on and empty (its code identity and pack are made), then again
    with_cache = cmd[: cmd.index("--no-cache")] + cmd[cmd.index("--no-cache") + 1 :]
    first, again = [], []
    for _ in range(runs):
        shutil.rmtree(tmp / ".dockerlint_cache", ignore_errors=True)
        first.append(run(with_cache, cwd=tmp))
        again.append(run(with_cache, cwd=tmp))
    hadolint = shutil.which("hadolint")
    theirs = [run([hadolint, "Dockerfile"], cwd=tmp) for _ in range(runs)] if hadolint else []
    ms = lambda xs: (f"{statistics.median(xs) * 1000:.0f} ms (range {min(xs) * 1000:.0f}-{max(xs) * 1000:.0f})" if xs else "n/a")
    return {"python -c pass": ms(floor), "dockerlint, one Dockerfile (--no-cache)": ms(ours),
            "dockerlint, one Dockerfile, cache on and empty": ms(first), "dockerlint, the same again (cached)": ms(again),
            "hadolint, same file": ms(theirs)}


def cold_warm(files: list[Path], tmp: Path, name: str, rounds: int) -> dict:
    """Median of `rounds` pairs: a run with an empty cache, then the same run again."""
    work = tmp / name
    work.mkdir()
    for f in files:
        shutil.copyfile(f, work / f.name)
    # The files of a real tree were written long before a run. A file written less than 3 s
    # before it is read is read again by every cached run (the cache's stamps wait until a
    # write cannot share the timestamp tick of the next one): wait for the copies to settle.
    time.sleep(3.5)
    args = [f.name for f in files]
    colds, warms = [], []
    for _ in range(rounds):
        shutil.rmtree(work / ".dockerlint_cache", ignore_errors=True)
        colds.append(run(dockerlint(*args), cwd=work))
        warms.append(run(dockerlint(*args), cwd=work))
    cold, warm = statistics.median(colds), statistics.median(warms)
    return {"files": len(files), "cold_s": round(cold, 2), "warm_s": round(warm, 2), "ratio": round(cold / warm, 1)}


def sizes_of(spec: str, total: int) -> list[int]:
    out = []
    for s in spec.split(","):
        n = total if s == "all" else min(int(s), total)
        if n not in out:
            out.append(n)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--checkov", help="Checkov's executable (a separate venv)")
    ap.add_argument("--sizes", default="100,500,1000,all")
    ap.add_argument("--repeat", type=int, default=3, help="best of N for both tools below the whole corpus (default 3)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    dockerfiles = sorted(p for p in (CORPUS / "dockerfiles").iterdir() if p.is_file() and p.name != "SOURCES.tsv")
    manifests = sorted(p for p in (CORPUS / "kubernetes").iterdir() if p.suffix in (".yaml", ".yml"))
    lines = ["# Adoption: cold start, cache, workers, peers (bench/adoption.py)", "",
             f"Machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start.", ""]
    home = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # Every run starts in the temporary directory (the files are named by absolute paths):
        # from this checkout's root, `python -m dockerlint` would import the checkout's source
        # instead of the installed copy being measured.
        os.chdir(tmp)
        lines[-1:-1] = ["", installed() + "."]
        lines += ["## Cold start", "", "| what | median (range) |", "|---|---|"]
        for what, figure in cold_start(args.runs, tmp).items():
            lines.append(f"| {what} | {figure} |")
        lines += ["", "## Cold and warm (cached) runs over the corpus", "", f"| corpus | files | cold s (median of {args.repeat}) | warm s (median of {args.repeat}) | cold / warm |", "|---|---|---|---|---|"]
        for name, files in (("dockerfiles", dockerfiles), ("kubernetes", manifests)):
            r = cold_warm(files, tmp, name, args.repeat)
            lines.append(f"| {name} | {r['files']} | {r['cold_s']} | {r['warm_s']} | {r['ratio']}x |")
        lines += ["", "## Worker processes (Dockerfile corpus, cache off)", "", "| workers | s |", "|---|---|"]
        for jobs in (1, 2):
            lines.append(f"| {jobs} | {run(dockerlint('--no-cache', '-j', str(jobs), *map(str, dockerfiles))):.2f} |")
        lines += ["", "## Against the peers at several corpus sizes (cache off)", "",
                  "| corpus | files | dockerlint s | peer | peer s | ratio |", "|---|---|---|---|---|---|"]
        hadolint = shutil.which("hadolint")
        for n in sizes_of(args.sizes, len(dockerfiles)):
            subset = list(map(str, dockerfiles[:n]))
            times = args.repeat if n < len(dockerfiles) else 1
            if hadolint:
                ours, theirs = best_pair(times, dockerlint("--no-cache", *subset), [hadolint, "--no-fail", "-f", "json", *subset])
                lines.append(f"| dockerfiles | {n} | {ours:.2f} | hadolint | {theirs:.2f} | {theirs / ours:.1f}x |")
        if args.checkov:
            for n in sizes_of(args.sizes, len(manifests)):
                work = tmp / f"k8s-{n}"
                work.mkdir()
                for f in manifests[:n]:
                    shutil.copyfile(f, work / f.name)
                times = args.repeat if n < len(manifests) else 1
                ours, theirs = best_pair(times, dockerlint("--no-cache", str(work)),
                                         [args.checkov, "-d", str(work), "--framework", "kubernetes", "-o", "json", "--quiet", "--skip-download", "--compact"])
                lines.append(f"| kubernetes | {n} | {ours:.2f} | checkov | {theirs:.2f} | {theirs / ours:.1f}x |")
        os.chdir(home)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
