"""Pod Security Standards conformance: the upstream PSA fixtures (policy v1.37) under ../shared.

Each fixture is linted with `--select pss-<level>`; only findings with a `PSS:<level>:` alias
count. A fail fixture needs a finding naming its check (or one of its expected checks, with
overridden baseline controls renamed at restricted); a pass fixture must have none. Every
fixture is also wrapped in a Deployment, a CronJob and a PodTemplate, with identical results.
"""
from __future__ import annotations

import json
import re
import textwrap
from collections import Counter

import pytest

from conftest import shared_path
from dockerlint.engine import lint_source
from dockerlint.settings import Settings

OVERRIDES = {
    "capabilities_baseline": "capabilities_restricted",
    "seccompProfile_baseline": "seccompProfile_restricted",
    "hostPathVolumes": "restrictedVolumes",
    "procMount": "procMount_restricted",
}
WRAPPERS = ("Deployment", "CronJob", "PodTemplate")


def _index() -> list[dict]:
    root = shared_path("conformance", "pss")
    entries = [json.loads(line) for line in (root / "index.jsonl").read_text().splitlines() if line.strip()]
    for entry in entries:
        entry["text"] = (root / entry["file"]).read_text()
    return entries


def _wanted(entry: dict) -> set[str]:
    level = entry["level"]
    checks = set(entry["expected_checks"])
    if entry["check_id"]:
        checks.add(entry["check_id"])
    if level == "restricted":
        checks = {OVERRIDES.get(c, c) for c in checks}
    return checks


def _pss_findings(text: str, level: str) -> list[tuple[str, tuple[str, ...]]]:
    """(code, PSS controls at `level`) of each finding with a PSS alias at that level."""
    result = lint_source(text, "pod.yaml", Settings(select=[f"pss-{level}"]))
    assert result.error is None, result.error
    prefix = f"PSS:{level}:"
    out = []
    for f in result.findings:
        controls = tuple(sorted(a[len(prefix):] for a in f.aliases if a.startswith(prefix)))
        if controls:
            out.append((f.code, controls))
    return out


def _verdict(entry: dict, findings) -> bool:
    if entry["expect"] == "pass":
        return not findings
    wanted = _wanted(entry)
    return any(set(controls) & wanted for _, controls in findings)


def _blocks(text: str) -> dict[str, str]:
    """Top-level keys of a one-document fixture -> their block (key line included)."""
    blocks: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        m = re.match(r"^([A-Za-z]\w*):", line)
        if m:
            current = m.group(1)
            blocks[current] = []
        blocks[current].append(line)
    return {k: "\n".join(v) + "\n" for k, v in blocks.items()}


def wrap(text: str, kind: str) -> str:
    """The fixture's metadata and spec as the pod template of `kind` (README §7)."""
    blocks = _blocks(text)
    pod = blocks.get("metadata", "") + blocks["spec"]
    head = f"kind: {kind}\nmetadata:\n  name: wrapped\n"
    if kind == "Deployment":
        return "apiVersion: apps/v1\n" + head + "spec:\n  template:\n" + textwrap.indent(pod, "    ")
    if kind == "CronJob":
        return (
            "apiVersion: batch/v1\n" + head + "spec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n"
            "      template:\n" + textwrap.indent(pod, "        ")
        )
    if kind == "PodTemplate":
        return "apiVersion: v1\n" + head + "template:\n" + textwrap.indent(pod, "  ")
    raise ValueError(kind)


def _score(entries, transform=lambda t: t):
    passed, failures = 0, []
    for entry in entries:
        findings = _pss_findings(transform(entry["text"]), entry["level"])
        if _verdict(entry, findings):
            passed += 1
        else:
            failures.append(f"{entry['file']} ({entry['expect']}): {findings}")
    return passed, failures


@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_pss_fixtures(level):
    entries = [e for e in _index() if e["level"] == level]
    assert entries
    passed, failures = _score(entries)
    print(f"\nPSS {level} v1.37: {passed}/{len(entries)} = {100 * passed / len(entries):.1f}%")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("kind", WRAPPERS)
@pytest.mark.parametrize("level", ["baseline", "restricted"])
def test_pss_fixtures_wrapped(level, kind):
    entries = [e for e in _index() if e["level"] == level]
    passed, failures = _score(entries, lambda t: wrap(t, kind))
    print(f"\nPSS {level} v1.37 in a {kind}: {passed}/{len(entries)} = {100 * passed / len(entries):.1f}%")
    assert not failures, "\n".join(failures)
    for entry in entries:
        plain = Counter(_pss_findings(entry["text"], level))
        wrapped = Counter(_pss_findings(wrap(entry["text"], kind), level))
        assert plain == wrapped, f"{entry['file']} as {kind}: {dict(plain)} != {dict(wrapped)}"


def test_fail_fixtures_name_only_their_controls():
    """Stricter than the score: every PSS alias on a fail fixture is one of its expected checks,
    so a finding's aliases name exactly the controls it violates."""
    problems = []
    for entry in _index():
        if entry["expect"] != "fail":
            continue
        wanted = _wanted(entry)
        for code, controls in _pss_findings(entry["text"], entry["level"]):
            extra = set(controls) - wanted
            if extra:
                problems.append(f"{entry['file']}: {code} names {sorted(extra)}, expected {sorted(wanted)}")
    assert not problems, "\n".join(problems)


def test_cross_level_expectations():
    """README §4: restricted passes also pass baseline; baseline fails also fail restricted."""
    entries = _index()
    for entry in entries:
        if entry["level"] == "restricted" and entry["expect"] == "pass":
            assert not _pss_findings(entry["text"], "baseline"), entry["file"]
        if entry["level"] == "baseline" and entry["expect"] == "fail":
            assert _pss_findings(entry["text"], "restricted"), entry["file"]


def test_preset_selects_exactly_the_pss_rules():
    from dockerlint import ruleset

    baseline = {r.code for r in ruleset.all_rules() if ruleset.matches(r, "pss-baseline")}
    restricted = {r.code for r in ruleset.all_rules() if ruleset.matches(r, "pss-restricted")}
    assert baseline < restricted
    assert restricted - baseline == {"KS002", "KS004", "KS018"}
    assert not {"KS001", "KS008", "KS011"} & restricted
