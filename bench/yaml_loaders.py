"""Time YAML loaders on the Kubernetes corpus; the numbers go into bench/yaml_loaders.md.

    python bench/yaml_loaders.py [--repeat N] [--corpus DIR]

Every loader gets the same in-memory texts (file reading is not timed). A loader's time is
the best of N runs over the whole corpus, as wall-clock and as process CPU time (steadier on
a shared machine). A file that raises counts as failing, with all the
documents in it (counted by our own loader).

ruamel.yaml 0.19 only uses libyaml when `ruamel.yaml.clibz` (or the older `ruamel.yaml.clib`)
is installed, and even then only through `ruamel.yaml.cyaml.CSafeLoader`: `YAML(typ='safe')`
stays pure Python unless `_ruamel_yaml` (old clib) is present. Without either, the C row is
reported as unavailable. To install it outside the project's venv:
    pip install --no-deps --target /tmp/ruamel-clib 'ruamel.yaml.clibz>=0.3.7'
    PYTHONPATH=/tmp/ruamel-clib python bench/yaml_loaders.py
"""
from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from dockerlint.model import SourceText  # noqa: E402
from dockerlint.parse.yaml import YamlParseError, load_documents  # noqa: E402
from dockerlint.rulekit.k8s_model import workloads  # noqa: E402


def pyyaml_c_compose(text):
    return list(yaml.compose_all(text, Loader=yaml.CSafeLoader))


def pyyaml_c_load(text):
    return list(yaml.load_all(text, Loader=yaml.CSafeLoader))


def pyyaml_py_compose(text):
    return list(yaml.compose_all(text, Loader=yaml.SafeLoader))


def make_ruamel():
    import ruamel.yaml

    loaders = {}
    try:
        from ruamel.yaml.cyaml import CSafeLoader, __yaml_lib as lib  # type: ignore
    except Exception:  # no libyaml for ruamel
        loaders["ruamel.yaml C safe compose (cyaml.CSafeLoader)"] = None
    else:

        def ruamel_c_compose(text):
            loader = CSafeLoader(text)
            try:
                nodes = []
                while loader.check_node():
                    nodes.append(loader.get_node())
                return nodes
            finally:
                loader.dispose()

        loaders[f"ruamel.yaml C safe compose (cyaml.CSafeLoader, {lib})"] = ruamel_c_compose

    safe = ruamel.yaml.YAML(typ="safe", pure=True)

    def ruamel_py_compose(text):
        return list(safe.compose_all(text))

    def ruamel_rt_load(text):
        return list(ruamel.yaml.YAML(typ="rt").load_all(text))

    loaders["ruamel.yaml pure safe compose (YAML(typ='safe', pure=True))"] = ruamel_py_compose
    loaders["ruamel.yaml round-trip load (YAML(typ='rt'))"] = ruamel_rt_load
    return loaders, ruamel.yaml.__version__


def ours(text):
    return load_documents(SourceText(text))


def run(name, fn, texts, repeat, doc_counts):
    if fn is None:
        return name, None, None, None, None
    best = best_cpu = None
    failures: dict[str, str] = {}
    for _ in range(repeat):
        failures = {}
        gc.collect()
        t0 = time.perf_counter()
        c0 = time.process_time()
        for path, text in texts:
            try:
                fn(text)
            except Exception as exc:  # noqa: BLE001 - counting failures is the point
                failures[path] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        elapsed = time.perf_counter() - t0
        cpu = time.process_time() - c0
        best = elapsed if best is None else min(best, elapsed)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
    failed_docs = sum(doc_counts.get(p, 0) for p in failures)
    return name, best, best_cpu, failures, failed_docs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus" / "kubernetes"))
    ap.add_argument("--only", action="append", default=[], help="run only loaders whose name contains this")
    args = ap.parse_args()

    corpus = Path(args.corpus)
    files = sorted(p for p in corpus.iterdir() if p.is_file())
    texts = [(p.name, p.read_text(encoding="utf-8")) for p in files]
    size = sum(len(t.encode("utf-8")) for _, t in texts)

    doc_counts: dict[str, int] = {}
    nonempty = empty = n_workloads = n_containers = 0
    for path, text in texts:
        try:
            docs = load_documents(SourceText(text))
        except YamlParseError:
            continue
        doc_counts[path] = len(docs)
        nonempty += sum(d.root is not None for d in docs)
        empty += sum(d.root is None for d in docs)
        ws = workloads(docs)
        n_workloads += len(ws)
        n_containers += sum(len(w.containers) for w in ws)

    ruamel_loaders, ruamel_version = make_ruamel()
    loaders = {
        "PyYAML C compose_all (CSafeLoader)": pyyaml_c_compose,
        "PyYAML C load_all (CSafeLoader, to Python objects)": pyyaml_c_load,
        "PyYAML pure compose_all (SafeLoader)": pyyaml_py_compose,
        **ruamel_loaders,
        "dockerlint load_documents (ours)": ours,
    }

    print(f"corpus: {corpus} -- {len(files)} files, {size / 1e6:.1f} MB, "
          f"{nonempty} non-empty + {empty} empty documents; {n_workloads} workloads, {n_containers} containers")
    print(f"python {platform.python_version()}, PyYAML {yaml.__version__} (libyaml "
          f"{yaml._yaml.get_version_string() if yaml.__with_libyaml__ else 'absent'}), ruamel.yaml {ruamel_version}; "
          f"best of {args.repeat}")
    print()
    print("| loader | wall (s) | CPU (s) | CPU ms/file | files failing | documents in failing files |")
    print("|---|---:|---:|---:|---:|---:|")
    details = []
    for name, fn in loaders.items():
        if args.only and not any(o.lower() in name.lower() for o in args.only):
            continue
        name, best, cpu, failures, failed_docs = run(name, fn, texts, args.repeat, doc_counts)
        if best is None:
            print(f"| {name} | n/a (no libyaml for ruamel installed) | | | | |")
            continue
        print(f"| {name} | {best:.2f} | {cpu:.2f} | {1000 * cpu / len(texts):.2f} | {len(failures)} | {failed_docs} |",
              flush=True)
        for path, why in sorted(failures.items()):
            details.append(f"- {name}: `{path}`: {why}")
    if details:
        print()
        print("Failures:")
        print("\n".join(details))


if __name__ == "__main__":
    main()
