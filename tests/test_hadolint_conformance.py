"""hadolint's own test suite as a conformance suite (../shared/conformance/hadolint/cases.jsonl).

Semantics per that folder's README: a case passes when the raw failures (before severity
filtering, so DL1001/DL3057 whose default severity is `ignore` still count) for the case's
rule are absent (`pass`) or present, `count` times when given (`catch`). "SC" means any
ShellCheck code, "*" any code of hadolint's rule set. Target: >= 99% of the cases that
hadolint 2.15.1 itself agrees with. A per-rule table of failures is printed.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import replace

import pytest

from conftest import shared_path
from dockerlint.config import apply_hadolint_config
from dockerlint.engine import lint_source
from dockerlint.model import Severity
from dockerlint.settings import Settings

TARGET = 0.99


def load_cases():
    path = shared_path("conformance", "hadolint", "cases.jsonl")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run_case(case) -> tuple[bool, list[str]]:
    rule = case["rule"]
    if rule == "SC":
        select = ["SC"]
    elif rule == "*":
        select = ["DL", "SC"]
    else:
        select = [rule]
    settings = Settings(select=select)
    # Raw results: make ignore-severity rules visible, as hadolint's test harness sees them.
    settings = replace(settings, severity_overrides={"DL1001": Severity.INFO, "DL3057": Severity.INFO})
    if case["config"]:
        settings = apply_hadolint_config(settings, case["config"], "<case config>")
    result = lint_source(case["dockerfile"], "Dockerfile", settings)
    if result.error is not None:
        return case["expect"] == "pass" and rule not in ("*",), [f"parse error: {result.error.message}"]
    found = result.findings
    if rule == "SC":
        mine = [f for f in found if f.code.startswith("SC")]
    elif rule == "*":
        ignored = set((case["config"] or {}).get("ignored", []))
        mine = [f for f in found if f.code not in ignored]
    else:
        mine = [f for f in found if f.code == rule]
    if case["expect"] == "pass":
        ok = not mine
    else:
        ok = bool(mine) if case["count"] is None else len(mine) == case["count"]
    return ok, [f"{f.code}@{f.span.line}" for f in mine]


def test_hadolint_conformance(capsys):
    cases = load_cases()
    assert len(cases) == 1103
    failures: dict[str, list] = defaultdict(list)
    totals: Counter = Counter()
    passed = considered = 0
    for case in cases:
        totals[case["rule"]] += 1
        ok, got = run_case(case)
        if case["hadolint_agrees"]:
            considered += 1
            passed += ok
        if not ok:
            failures[case["rule"]].append((case["id"], case["expect"], case["count"], got))
    rate = passed / considered
    with capsys.disabled():
        print(f"\nhadolint conformance: {passed}/{considered} = {rate:.2%} of the cases hadolint 2.15.1 agrees with")
        if failures:
            print(f"{'rule':8} {'failed':>6} {'cases':>6}  first failing case")
            for rule in sorted(failures):
                first = failures[rule][0]
                print(f"{rule:8} {len(failures[rule]):6d} {totals[rule]:6d}  {first[0]} expect={first[1]} count={first[2]} got={first[3][:4]}")
    assert rate >= TARGET, f"conformance {rate:.2%} is below {TARGET:.0%}"


@pytest.mark.parametrize("rule", ["DL3006", "DL3007", "DL3002"])
def test_spine_rules_fully_conform(rule):
    for case in load_cases():
        if case["rule"] == rule and case["hadolint_agrees"]:
            ok, got = run_case(case)
            assert ok, (case["id"], case["dockerfile"], got)
