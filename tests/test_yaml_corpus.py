"""Every real-world manifest and Compose file loads (or fails with YamlParseError only)."""
from pathlib import Path

import pytest

from dockerlint.rulekit.compose_model import services
from dockerlint.rulekit.k8s_model import objects, workloads
from dockerlint.model import SourceText
from dockerlint.parse.yaml import YamlParseError, load_documents

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def corpus_files(folder):
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"corpus folder {path} not present (it comes from shared/, beside the repo)")
    return sorted(p for p in path.iterdir() if p.is_file())


def load_all(files):
    loaded, errors = {}, {}
    for path in files:
        source = SourceText(path.read_text(encoding="utf-8"), str(path))
        try:
            loaded[path.name] = load_documents(source)
        except YamlParseError as exc:  # anything else propagates and fails the test
            errors[path.name] = exc
    return loaded, errors


def test_kubernetes_corpus(capsys):
    files = corpus_files("kubernetes")
    loaded, errors = load_all(files)
    documents = sum(1 for docs in loaded.values() for d in docs if d.root is not None)
    empty = sum(1 for docs in loaded.values() for d in docs if d.root is None)
    n_objects = sum(len(objects(docs)) for docs in loaded.values())
    wls = [w for docs in loaded.values() for w in workloads(docs)]
    containers = sum(len(w.containers) for w in wls)
    with capsys.disabled():
        print(
            f"\nkubernetes corpus: {len(files)} files, {documents} documents (+{empty} empty), "
            f"{len(errors)} parse errors, {n_objects} objects, {len(wls)} workloads, {containers} containers"
        )
    assert not errors, errors
    assert documents == 8114  # shared/corpus/README.md
    assert len(wls) > 1500 and containers > len(wls)
    for w in wls:
        for c in w.containers:
            assert c.node.span.line >= 1


def test_compose_corpus(capsys):
    files = corpus_files("compose")
    loaded, errors = load_all(files)
    per_file = {name: services(docs) for name, docs in loaded.items()}
    with capsys.disabled():
        print(
            f"\ncompose corpus: {len(files)} files, {sum(map(len, loaded.values()))} documents, "
            f"{len(errors)} parse errors, {sum(map(len, per_file.values()))} services"
        )
    assert not errors, errors
    # the corpus only has files with a non-empty `services` map (two in the v1 layout)
    assert [name for name, svcs in per_file.items() if not svcs] == []
