"""A script's parse and its native ShellCheck findings are worked out once per text in a process
(`parse_shell`, `check_script`) and handed to every file with that text: reused only where
what the findings read (the names ARG/ENV define, the Dockerfile text between continuation
lines) answers the same, and never changing what a file is told."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import lint

import dockerlint.parse.shell as shell
import dockerlint.parse.shell_checks as checks
from dockerlint.parse.shell import parse_shell
from dockerlint.parse.shell_checks import check_script

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dockerfiles"


@pytest.fixture(autouse=True)
def fresh():
    """Each test starts with nothing kept (and leaves nothing behind for the others)."""
    shell._PARSED.clear()
    checks._CHECKED.clear()
    yield
    shell._PARSED.clear()
    checks._CHECKED.clear()


def codes(issues) -> list[tuple[str, int, str]]:
    return [(i.code, i.start, i.message) for i in issues]


def test_one_script_per_text_and_the_bound_lets_go(monkeypatch):
    a = parse_shell("apt-get update && apt-get install -y curl")
    assert parse_shell("apt-get update && apt-get install -y curl") is a
    assert parse_shell("apt-get update") is not a
    monkeypatch.setattr(shell._PARSED, "limit", 60)  # the next text goes past it: the kept ones go
    b = parse_shell("x" * 30)
    assert "apt-get update" not in shell._PARSED and shell._PARSED == {"x" * 30: b}
    assert parse_shell("apt-get update && apt-get install -y curl") is not a  # parsed again, equal
    assert parse_shell("apt-get update && apt-get install -y curl") == a


def test_findings_follow_the_names_defined():
    # `$foo` is SC2154 unless an ARG or ENV defines it: the same text, three environments
    text = 'echo "$foo"\n'
    assert [c for c, *_ in codes(check_script(text))] == ["SC2154"]
    assert codes(check_script(text, defined=frozenset({"foo"}))) == []
    assert codes(check_script(text, defined=frozenset({"bar"}))) == codes(checks._check(text, "sh", frozenset({"bar"}), None, (), None))
    assert [c for c, *_ in codes(check_script(text, defined={"bar", "baz"}))] == ["SC2154"]


def test_a_suggestion_read_from_every_name_is_reused_for_the_same_names_only():
    # SC2153 names the closest defined name: it reads the whole set, not one answer
    text = 'echo "$UPLOAD_DIRR"\n'
    first = check_script(text, defined=frozenset({"UPLOAD_DIRS"}))
    second = check_script(text, defined=frozenset({"UPLOAD_DIRX"}))
    assert [i.message for i in first] == ["Possible misspelling: UPLOAD_DIRR may not be assigned. Did you mean UPLOAD_DIRS?"]
    assert [i.message for i in second] == ["Possible misspelling: UPLOAD_DIRR may not be assigned. Did you mean UPLOAD_DIRX?"]
    assert codes(check_script(text, defined={"UPLOAD_DIRS"})) == codes(first)  # a set equal to the first


def test_findings_follow_the_text_between_continuation_lines():
    # SC2291 (repeated spaces) is not reported where the blanks are a continuation line's
    text = "echo a     b\n"
    spaces = check_script(text, source_gap=lambda a, b: " " * (b - a))
    continued = check_script(text, source_gap=lambda a, b: " \\\n   ")
    assert [i.code for i in spaces] == ["SC2291"]
    assert continued == []
    assert [i.code for i in check_script(text, source_gap=lambda a, b: "     ")] == ["SC2291"]


def test_more_environments_than_kept_are_still_right(monkeypatch):
    monkeypatch.setattr(checks, "_VARIANTS", 2)
    text = 'echo "$a" "$b" "$c"\n'
    for defined in [set(), {"a"}, {"b"}, {"a", "b"}, {"c"}, set()]:
        want = codes(checks._check(text, "sh", frozenset(defined), None, (), None))
        assert codes(check_script(text, defined=frozenset(defined))) == want
    assert len(checks._CHECKED[(text, "sh", (), True)]) == 2


def test_a_dockerfile_is_told_the_same_with_scripts_shared():
    # two Dockerfiles with one RUN text: the ARG of the second defines the variable
    one = "FROM debian:12\nRUN echo $version\n"
    two = "FROM debian:12\nARG version\nRUN echo $version\n"
    first = [(f.code, f.span.line) for f in lint(one, ["SC2154", "SC2086"]).findings]
    second = [(f.code, f.span.line) for f in lint(two, ["SC2154", "SC2086"]).findings]
    assert ("SC2154", 2) in first and not any(c == "SC2154" for c, _ in second)
    assert [(f.code, f.span.line) for f in lint(one, ["SC2154", "SC2086"]).findings] == first


def test_corpus_findings_are_the_same_as_with_nothing_shared():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus folder {CORPUS} not present (it comes from shared/, beside the repo)")
    paths = sorted(p for p in CORPUS.iterdir() if p.name != "SOURCES.tsv")[:400]
    texts = [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in paths]
    everything = ["SC", "DL", "DF"]

    def findings(name, text):
        result = lint(text, everything, filename="Dockerfile")
        return [(f.code, f.span, f.message, f.fix) for f in result.findings]

    alone = []
    for name, text in texts:  # each file with nothing kept from the one before
        shell._PARSED.clear()
        checks._CHECKED.clear()
        alone.append(findings(name, text))
    shell._PARSED.clear()
    checks._CHECKED.clear()
    shared = [findings(name, text) for name, text in texts]
    reused = sum(len(v) for v in checks._CHECKED.values())
    assert len(shell._PARSED) < sum(t.count("RUN") for _, t in texts)  # some scripts were shared
    assert reused > 0
    assert shared == alone
