"""Schema validation (KS100-KS104) over ../shared/corpus/kubernetes: throughput and agreement.

    nice python bench/schema_validation.py [--version 1.37] [--repeat 3] [--kv-sample 400] [--out FILE]
    nice python bench/schema_validation.py --cli-only [--cli-rounds 5]   # only 5. below


All in one process on one core, CPU time (time.process_time), files already in memory:
1. documents/second with only the schema rules selected (parse included), and the
   validation alone (parse subtracted);
2. the whole default rule set before (without KS100-KS104) and after;
3. kubernetes-validate 1.37 strict, the oracle: as shipped on a sample (it re-reads its 1.8 MB
   definitions file on every call), and with its schema loading memoised on every document;
4. agreement with kubernetes-validate strict on which documents are invalid, and why, with
   every class of difference counted and an example of each (bench/schema_validation.md
   judges them);
5. the command line on the whole corpus directory, as a user runs it (CRDs of the tree
   included): `dockerlint check CORPUS -j 1 --isolated --no-cache --format json`, with the
   schema rules ignored and as shipped, CPU of each whole process (user + sys of the child),
   the two alternating in each round so that both see the same load; best of the rounds.
"""
from __future__ import annotations

import argparse
import collections
import functools
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # this checkout's dockerlint (sys.path[0] is bench/), as the CLI runs below use
CORPUS = REPO.parent / "shared" / "corpus" / "kubernetes"
SCHEMA_CODES = ["KS100", "KS101", "KS102", "KS103", "KS104"]


def load_corpus():
    from dockerlint.model import FileKind
    from dockerlint.parse.detect import detect

    files = []
    for path in sorted(CORPUS.iterdir()):
        text = path.read_text(encoding="utf-8", errors="replace")
        kind, _ = detect(str(path), text)
        if kind is FileKind.KUBERNETES:
            files.append((str(path), text))
    return files


def timed(fn, repeat: int) -> float:
    best = None
    for _ in range(repeat):
        start = time.process_time()
        fn()
        spent = time.process_time() - start
        best = spent if best is None else min(best, spent)
    return best


def lint_all(files, settings):
    from dockerlint.engine import lint_source
    from dockerlint.model import FileKind

    return [lint_source(text, path, settings, FileKind.KUBERNETES) for path, text in files]


def parse_all(files):
    from dockerlint.model import SourceText
    from dockerlint.parse.yaml import load_documents

    for path, text in files:
        load_documents(SourceText(text, path))


# ---- the oracle ---------------------------------------------------------------------------------

def oracle_verdicts(files, version: str, memoise: bool, limit: int | None = None):
    """[(path, doc index, verdict, detail)] for every mapping document with apiVersion and kind."""
    import kubernetes_validate as kv
    import kubernetes_validate.utils as kvu
    import yaml

    original = kvu.schema_contents
    if memoise:
        kvu.schema_contents = functools.lru_cache(maxsize=None)(original)
    out = []
    try:
        for path, text in files:
            try:
                docs = list(yaml.safe_load_all(text))
            except yaml.YAMLError:
                continue
            for index, doc in enumerate(docs):
                if limit is not None and len(out) >= limit:
                    return out
                if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
                    continue
                try:
                    kv.validate(doc, version, strict=True)
                    out.append((path, index, "valid", ""))
                except kv.SchemaNotFoundError:
                    out.append((path, index, "no-schema", f"{doc.get('apiVersion')} {doc.get('kind')}"))
                except kv.ValidationError as e:
                    where = "/".join(str(p) for p in e.absolute_path)
                    out.append((path, index, "invalid", f"{e.validator}: {where}: {e.message[:160]}"))
                except Exception as e:  # noqa: BLE001 - the oracle's own failures are a class too
                    out.append((path, index, "oracle-error", f"{type(e).__name__}: {str(e)[:120]}"))
    finally:
        kvu.schema_contents = original
    return out


def our_verdicts(files, results):
    """{(path, doc index): [finding]} for KS100-KS103 findings."""
    from dockerlint.model import SourceText
    from dockerlint.parse.yaml import load_documents

    by_doc: dict = collections.defaultdict(list)
    for (path, text), result in zip(files, results):
        if not result.findings:
            continue
        docs = load_documents(SourceText(text, path))
        starts = [(d.span.start, d.index) for d in docs]
        for f in result.findings:
            if f.code not in SCHEMA_CODES[:4]:
                continue
            index = max((i for s, i in starts if s <= f.span.start), default=0)
            by_doc[(path, index)].append(f)
    return by_doc


def our_class(findings) -> str:
    f = findings[0]
    msg = re.sub(r'"[^"]*"', "X", f.message)
    if f.code == "KS101":
        if "is not allowed" in msg:
            return "KS101 enum"
        if "quantity" in msg:
            return "KS101 quantity"
        if "base64" in msg:
            return "KS101 base64"
        if "RFC 3339" in msg:
            return "KS101 date-time"
        if "pattern" in msg:
            return "KS101 pattern"
        if "out of range" in msg:
            return "KS101 int range"
        return "KS101 type"
    return f.code


# the oracle's first error (jsonschema's best match) -> the code we give that kind of problem
_ORACLE_TO_CODE = {"additionalProperties": "KS100", "required": "KS102", "type": "KS101", "enum": "KS101",
                   "oneOf": "KS101", "format": "KS101", "pattern": "KS101"}


def agreement(files, results, verdicts):
    from dockerlint.schemas.k8s import is_kustomize_patch

    ours = our_verdicts(files, results)
    classes = collections.Counter()
    examples: dict = {}
    for path, index, verdict, detail in verdicts:
        mine = ours.get((path, index), [])
        if verdict in ("no-schema", "oracle-error"):
            key = f"oracle {verdict}; ours {'invalid: ' + our_class(mine) if mine else 'no finding'}"
        elif verdict == "valid" and not mine:
            key = "both valid"
        elif verdict == "invalid" and mine:
            expected = _ORACLE_TO_CODE.get(detail.split(":")[0], "?")
            if "None is not of type" in detail:
                expected = "KS102"  # a required field set to null: Kubernetes' "Required value"
            same = expected in {f.code for f in mine}
            key = "both invalid, same reason" if same else f"both invalid, other reason: oracle {detail.split(':')[0]}, ours {our_class(mine)}"
        elif verdict == "invalid":
            key = f"only oracle invalid: {detail.split(':')[0]}"
            if detail.startswith("required") and is_kustomize_patch(path):
                key += " (a kustomize patch: required fields deliberately not checked)"
        else:
            key = f"only ours invalid: {our_class(mine)}"
        classes[key] += 1
        if key not in examples:
            name = Path(path).name
            examples[key] = {"file": name, "doc": index, "oracle": detail[:200],
                             "ours": [f"{f.code} {f.span.line}:{f.span.col} {f.message[:160]}" for f in mine[:3]]}
    return classes, examples


def cli_runs(rounds: int) -> dict:
    """CPU seconds of whole `dockerlint check` processes over the corpus directory, KS100-KS104
    ignored ("before") and as shipped ("after"), alternating; the best of `rounds` each."""
    import os
    import subprocess

    command = [sys.executable, "-m", "dockerlint", "check", str(CORPUS), "-j", "1", "--isolated", "--no-cache",
               "--format", "json"]
    variants = {"before": command + ["--ignore", ",".join(SCHEMA_CODES)], "after": command}
    spent: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(rounds):
        for name, argv in variants.items():
            with subprocess.Popen(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as proc:
                _, _, usage = os.wait4(proc.pid, 0)
                proc.returncode = 0  # reaped here
            spent[name].append(usage.ru_utime + usage.ru_stime)
    before, after = min(spent["before"]), min(spent["after"])
    return {"cli_before_s": round(before, 2), "cli_after_s": round(after, 2),
            "cli_slowdown_pct": round(100 * (after / before - 1), 1),
            "cli_rounds_pct": [round(100 * (a / b - 1), 1) for b, a in zip(spent["before"], spent["after"])],
            "cli_load_average": round(os.getloadavg()[0], 1)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="1.37")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kv-sample", type=int, default=400)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--cli-rounds", type=int, default=3, help="rounds of the command-line comparison (0: none)")
    ap.add_argument("--cli-only", action="store_true", help="only the command-line comparison")
    args = ap.parse_args()
    if args.cli_only:
        figures = cli_runs(args.cli_rounds)
        print(json.dumps(figures))
        if args.out:
            args.out.write_text(json.dumps(figures, indent=2) + "\n")
        return 0

    from dockerlint.settings import Settings

    files = load_corpus()
    from dockerlint.model import SourceText
    from dockerlint.parse.yaml import load_documents

    documents = sum(1 for p, t in files for d in load_documents(SourceText(t, p)) if d.root is not None)
    figures: dict = {"files": len(files), "documents": documents, "version": args.version}
    print(f"{len(files)} Kubernetes files, {documents} documents")

    schema_only = Settings(select=list(SCHEMA_CODES), kubernetes_version=args.version)
    default_before = Settings(ignore=list(SCHEMA_CODES), kubernetes_version=args.version)
    default_after = Settings(kubernetes_version=args.version)

    t_parse = timed(lambda: parse_all(files), args.repeat)
    t_schema = timed(lambda: lint_all(files, schema_only), args.repeat)
    t_before = timed(lambda: lint_all(files, default_before), args.repeat)
    t_after = timed(lambda: lint_all(files, default_after), args.repeat)
    figures.update(
        parse_s=round(t_parse, 2), schema_only_s=round(t_schema, 2), default_before_s=round(t_before, 2),
        default_after_s=round(t_after, 2),
        schema_only_docs_per_s=round(documents / t_schema), validation_only_docs_per_s=round(documents / max(t_schema - t_parse, 1e-9)),
        default_slowdown_pct=round(100 * (t_after / t_before - 1), 1),
    )
    print(f"parse only {t_parse:.2f} s; schema rules only {t_schema:.2f} s = {documents / t_schema:,.0f} documents/s "
          f"(validation alone {documents / max(t_schema - t_parse, 1e-9):,.0f}/s)")
    print(f"default rules before {t_before:.2f} s, after {t_after:.2f} s ({figures['default_slowdown_pct']:+.1f}%)")

    compose_files = [(str(p), p.read_text(encoding="utf-8", errors="replace")) for p in sorted((CORPUS.parent / "compose").iterdir())]
    from dockerlint.engine import lint_source
    from dockerlint.model import FileKind

    compose_settings = Settings(select=["DC100", "DC101"])
    t_compose = timed(lambda: [lint_source(t, p, compose_settings, FileKind.COMPOSE) for p, t in compose_files], args.repeat)
    compose_results = [lint_source(t, p, compose_settings, FileKind.COMPOSE) for p, t in compose_files]
    figures.update(compose_files=len(compose_files), compose_s=round(t_compose, 2),
                   compose_findings=sum(len(r.findings) for r in compose_results),
                   compose_files_with_findings=sum(1 for r in compose_results if r.findings))
    print(f"Compose corpus, DC100+DC101 only: {len(compose_files)} files in {t_compose:.2f} s; "
          f"{figures['compose_findings']} findings in {figures['compose_files_with_findings']} files")

    start = time.process_time()
    sample = oracle_verdicts(files, args.version, memoise=False, limit=args.kv_sample)
    t_kv_sample = time.process_time() - start
    start = time.process_time()
    verdicts = oracle_verdicts(files, args.version, memoise=True)
    t_kv = time.process_time() - start
    figures.update(
        kv_as_shipped_docs_per_s=round(len(sample) / t_kv_sample, 1), kv_memoised_s=round(t_kv, 2),
        kv_memoised_docs_per_s=round(len(verdicts) / t_kv), kv_documents=len(verdicts),
    )
    print(f"kubernetes-validate strict as shipped: {len(sample) / t_kv_sample:,.1f} documents/s ({len(sample)}-document sample); "
          f"with its schema loading memoised: {t_kv:.2f} s for {len(verdicts)} documents = {len(verdicts) / t_kv:,.0f}/s")

    if args.cli_rounds:
        figures.update(cli_runs(args.cli_rounds))
        print(f"command line, whole corpus directory: {figures['cli_before_s']:.2f} s CPU with KS100-KS104 ignored, "
              f"{figures['cli_after_s']:.2f} s as shipped ({figures['cli_slowdown_pct']:+.1f}%; per round "
              f"{figures['cli_rounds_pct']}; load average {figures['cli_load_average']})")

    results = lint_all(files, schema_only)
    classes, examples = agreement(files, results, verdicts)
    comparable = sum(v for k, v in classes.items() if not k.startswith("oracle "))
    deliberate = sum(v for k, v in classes.items() if "deliberately" in k)
    figures["agreement_outside_patches_pct"] = round(
        100 * (classes["both valid"] + sum(v for k, v in classes.items() if k.startswith("both invalid")))
        / max(1, comparable - deliberate), 2)
    agree = sum(v for k, v in classes.items() if k == "both valid" or k.startswith("both invalid"))
    figures["same_reason_pct"] = round(100 * classes["both invalid, same reason"] /
                                       max(1, sum(v for k, v in classes.items() if k.startswith("both invalid"))), 2)
    figures.update(agreement_pct=round(100 * agree / comparable, 2), comparable=comparable,
                   classes=dict(classes.most_common()), examples=examples)
    print(f"agreement on valid/invalid: {agree}/{comparable} = {100 * agree / comparable:.2f}% of the documents both can judge; "
          f"{figures['agreement_outside_patches_pct']}% leaving out the {deliberate} kustomize patches; "
          f"same reason in {figures['same_reason_pct']}% of the documents both find invalid")
    for key, count in classes.most_common():
        print(f"  {count:6d}  {key}")
        if key not in ("both valid",):
            print(f"          e.g. {json.dumps(examples[key])[:400]}")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
