"""What dockerlint recognises in the Python IaC corpus, and what it finds there.

Per framework: files, Kubernetes objects, workloads and containers (cdk8s, cdk8s-plus,
Pulumi Kubernetes, EKS manifests) and ECS containers (AWS CDK, AWS Batch, ecs_patterns,
Pulumi AWS/awsx); findings per rule with the default selection and with ALL; files detected
as IaC in which nothing was recognised; parse time. With --findings, every finding of the
chosen codes (for spot checks).
Usage: python bench/python_iac.py [--corpus DIR] [--findings CODES]
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "python-iac"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--findings", default="", help="comma-separated codes whose findings to list")
    args = parser.parse_args()
    if not args.corpus.is_dir():
        print(f"{args.corpus}: no such directory", file=sys.stderr)
        return 1

    from dockerlint.engine import lint_source
    from dockerlint.rulekit.k8s_model import workloads
    from dockerlint.model import FileKind, SourceText
    from dockerlint.parse.detect import detect_kind
    from dockerlint.parse.python.iac import parse_python
    from dockerlint.settings import Settings

    files = sorted(args.corpus.glob("*.py"))
    detected = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        if detect_kind(str(path), text) is FileKind.PYTHON:
            detected.append((path, text))

    files_per = Counter()
    objects = Counter()
    loads = Counter()
    containers = Counter()
    ecs = Counter()
    ecs_tasks = Counter()
    empty = []
    parse_time = 0.0
    for path, text in detected:
        start = time.perf_counter()
        model = parse_python(SourceText(text, str(path)))
        parse_time += time.perf_counter() - start
        seen = set(model.document_frameworks) | {c.framework for c in model.ecs_containers}
        for framework in seen:
            files_per[framework] += 1
        for framework in model.document_frameworks:
            objects[framework] += 1
        for doc, framework in zip(model, model.document_frameworks):
            for w in workloads([doc]):
                loads[framework] += 1
                containers[framework] += len(w.containers)
        for c in model.ecs_containers:
            ecs[c.framework] += 1
        for t in model.ecs_task_definitions:
            ecs_tasks[t.framework] += 1
        if not model and not model.ecs_containers:
            empty.append(path.name)

    print(f"corpus: {args.corpus} ({len(files)} .py files, {len(detected)} detected as IaC, "
          f"parsed in {parse_time:.2f}s)")
    print("\nKubernetes (documents synthesised from the program)")
    print(f"{'framework':<14}{'files':>7}{'objects':>9}{'workloads':>11}{'containers':>12}")
    for framework in sorted(objects):
        print(f"{framework:<14}{files_per[framework]:>7}{objects[framework]:>9}{loads[framework]:>11}{containers[framework]:>12}")
    print(f"{'total':<14}{'':>7}{sum(objects.values()):>9}{sum(loads.values()):>11}{sum(containers.values()):>12}")
    print("\nECS")
    print(f"{'framework':<14}{'files':>7}{'containers':>12}{'task defs':>11}")
    for framework in sorted(set(ecs) | set(ecs_tasks)):
        print(f"{framework:<14}{files_per[framework]:>7}{ecs[framework]:>12}{ecs_tasks[framework]:>11}")
    print(f"{'total':<14}{'':>7}{sum(ecs.values()):>12}{sum(ecs_tasks.values()):>11}")
    print(f"\ndetected, nothing recognised ({len(empty)}):")
    for name in empty:
        print(f"  {name}")

    wanted = {c.strip().upper() for c in args.findings.split(",") if c.strip()}
    for label, select in (("default selection", ["DEFAULT"]), ("ALL", ["ALL"])):
        per_rule = Counter()
        per_rule_files = Counter()
        start = time.perf_counter()
        listed = []
        for path, text in detected:
            result = lint_source(text, str(path), Settings(select=select))
            assert result.error is None, (path, result.error)
            codes = Counter(f.code for f in result.findings)
            per_rule.update(codes)
            per_rule_files.update(codes.keys())
            if label == "ALL":
                listed += [(path.name, f) for f in result.findings if f.code in wanted]
        elapsed = time.perf_counter() - start
        print(f"\nfindings per rule, {label} ({sum(per_rule.values())} in {elapsed:.1f}s)")
        for code, n in sorted(per_rule.items()):
            print(f"  {code}  {n:>4} in {per_rule_files[code]:>3} files")
    for name, f in listed:
        print(f"{f.code} {name}:{f.span.line}:{f.span.col} {f.message}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
