"""One generic test over every rule's examples, docs and metadata (Fixit-style)."""
from __future__ import annotations

import re

import pytest

from dockerlint import ruleset
from dockerlint.fix import fix_source
from dockerlint.model import Applicability, FileKind, Severity
from helpers import DEFAULT_NAMES, lint, settings_for

RULES = ruleset.all_rules()


def _cases():
    for rule in RULES:
        for i, example in enumerate(rule.examples):
            kind = "bad" if example.expect_finding else "ok"
            yield pytest.param(rule, example, id=f"{rule.code}-{kind}{i}")


def _filename(rule, example):
    if example.filename:
        return example.filename
    return DEFAULT_NAMES[sorted(rule.kinds, key=lambda k: k.value)[0]]


def test_every_rule_file_is_found():
    """Each file in rules/ defines exactly the rules the index lists: none lost by discovery."""
    import os

    directory = list(__import__("dockerlint.rules", fromlist=["x"]).__path__)[0]
    files = {n[:-3] for n in os.listdir(directory) if n.endswith(".py") and not n.startswith("_")}
    modules = {r.__module__.rsplit(".", 1)[1] for r in RULES}
    assert files - modules == set(), "rule files that define no rule"
    assert len({r.code for r in RULES}) == len(RULES), "two rules share a code"


@pytest.mark.parametrize("rule,example", list(_cases()))
def test_example(rule, example):
    filename = _filename(rule, example)
    result = lint(example.text, [rule.code], filename=filename, config=example.config)
    assert result.error is None, result.error
    mine = [f for f in result.findings if f.code == rule.code]
    if not example.expect_finding:
        assert mine == [], f"{rule.code} fired on an ok example:\n{example.text}\n{mine}"
        return
    assert mine, f"{rule.code} did not fire on a bad example:\n{example.text}"
    if example.count is not None:
        assert len(mine) == example.count, mine
    if example.at is not None:
        found = [(f.span.line, f.span.col) for f in mine]
        assert found == list(example.at), f"{rule.code} reported at {found}, the example says {list(example.at)}"
    if example.message is not None:
        for f in mine:
            assert example.message in f.message, f"{rule.code}: {f.message!r} lacks {example.message!r}"
    text = example.text
    for f in mine:
        assert 0 <= f.span.start <= f.span.end <= len(text), f"span outside the file: {f.span}"
        assert 1 <= f.span.line <= f.span.end_line
    if example.fixed is None:
        return
    settings = settings_for([rule.code], example.config)
    outcome = fix_source(text, filename, settings, unsafe=True)
    assert outcome.converged
    assert outcome.text == example.fixed, f"fix of {rule.code} produced:\n{outcome.text}"
    again = fix_source(outcome.text, filename, settings, unsafe=True)
    assert again.text == outcome.text, "a second fix run changed the file again"
    after = lint(outcome.text, [rule.code], filename=filename, config=example.config)
    assert after.error is None
    assert not [f for f in after.findings if f.code == rule.code and f.fix is not None and f.fix.applicability is not Applicability.DISPLAY_ONLY], "the fixed text still has a fixable finding"


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_rule_metadata_and_docs(rule):
    assert re.fullmatch(r"(DL|DF|KS|DC|EC|SC)\d{3,4}", rule.code), rule.code
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
    assert rule.kinds and all(isinstance(k, FileKind) for k in rule.kinds)
    # "off by default" is enabled_by_default; a rule someone selects must report at a severity
    assert rule.severity is not Severity.IGNORE, f"{rule.code} would report nothing when selected"
    sections = rule.doc_sections()
    for required in ("What it does", "Why is this bad?"):
        assert required in sections, f"{rule.code} docs lack the '{required}' section"
    if getattr(rule, "provided_by", None):  # ShellCheck codes run by the optional binary
        assert rule.enabled_by_default is False and rule.code.startswith("SC")
        return
    assert any(e.expect_finding for e in rule.examples), f"{rule.code} has no bad example"
    assert any(not e.expect_finding for e in rule.examples), f"{rule.code} has no ok example"
    if rule.fixable():
        assert "Fix safety" in sections, f"{rule.code} is fixable but its docs have no 'Fix safety' section"


def test_names_are_unique():
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", RULES, ids=[r.code for r in RULES])
def test_the_good_example_shown_in_the_docs_lints_clean(rule):
    """`dockerlint rule CODE` shows an example to write instead: the default rules must not flag it
    (rules judging the whole image or pod aside: Rule.whole_object)."""
    from dockerlint.docs import rule_markdown, shown_good_example

    if not rule.examples:
        pytest.skip(f"{rule.code} has no examples (a ShellCheck binary rule: its page is docs only)")
    good = shown_good_example(rule)
    assert good is not None, f"{rule.code}: no ok example lints clean; add one that does"
    assert "## Use instead\n" in rule_markdown(rule)


def test_dl3006_use_instead_is_not_flagged_by_df006():
    from dockerlint.docs import example_problems, shown_good_example

    good = shown_good_example(ruleset.rule_class("DL3006"))
    assert "${" not in good.text and example_problems(ruleset.rule_class("DL3006"), good) == []
