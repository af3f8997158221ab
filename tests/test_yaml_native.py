"""The YAML composer in C (dockerlint/parse/_yamlcompose.c) makes the model the Python composer
makes: the same documents, nodes, spans, tags, styles, anchors, shared aliases and merge
indexes, and the same errors at the same places, on every manifest and Compose file of the
corpus and on hand-picked hard cases. (tests/test_properties.py compares the two on generated
YAML through fuzz/properties.check_yaml.)"""
from __future__ import annotations

import os
import sys
import sysconfig
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dockerlint.model import SourceText
from dockerlint.parse import yaml as Y

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
import properties as P  # noqa: E402

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
HEADERS = any(Path(d, "yaml.h").is_file() for d in ("/usr/include", "/usr/local/include", sysconfig.get_paths()["include"]))

needs_native = pytest.mark.skipif(Y._native is None, reason="the C composer was not built (no libyaml headers when installed)")


def test_built_where_libyaml_headers_are():
    """setup.py builds the extension as optional: where libyaml's headers are (CI installs
    Debian's libyaml-dev), a failed build would otherwise go unnoticed."""
    if not HEADERS:
        pytest.skip("libyaml's headers (yaml.h) are not on this machine")
    assert Y._native is not None, "yaml.h is here but dockerlint.parse._yamlcompose was not built"


def _same(text: str) -> None:
    native, python = P.composed(text, True), P.composed(text, False)
    assert native == python


HARD_CASES = [
    "",
    "# only a comment\n",
    "a: 1\n---\n--- # empty\n# only a comment\n---\nkind: X\n...\n",
    "a: 1",  # no final line break: spans at the end from SourceText
    "a: [x, {b: c}]",
    "a: |\n  x",
    "- x\n- ",
    "a:\n  b: 'q'\n  c:",
    "a: 1\r\nb: {c: d}",
    "\ufeffa: é😀x\r\nb: 'q'\r\n",
    "a: 1\rb: 2\n",  # a lone \r
    "a: x\x85y\nb: \u2028\n",
    "a: |\n  one\n  two\n\n\nb: >-\n  folded\n  text\n\n",
    "a: |+\n  kept\n\n\n",
    "s: |\n  é😀\n  x\n",
    "key: ?",
    "? complex\n: value\n? [a, b]\n: c\n",
    "a: &x {k: v}\nb: *x\nc: [*x, *x]\n",
    "base: &b {a: 1, b: 2}\nm:\n  <<: *b\n  a: 3\nn:\n  <<: [*b, {c: 4}]\n  <<: {d: 5}\n",
    "m: {<<: 1, a: 2}\nn: {<<: [1, 2], b: 3}\n",
    "t: true\ny: yes\no: 012\nf: 1.5e3\nn: ~\ne:\nts: 2001-12-14\ns: !!str 123\nv: =\nq: ! x\nr: !custom 1\n",
    "'quoted key': \"double \\u00e9\"\nplain: 'it''s'\n",
    "%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\na: !e!foo bar\n",
    "[a, {b: c}, [d]]\n",
    "- a\n- - b\n  - c\n- {d: e}\n",
    "a: *missing\n",
    "a: &r [x, *r]\n",
    "a: [\n",
    "a: b: c\n",
    "a:\n\t- tab\n",
    "x: \x07bell\n",
    "x: \ud800\n",
    "a: 'unterminated\n",
    "- " * 1001 + "x\n",
    "[" * 1100 + "]" * 1100 + "\n",
    "- " * 899 + "x\n",
    "- " * 950 + "x\n",
    "[a: b, {c: d}, ? e]\n",  # single pairs in a flow sequence
    "[ ? ]\n",  # the system's libyaml 0.2.5 refuses it, PyYAML's reads it
    "[ ? ] ]\n",  # and the other way round
]


@needs_native
@pytest.mark.parametrize("text", HARD_CASES, ids=range(len(HARD_CASES)))
def test_hard_cases(text):
    _same(text)


@needs_native
def test_slow_span_path(monkeypatch):
    monkeypatch.setattr(Y, "_FAST_SPANS", False)
    for text in HARD_CASES[:20]:
        _same(text)


@needs_native
def test_merge_budget_error_is_the_same():
    lines = ["a0: &a0 {" + ", ".join(f"k{i}: {i}" for i in range(200)) + "}"]
    for n in range(1, 40):
        lines.append(f"a{n}: &a{n} {{<<: *a{n - 1}, x{n}: {n}}}")
    text = "\n".join(lines) + "\n"
    native = P.composed(text, True)
    assert native == P.composed(text, False)


@needs_native
def test_alias_bomb_costs_nothing_to_compose():
    text = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")
    )
    _same(text)
    (doc,) = Y.load_documents(SourceText(text))
    i = doc.root.get("i")
    assert i.items[0] is doc.root.get("h")  # the anchored node itself, not a copy
    with pytest.raises(Y.YamlParseError, match="too large"):
        Y.to_python(doc.root)


def _corpus(folder: str) -> list[Path]:
    path = CORPUS / folder
    if not path.is_dir():
        pytest.skip(f"corpus folder {path} not present (it comes from shared/, beside the repo)")
    return sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))


@needs_native
@pytest.mark.parametrize("folder", ["kubernetes", "compose", "helm", "kustomize"])
def test_corpus(folder):
    files = _corpus(folder)
    differ = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        if P.composed(text, True) != P.composed(text, False):
            differ.append(path.name)
    assert not differ, f"{len(differ)} of {len(files)} files compose differently: {differ[:10]}"
    assert len(files) > 50


@needs_native
def test_used_by_load_documents(monkeypatch):
    """load_documents goes through the C composer when it is built (NATIVE), and through the
    Python one when told not to."""
    calls = []
    real = Y._native.compose
    spy = {"compose": staticmethod(lambda *a: calls.append(1) or real(*a)), "line_starts": staticmethod(Y._native.line_starts)}
    monkeypatch.setattr(Y, "_native", type("Spy", (), spy))
    Y.load_documents(SourceText("a: 1\n"))
    assert calls == [1]
    monkeypatch.setattr(Y, "NATIVE", False)
    Y.load_documents(SourceText("a: 1\n"))
    assert calls == [1]


@needs_native
def test_setup_refuses_node_types_it_does_not_know():
    from dataclasses import dataclass

    @dataclass(eq=False, slots=True)
    class Wider(Y.ScalarNode):
        extra: int = 0

    import importlib.util

    spec = importlib.util.find_spec("dockerlint.parse._yamlcompose")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    with pytest.raises(TypeError, match="fields"):
        fresh.setup({**Y._native_setup(), "ScalarNode": Wider})
    _same("a: &x {b: 1}\nc: *x\n")  # the composer in use is as it was


PIECES = [
    "a", "b: ", "c:", "- ", "-", "? ", ": ", "[", "]", "{", "}", ", ", "&x ", "*x", "&y ", "*y", "<<: ", "!!str ",
    "!custom ", "! ", "'q'", '"d\\u00e9"', "|", "|-", ">+", "  ", "\t", "\n", "\r\n", "# c\n", "---\n", "...\n",
    "%YAML 1.1\n", "é", "😀", "1", "0x1F", "true", "~", "2001-12-14", "1:30", ".inf", "\u2028", "\x85", "\ufeff",
]


@needs_native
@settings(max_examples=500, derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_composers_agree_on_generated_fragments(pieces):
    """YAML put together from its syntax's pieces (indicators, anchors, aliases, merge keys,
    tags, block scalar headers, flow brackets, odd line breaks, a BOM): valid or not, both
    composers make the same model or the same error."""
    _same("".join(pieces))


@needs_native
@given(st.text(alphabet=st.sampled_from(["a", " ", "\n", "\r", "é", "日", "\U0001F600", "\x85", "\u2028"]), max_size=60))
@settings(max_examples=300, deadline=None)
def test_line_index_in_c_is_the_same(text):
    # one byte, two and four a character (str's three kinds), and the line breaks YAML knows
    # that are not "\n": SourceText counts lines by "\n" alone, and so does the C index
    assert Y._native.line_starts(text) == SourceText(text)._index()


@needs_native
def test_line_index_in_c_on_the_corpus():
    files = _corpus("kubernetes")[:500]
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        assert Y._native.line_starts(text) == SourceText(text)._index(), path
    source = SourceText("a: 1\nb: 2\n")
    Y.load_documents(source)
    assert source._starts == [0, 5, 10]  # made in C for the composer's spans
    with pytest.raises(TypeError):
        Y._native.line_starts(b"a: 1\n")


@needs_native
@pytest.mark.parametrize("text, repeats", [
    ("a: 1\nb: {c: 1, d: 2}\n", False),
    ("a: 1\nb:\n  c: 1\n  c: 2\n", True),  # nested, block
    ("a: [{x: 1, x: 2}]\n", True),  # in a flow mapping inside a sequence
    ("base: &b {x: 1}\nuse:\n  <<: *b\n  y: 2\n", True),  # a merge key: left to _idx(), so "not known"
    ("? [k]\n: 1\nb: 2\n", False),  # a complex key is not in the index and never repeats
    ("a: 1\n---\na: 1\na: 2\n", None),  # per document
])
def test_c_composer_indexes_keys_and_says_when_none_repeats(text, repeats):
    documents = Y.load_documents(SourceText(text))
    if repeats is None:
        assert [d.keys_may_repeat for d in documents] == [False, True]
        return
    (doc,) = documents
    assert doc.keys_may_repeat is repeats
    if not repeats:  # every mapping's index is built, and is what _idx() would build
        for node in Y.iter_nodes(doc.root):
            if type(node) is Y.MappingNode:
                assert node._index is not None
                assert node.distinct_keys_known() or any(type(k) is not Y.ScalarNode for k, _ in node.pairs)
    python = P.composed(text, False)
    assert P.composed(text, True) == python  # the same model, the index included


def test_ks104_reports_repeated_keys_whichever_composer(monkeypatch):
    from helpers import lint

    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: '1'\n  k: '2'\n"
    found = [(f.code, f.span.line) for f in lint(text, ["KS104"], filename="cm.yaml").findings]
    monkeypatch.setattr(Y, "NATIVE", False)
    assert [(f.code, f.span.line) for f in lint(text, ["KS104"], filename="cm.yaml").findings] == found == [("KS104", 7)]
