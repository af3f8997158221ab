"""Suppression comments: ours and hadolint's, with hadolint's exact line semantics."""
from __future__ import annotations

from helpers import lint


def codes(text, selected=("DL3006", "DL3002")):
    return [(f.code, f.span.line) for f in lint(text, list(selected)).findings]


def test_dockerlint_ignore_next_instruction_skips_comments():
    text = "# dockerlint: ignore=DL3006\n# another comment\nFROM debian\nUSER root\n"
    assert codes(text) == [("DL3002", 4)]


def test_dockerlint_ignore_by_rule_name():
    assert codes("# dockerlint: ignore=untagged-base-image\nFROM debian\n") == []


def test_dockerlint_ignore_file():
    assert codes("FROM debian\n# dockerlint: ignore-file=DL3006\nUSER root\n") == [("DL3002", 3)]


def test_hadolint_ignore_only_next_line():
    assert codes("# hadolint ignore=DL3006\n\nFROM debian\n") == [("DL3006", 3)]
    assert codes("# hadolint ignore=DL3006\nFROM debian\n") == []


def test_hadolint_invalid_code_list_is_ignored():
    assert codes("FROM debian:12\n# hadolint ignore=crazy,DL3002\nUSER root\n") == [("DL3002", 3)]


def test_hadolint_global_and_stage():
    assert codes("FROM debian\n# hadolint global ignore=DL3006\n") == []
    text = "FROM debian:12\n# hadolint stage ignore=DL3002\nRUN x\nUSER root\nFROM debian:12\nUSER root\n"
    assert codes(text) == [("DL3002", 6)]


def test_disable_ignore_pragma():
    found = lint("# hadolint ignore=DL3006\nFROM debian\n", ["DL3006"], config={"disable-ignore-pragma": True}).findings
    assert [f.code for f in found] == ["DL3006"]


def test_multiline_instruction_covered_by_pragma():
    text = "FROM debian:12\n# hadolint ignore=DL3002\nUSER \\\n  root\n"
    assert codes(text) == []
