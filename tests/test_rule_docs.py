"""The rule reference in docs/rules is generated from the rules and kept in sync; every link to
a rule's documentation resolves to one of those pages by default, and the base is configurable."""
from __future__ import annotations

from pathlib import Path

from dockerlint import ruleset
from dockerlint.docs import rule_pages
from dockerlint.docs import DEFAULT_DOCS_BASE_URL, ENV_VAR, REPOSITORY_URL, rule_url

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules"
REGENERATE = "run `python -m dockerlint.docs --write-rules`"


def test_rule_pages_are_in_sync():
    expected = rule_pages(ruleset.all_rules())
    present = {p.name for p in DOCS.glob("*.md")}
    assert present == set(expected), f"docs/rules differs in files: {sorted(present ^ set(expected))}; {REGENERATE}"
    stale = [name for name, text in expected.items() if (DOCS / name).read_text(encoding="utf-8") != text]
    assert not stale, f"stale pages {stale[:10]}: {REGENERATE}"


def test_default_links_point_at_the_generated_pages(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    prefix = f"{REPOSITORY_URL}/blob/main/"
    assert DEFAULT_DOCS_BASE_URL.startswith(prefix)
    for rule in ruleset.all_rules():
        url = rule.docs_url()
        assert url == rule_url(rule.code) and url.startswith(prefix)
        assert (DOCS.parents[1] / url[len(prefix):]).is_file(), url
    assert rule_url("SC9999") == "https://www.shellcheck.net/wiki/SC9999"  # a ShellCheck code with no rule (page) here


def test_base_url_is_configurable(monkeypatch):
    monkeypatch.setenv(ENV_VAR, "https://docs.example.com/dockerlint/rules/{code}/")
    assert ruleset.rule_class("DL3006").docs_url() == "https://docs.example.com/dockerlint/rules/DL3006/"
    monkeypatch.setenv(ENV_VAR, "https://mirror.example.com/rules")
    assert rule_url("KS001") == "https://mirror.example.com/rules/KS001.md"
    # the generated files keep the default whatever the environment says
    assert "https://mirror.example.com" not in rule_pages([ruleset.rule_class("KS001")])["KS001.md"]


def test_pages_have_each_section_once_and_the_right_code_language():
    import re

    for name, text in rule_pages(ruleset.all_rules()).items():
        if name == "README.md":
            continue
        outside_fences = re.sub(r"(?ms)^(`{3,}).*?^\1$", "", text)
        headings = re.findall(r"(?m)^## (.+)$", outside_fences)
        assert len(headings) == len(set(headings)), (name, headings)
    assert "```python\n" in rule_pages([ruleset.rule_class("EC006")])["EC006.md"]
