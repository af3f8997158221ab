"""Issue 16's measurements over ../shared/corpus with `fix --unsafe-fixes`.

For every corpus file (Dockerfiles, Kubernetes, Compose), fixed in-process with every rule
selected (SC excluded, as in tests/test_fix_corpus.py) and unsafe fixes on:

- (file, rule) pairs whose finding count grows from the original to the fixed text;
- containers given an effective `runAsNonRoot: true` by the fix without a non-root
  `runAsUser`, whose image the knowledge base does not know to run as non-root;
- privilege removals applied to host-access workloads (privileged: true turned off,
  SYS_ADMIN/SYS_MODULE dropped, allowPrivilegeEscalation turned off on a privileged
  container), judged by `host_access_reason` below, written independently of the rules;
- Compose services whose `network_mode: host` the fix removed and that end with no `ports:`;
- fixes applied and refused per rule, and findings per rule before and after.

    nice python bench/fix_safety.py --out /tmp/fix_safety.json      # whole corpus, 2 workers
    python bench/fix_safety.py --review 20 --seed 16                  # 20 random unsafe diffs

`--review N` picks N random (file, rule) pairs whose unsafe fix the engine applies and prints
each one's diff (that rule's fixes alone), for a person to judge.
"""
from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from fix_invariants import compose_checks, k8s_checks  # noqa: E402
CORPUS = Path(os.environ.get("DOCKERLINT_CORPUS", ROOT.parent / "shared" / "corpus"))
FOLDERS = {"dockerfiles": "dockerfile", "kubernetes": None, "compose": "compose"}


def _settings():
    from dockerlint.settings import Settings

    return Settings(select=["ALL"], ignore=["SC"])


def fix_one(job):
    from dockerlint.engine import lint_source
    from dockerlint.files import read_file
    from dockerlint.fix import fix_source
    from dockerlint.model import FileKind

    path, folder, kind_name = job
    kind = FileKind(kind_name) if kind_name else None
    settings = _settings()
    out = {"path": f"{folder}/{os.path.basename(path)}", "before": {}, "after": {}, "applied": {},
           "refused": {}, "grown": {}, "nonroot": [], "privilege": [], "host_network": [], "error": None}
    decoded, error = read_file(path)
    if decoded is None:
        out["error"] = "unreadable"
        return out
    text = decoded.text
    try:
        result = lint_source(text, path, settings, kind)
        outcome = fix_source(text, path, settings, kind, unsafe=True)
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    before = Counter(f.code for f in result.findings)
    after = Counter(f.code for f in outcome.findings) if outcome.text != text else before
    out["before"], out["after"] = dict(before), dict(after)
    out["applied"], out["refused"] = dict(outcome.applied), dict(outcome.refused)
    out["grown"] = {c: [before[c], n] for c, n in after.items() if n > before[c]}
    if outcome.text != text:
        if folder == "kubernetes":
            out["nonroot"], out["privilege"] = k8s_checks(text, outcome.text)
        elif folder == "compose":
            out["host_network"] = compose_checks(text, outcome.text)
    return out


def jobs():
    out = []
    for folder, kind in FOLDERS.items():
        for p in sorted((CORPUS / folder).iterdir()):
            if p.is_file():
                out.append((str(p), folder, kind, p.stat().st_size))
    out.sort(key=lambda j: -j[3])
    return [j[:3] for j in out]


def measure(out_path, workers):
    os.environ.setdefault("DOCKERLINT_SHELLCHECK", "/nonexistent/no-shellcheck")
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = list(pool.imap_unordered(fix_one, jobs(), chunksize=8))
    results.sort(key=lambda r: r["path"])
    Path(out_path).write_text(json.dumps(results, indent=0))
    summarise(results)


def summarise(results):
    total = lambda key: sum((Counter(r[key]) for r in results), Counter())
    before, after, applied, refused = total("before"), total("after"), total("applied"), total("refused")
    grown = [(r["path"], c, v) for r in results for c, v in r["grown"].items()]
    print(f"files {len(results)}, errors {sum(1 for r in results if r['error'])}")
    print(f"(file, rule) pairs whose count grows: {len(grown)}")
    for g in Counter(c for _p, c, _v in grown).most_common():
        print(f"  grown {g[0]}: {g[1]} files")
    print(f"runAsNonRoot without a non-root runAsUser (image not known non-root): {sum(len(r['nonroot']) for r in results)} containers")
    print(f"privilege removed on host-access workloads: {sum(len(r['privilege']) for r in results)}")
    print(f"network_mode: host removed, no ports left: {sum(len(r['host_network']) for r in results)}")
    print(f"fixes applied {sum(applied.values())}, refused {sum(refused.values())}")
    print("rule      before  after  applied refused")
    for code in sorted(set(before) | set(after) | set(applied) | set(refused)):
        print(f"{code:8} {before[code]:7} {after[code]:6} {applied[code]:8} {refused[code]:7}")


def review(count, seed):
    """Print `count` random unsafe fixes (one rule's fixes on one file) as diffs."""
    from dockerlint.engine import lint_source
    from dockerlint.files import read_file
    from dockerlint.fix import effective_applicability, fix_source
    from dockerlint.model import Applicability, FileKind

    settings = _settings()
    rng = random.Random(seed)
    all_jobs = jobs()
    rng.shuffle(all_jobs)
    shown = 0
    seen_rules = Counter()
    for path, folder, kind_name in all_jobs:
        if shown >= count:
            break
        kind = FileKind(kind_name) if kind_name else None
        decoded, _ = read_file(path)
        if decoded is None:
            continue
        result = lint_source(decoded.text, path, settings, kind)
        codes = sorted({f.code for f in result.findings if effective_applicability(f, settings) is Applicability.UNSAFE})
        if not codes:
            continue
        code = rng.choice(codes)
        if seen_rules[code] >= 3:  # spread the sample over the rules
            continue
        outcome = fix_source(decoded.text, path, settings, kind, unsafe=True, only={code})
        if outcome.text == decoded.text:
            continue
        seen_rules[code] += 1
        shown += 1
        name = f"{folder}/{os.path.basename(path)}"
        print(f"=== {shown}. {code} {name}")
        sys.stdout.writelines(difflib.unified_diff(decoded.text.splitlines(True), outcome.text.splitlines(True), f"a/{name}", f"b/{name}", n=4))
        print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/fix_safety.json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--review", type=int)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--summarise", metavar="JSON")
    args = parser.parse_args()
    if args.summarise:
        summarise(json.loads(Path(args.summarise).read_text()))
    elif args.review:
        review(args.review, args.seed)
    else:
        measure(args.out, args.workers)
