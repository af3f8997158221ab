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


def test_stamps_of_other_rule_directories_are_pruned_when_one_is_written(tmp_path, monkeypatch):
    """Every checkout, virtual environment and test copy leaves a stamp in the user's cache:
    writing one keeps the 32 most recently written, the new one among them, and nothing else
    there is touched (another process's stamp being written, the other caches' files)."""
    import os

    monkeypatch.delenv("DOCKERLINT_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    from dockerlint import user_cache_dir

    user = user_cache_dir()
    os.makedirs(user)
    old = []
    for i in range(40):  # older first: stamp 39 is the most recently written of them
        path = os.path.join(user, f"rule-index-{i:08x}")
        with open(path, "w") as f:
            f.write("00000000 00000000\n")
        os.utime(path, ns=(1_000_000_000 * (i + 1), 1_000_000_000 * (i + 1)))
        old.append(path)
    others = ["rule-index-0000abcd.4242", "module-code-a70d0d0a.bin", "eol.json"]
    for name in others:
        with open(os.path.join(user, name), "w") as f:
            f.write("x")

    recorded = json.loads(open(os.path.join(ruleset._package_dir(), ruleset.INDEX_NAME)).read())["checksum"]
    assert ruleset._checksum_matches(recorded)

    left = set(os.listdir(user))
    stamps = {n for n in left if n.startswith("rule-index-") and "." not in n}
    assert len(stamps) == 32
    assert {os.path.basename(p) for p in old[-31:]} <= stamps  # the newest 31 of the old ones
    assert not {os.path.basename(p) for p in old[:9]} & stamps  # the 9 oldest gone
    assert set(others) <= left
    written = stamps - {os.path.basename(p) for p in old}
    assert len(written) == 1  # this directory's new stamp
    assert ruleset._checksum_matches(recorded)  # and it serves the next start
