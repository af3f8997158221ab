"""The rule index (rules/_index.json) lets `check` import only the selected rules; it must be current."""
from __future__ import annotations

import json
import os

from dockerlint import ruleset


def test_index_is_current():
    path = os.path.join(ruleset._package_dir(), ruleset.INDEX_NAME)
    assert os.path.exists(path), "no rule index: run `python -m dockerlint.ruleset --write-index`"
    with open(path, encoding="utf-8") as f:
        stored = json.load(f)
    assert stored == ruleset.build_index(), "the rule index is stale: run `python -m dockerlint.ruleset --write-index`"
    assert ruleset.index() is not None


def test_index_selection_matches_full_import():
    from dockerlint.model import FileKind

    for kind in FileKind:
        for select, ignore in ((["DEFAULT"], []), (["ALL"], ["SC"]), (["DL30"], ["DL3008"]), (["pss-restricted"], [])):
            via_index = [r.code for r in ruleset.rules_for(kind, select, ignore)]
            via_classes = [r.code for r in ruleset.all_rules() if kind in r.kinds and ruleset.rule_selected(r, select, ignore)]
            assert via_index == via_classes, (kind, select, ignore)


def test_a_validated_index_is_remembered_until_a_rule_file_changes(tmp_path, monkeypatch):
    """The checksum read every rule file at each start; a stamp in the user's cache directory
    keyed by the files' names, sizes and times stands in for it, and a changed file is read."""
    import shutil

    rules = tmp_path / "rules"
    shutil.copytree(ruleset._package_dir(), rules, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(ruleset, "_package_dir", lambda: str(rules))
    monkeypatch.delenv("DOCKERLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    recorded = json.loads((rules / ruleset.INDEX_NAME).read_text())["checksum"]
    reads = []
    real = ruleset.rules_checksum
    monkeypatch.setattr(ruleset, "rules_checksum", lambda: reads.append(1) or real())

    assert ruleset._checksum_matches(recorded) and len(reads) == 1
    assert ruleset._checksum_matches(recorded) and len(reads) == 1  # the stamp, no reading
    edited = next(rules.glob("dl3006*.py"))
    edited.write_text(edited.read_text() + "\n# edited\n")
    assert not ruleset._checksum_matches(recorded) and len(reads) == 2  # a changed file is read again
    assert not ruleset._checksum_matches(recorded)  # and a mismatch is never remembered as a match
