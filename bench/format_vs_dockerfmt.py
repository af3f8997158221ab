"""`dockerlint format` and dockerfmt side by side, in one run, on the shared corpus.

    python bench/format_vs_dockerfmt.py [--dockerfmt PATH] [--runs 3] [--limit N]

dockerfmt is a benchmark-only comparison, never a dependency: install it into a scratch
directory with `npm install @reteps/dockerfmt` (its package ships the native Go binary under
node_modules/@reteps/dockerfmt-<os>-<arch>/bin/dockerfmt) and pass that path.

Three sets of files: the corpus as it is, every file with CRLF line endings, and every file
that has no backtick rewritten with `# escape=\\`` (continuation backslashes become backticks).

* Time: each tool formats the plain set in place in one batch process (`dockerlint format DIR`,
  `dockerfmt -w -n FILE...`), on a fresh copy each run; best and median of --runs.
* Meaning: each file formatted on its own (dockerfmt once per file through stdin-less `FILE`
  output; dockerlint in-process, as the CLI does) and read by BuildKit's parser before and
  after (tests/format_oracle.py: same instructions, flags, heredocs and values, shell programs
  compared word by word). Counted per tool: files changed, failures, meaning changes (and
  output BuildKit rejects), CRLF lost, comment lines lost, not idempotent.
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
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import dockerfile  # noqa: E402

from dockerlint.format import format_text  # noqa: E402
from dockerlint.parse.dockerfile import parse_dockerfile  # noqa: E402
from format_oracle import backtick_variant, buildkit_view  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def file_sets(limit: int | None) -> dict[str, list[tuple[str, str]]]:
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())[:limit]
    plain = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    crlf = [(n, t.replace("\r\n", "\n").replace("\n", "\r\n")) for n, t in plain]
    escape = [(n, v) for n, t in plain if (v := backtick_variant(t)) is not None]
    return {"corpus": plain, "CRLF": crlf, "escape=`": escape}


def lay_out(root: Path, files: list[tuple[str, str]]) -> list[Path]:
    """One directory per file, the file named Dockerfile (corpus names are not all Dockerfile names)."""
    paths = []
    for index, (_name, text) in enumerate(files):
        d = root / f"{index:05d}"
        d.mkdir(parents=True)
        p = d / "Dockerfile"
        p.write_bytes(text.encode("utf-8"))
        paths.append(p)
    return paths


def time_batch(command, files, runs: int) -> list[tuple[float, float]]:
    """(wall seconds, CPU seconds of the process and its children) per run."""
    import resource

    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            paths = lay_out(Path(tmp), files)
            argv = command(Path(tmp), paths)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            times.append((wall, cpu))
    return times


def ours(text: str) -> tuple[str | None, str | None]:
    result = format_text(text)
    return (result.text, None) if result.error is None else (None, result.error)


def dockerfmt_one(binary: str):
    def run(text: str) -> tuple[str | None, str | None]:
        with tempfile.TemporaryDirectory() as tmp:
            p = Path(tmp) / "Dockerfile"
            p.write_bytes(text.encode("utf-8"))
            proc = subprocess.run([binary, "-n", str(p)], capture_output=True, timeout=60)
        if proc.returncode != 0:
            return None, (proc.stderr.decode("utf-8", "replace").strip().splitlines() or ["exit %d" % proc.returncode])[-1]
        return proc.stdout.decode("utf-8", "surrogateescape"), None

    return run


def comments(text: str) -> list[str] | None:
    try:
        return [c.text for c in parse_dockerfile(text).comments]
    except Exception:
        return None


HARMLESS = "exec form of COPY/ADD/VOLUME written as shell form, same values"


def difference(before: list[tuple], after: list[tuple]) -> str:
    """What changed first, as a category."""
    if len(before) != len(after):
        return "instructions added or lost"
    categories = []
    for old, new in zip(before, after):
        if old == new:
            continue
        cmd, kind, is_json, flags, value, heredocs = old
        if (cmd, kind) != new[:2]:
            return "instruction changed"
        if flags != new[3]:
            return "flags changed"
        if heredocs != new[5]:
            return "heredoc changed"
        if is_json != new[2] and value == new[4] and kind in ("COPY", "ADD", "VOLUME"):
            categories.append(HARMLESS)
            continue
        if is_json != new[2]:
            return "exec form changed to shell form or back"
        if kind in ("RUN", "CMD", "ENTRYPOINT", "SHELL", "HEALTHCHECK"):
            return "shell program words changed"
        return "arguments changed"
    return categories[0] if categories else "unknown"


def judge(formatter, files) -> Counter:
    counts: Counter = Counter()
    examples: dict[str, str] = {}
    failed_names: set[str] = set()
    for name, text in files:
        try:
            before = buildkit_view(text)
        except dockerfile.GoParseError:
            counts["skipped: BuildKit rejects the original"] += 1
            continue
        counts["files"] += 1
        out, error = formatter(text)
        if error is not None:
            counts["failed"] += 1
            failed_names.add(name)
            examples.setdefault("failed", f"{name}: {error}")
            continue
        if out != text:
            counts["changed"] += 1
        try:
            after = buildkit_view(out)
        except dockerfile.GoParseError as exc:
            counts["meaning changed"] += 1
            counts["  beyond harmless rewrites"] += 1
            counts["  of which: output BuildKit rejects"] += 1
            examples.setdefault("rejected", f"{name}: {exc}")
        else:
            if after != before:
                counts["meaning changed"] += 1
                what = difference(before, after)
                counts[f"  {what}"] += 1
                if what != HARMLESS:
                    counts["  beyond harmless rewrites"] += 1
                examples.setdefault(what, name)
        if "\r\n" in text and out.count("\r\n") != out.count("\n"):
            counts["CRLF lost"] += 1
        if comments(text) is not None and comments(out) != comments(text):
            counts["comment lines changed or lost"] += 1
        again, _ = formatter(out)
        if again is not None and again != out:
            counts["not idempotent"] += 1
    counts.examples = examples  # type: ignore[attr-defined]
    counts.failed_names = failed_names  # type: ignore[attr-defined]
    return counts


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dockerfmt", required=True, help="path to the dockerfmt binary")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--limit", type=int)
    args = ap.parse_args()
    sets = file_sets(args.limit)
    version = subprocess.run([args.dockerfmt, "version"], capture_output=True, text=True).stdout.strip()
    print(f"# {len(sets['corpus'])} corpus files; {version}; dockerlint at {REPO}\n")
    rows = {}
    for set_name, files in sets.items():
        rows[("dockerlint", set_name)] = judge(ours, files)
        rows[("dockerfmt", set_name)] = judge(dockerfmt_one(args.dockerfmt), files)
    # dockerfmt stops a batch at the first file it fails on: time both tools on the files it
    # formats, and dockerlint on the whole corpus too.
    failed = rows[("dockerfmt", "corpus")].failed_names
    subset = [f for f in sets["corpus"] if f[0] not in failed]
    ours_cmd = lambda root, paths: [sys.executable, "-m", "dockerlint", "format", "--isolated", str(root)]  # noqa: E731
    ours_1 = lambda root, paths: ours_cmd(root, paths) + ["--jobs", "1"]  # noqa: E731
    theirs_cmd = lambda root, paths: [args.dockerfmt, "-w", "-n", *map(str, paths)]  # noqa: E731
    print("load average before the timings: %.2f %.2f %.2f" % os.getloadavg())
    timings = [
        (f"dockerfmt -w -n, the {len(subset)} files it formats", time_batch(theirs_cmd, subset, args.runs)),
        (f"dockerlint format, the same {len(subset)} files", time_batch(ours_cmd, subset, args.runs)),
        (f"dockerlint format --jobs 1, the same {len(subset)} files", time_batch(ours_1, subset, args.runs)),
        (f"dockerlint format, all {len(sets['corpus'])} files", time_batch(ours_cmd, sets["corpus"], args.runs)),
    ]
    print("load average after the timings: %.2f %.2f %.2f\n" % os.getloadavg())
    print("| batch run, in place, one process | wall best | wall median | CPU best |\n|---|---|---|---|")
    for label, runs in timings:
        walls = [w for w, _ in runs]
        print(f"| {label} | {min(walls):.2f} s | {statistics.median(walls):.2f} s | {min(c for _, c in runs):.2f} s |")
    print()
    keys = ["files", "changed", "failed", "meaning changed", "  beyond harmless rewrites",
            "  of which: output BuildKit rejects", "  instructions added or lost", "  instruction changed",
            "  flags changed", "  heredoc changed", "  exec form changed to shell form or back",
            "  shell program words changed", "  arguments changed", f"  {HARMLESS}",
            "CRLF lost", "comment lines changed or lost", "not idempotent", "skipped: BuildKit rejects the original"]
    header = [f"{tool} {s}" for s in sets for tool in ("dockerlint", "dockerfmt")]
    print("| | " + " | ".join(header) + " |")
    print("|---" * (len(header) + 1) + "|")
    for key in keys:
        cells = [str(rows[(tool, s)][key]) for s in sets for tool in ("dockerlint", "dockerfmt")]
        label = key.strip() if not key.startswith("  ") else "&nbsp;&nbsp;" + key.strip()
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    for (tool, s), counts in rows.items():
        for what, example in counts.examples.items():
            print(f"- {tool} {s} {what}, e.g. {example}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
