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
