"""An alias names the same check in another tool, judged against the peers' own tables
(`../shared/reference/k8s-checks.tsv`): selecting or suppressing a peer id must select exactly
what that peer judges."""
from __future__ import annotations

import csv
import json
import re
from collections import defaultdict

import pytest

from conftest import shared_path
from dockerlint import ruleset
from helpers import lint

_COLUMNS = ("checkov", "trivy", "kubescape")


def _norm(alias: str) -> str:
    m = re.fullmatch(r"(?:AVD-)?(KSV|KCV)-?0*(\d+)", alias)
    return f"{m.group(1)}-{int(m.group(2)):04d}" if m else alias


def _concepts() -> dict[str, set[str]]:
    rows = csv.DictReader(open(shared_path("reference", "k8s-checks.tsv"), encoding="utf-8"), delimiter="\t")
    out: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        for column in _COLUMNS:
            for token in re.split(r"[,;]\s*|\s+", row.get(column) or ""):
                token = re.sub(r"\(.*\)", "", token).strip()
                if token and token != "-":
                    out[_norm(token)].add(row["concept"])
    return out


# control-plane rules: every Checkov/Trivy id they carry must be about their component
_COMPONENT = {"KS055": "kube-apiserver:", "KS056": "kube-controller-manager:", "KS057": "kube-scheduler:", "KS058": "etcd:", "KS059": "kubelet:"}


def _checkov_case_manifests() -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for line in open(shared_path("conformance", "k8s", "checkov.jsonl"), encoding="utf-8"):
        case = json.loads(line)
        out[case["check"]].append(case["manifest"])
    return out


@pytest.mark.parametrize("code", sorted(_COMPONENT))
def test_control_plane_aliases_name_checks_of_that_component(code):
    """A control-plane rule carries only checks about its component: by the reference table's
    concept, or by the peer's own test cases (Checkov's CKV_K8S_112 is listed for
    kube-controller-manager but its cases read kubelet pods too)."""
    concepts = _concepts()
    manifests = _checkov_case_manifests()
    component = _COMPONENT[code].rstrip(":")
    rule = ruleset.rule_class(code)
    wrong = {
        a: sorted(concepts[_norm(a)])
        for a in rule.aliases
        if _norm(a) in concepts
        and not any(c.startswith(_COMPONENT[code]) for c in concepts[_norm(a)])
        and not any(re.search(rf"(^|[\s/\"'-]){re.escape(component)}(\s|$|\"|')", m, re.M) for m in manifests.get(a, []))
    }
    assert not wrong, f"{code} carries checks of another component: {wrong}"


def test_checkov_default_service_account_checks_are_their_own_rules():
    """Checkov CKV_K8S_41/42 judge the `default` ServiceAccount object and bindings to it, not
    pods: the pod rule KS026 must not carry them (that pair was most of the disagreement with
    Checkov on real manifests)."""
    assert not {"CKV_K8S_41", "CKV_K8S_42", "C-0189"} & set(ruleset.rule_class("KS026").aliases)
    assert "CKV_K8S_41" in ruleset.rule_class("KS079").aliases
    assert "CKV_K8S_42" in ruleset.rule_class("KS080").aliases
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    image: nginx:1.27\n"
    [finding] = lint(pod, ["KS026"], filename="pod.yaml").findings
    assert finding.aliases == ("kube-linter:default-service-account",)
    account = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: shop\n"
    assert [f.code for f in lint(account, ["KS026", "KS079"], filename="sa.yaml").findings] == ["KS079"]
    assert [r.code for r in ruleset.by_alias("CKV_K8S_41")] == ["KS079"]


def test_kubescape_c0075_is_not_an_alias_of_either_half():
    """C-0075 fails only on `latest`/untagged images whose pull policy is not Always: neither
    KS001 (the tag) nor KS032 (the pull policy) alone."""
    for code in ("KS001", "KS032"):
        assert "C-0075" not in ruleset.rule_class(code).aliases
