"""Kubernetes conformance with Checkov and kube-linter: their own test fixtures under ../shared.

A case (`conformance/k8s/{checkov,kube-linter}.jsonl`) names the peer's check, a manifest, the
object it is about (`Kind/name`) and the peer's verdict. It counts as implemented when the check
is an alias of some dockerlint rule (`CKV_K8S_n` / `CKV2_K8S_n`, `kube-linter:<check>`). The
manifest is linted with only those rules selected; a finding counts when it is one of those
rules' and carries the check's id among its aliases (a rule covering several peer checks
names per finding the ones it matches), and it belongs to the object whose span holds it.

`fail` needs such a finding on the case's object; `pass` and `skipped` (a `checkov.io/skipN`
annotation, honoured by dockerlint.kinds.k8s_annotations) need none. Where we differ on purpose the case
is listed in INTENTIONAL with the reason; it still counts as a difference.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache

import pytest

from conftest import shared_path
from dockerlint import ruleset
from dockerlint.engine import lint_source
from dockerlint.rulekit.k8s_model import objects
from dockerlint.model import FileKind, SourceText
from dockerlint.parse.yaml import load_documents
from dockerlint.settings import Settings

TOOLS = ("checkov", "kube-linter")
MIN_AGREEMENT = 0.95

_K_ = "bridgecrewio/checkov:tests/kubernetes/"
_KL = "stackrox/kube-linter:tests/checks/"

# "<check> <case id>" (an id alone is not unique: one fixture serves several checks) -> why
# dockerlint's verdict differs from the peer's on purpose
INTENTIONAL: dict[str, str] = {
    # malformed objects: the API server rejects them, we do not guess what they meant
    f"CKV_K8S_23 {_K_}checks/example_RootContainers/rootContainersFAILED-malformed-spec.yaml#Pod.default.pod1":
        "spec is a list, not a pod spec: no container can be read, so nothing is reported",
    f"CKV_K8S_29 {_K_}checks/example_SecurityContexts/pod-container-FAILED_malformed_spec.yaml#Pod.default.security-context-demo":
        "spec is a list, not a pod spec: the object is not a readable pod",
    # KS002 follows PSS restricted (documented there)
    f"CKV_K8S_23 {_K_}checks/example_RootContainers/rootContainersPASSED.yaml#Pod.default.pod3":
        "KS002 also reports the explicit pod-level runAsNonRoot: false that every container overrides",
    f"CKV_K8S_23 {_K_}checks/example_RootContainers/rootContainersPASSED.yaml#Pod.default.pod4":
        "PSS restricted wants runAsNonRoot: true even with a non-zero runAsUser (KS002 allow_non_root_uid relaxes it)",
    f"CKV_K8S_23 {_K_}checks/example_RootContainers/rootContainersPASSED.yaml#Pod.default.pod5":
        "PSS restricted wants runAsNonRoot: true even with a non-zero runAsUser (KS002 allow_non_root_uid relaxes it)",
    # KS005: the legacy seccomp annotations have had no effect since Kubernetes 1.27
    f"CKV_K8S_31 {_K_}checks/example_Seccomp/cronjob-seccomp-PASSED.yaml#CronJob.default.cronjob-passed":
        "a seccomp.security.alpha.kubernetes.io annotation alone sets no profile on current Kubernetes",
    f"CKV_K8S_31 {_K_}checks/example_Seccomp/pod-seccomp-PASSED.yaml#Pod.default.seccomp-passed-metadata-annotations-docker":
        "a seccomp.security.alpha.kubernetes.io annotation alone sets no profile on current Kubernetes",
    f"CKV_K8S_31 {_K_}checks/example_Seccomp/pod-seccomp-PASSED2.yaml#Pod.default.seccomp-passed-metadata-annotations-runtime":
        "a seccomp.security.alpha.kubernetes.io annotation alone sets no profile on current Kubernetes",
    f"CKV_K8S_31 {_K_}checks/example_Seccomp/pod-seccomp-PASSED6.yaml#Deployment.default.seccomp-passed-metadata-annotations":
        "a seccomp.security.alpha.kubernetes.io annotation alone sets no profile on current Kubernetes",
    f"CKV_K8S_37 {_K_}checks/example_DropCapabilities/pod-drop-all-capabilities-PASSED2.yaml#Pod.default.pod-drop-all-capability":
        "KS007 follows PSS restricted, which requires the exact name ALL in capabilities.drop, not `all`",
    # control-plane flags: Checkov ignores the flag's default
    f"CKV_K8S_82 {_K_}checks/example_ApiServerServiceAccountPlugin/ApiServerServiceAccountPlugin-FAILED.yaml#Pod.kube-system.kube-apiserver":
        "ServiceAccount is a default admission plugin: it is on unless --disable-admission-plugins names it",
    f"CKV_K8S_83 {_K_}checks/example_ApiServerNamespaceLifecyclePlugin/ApiServerNamespaceLifecyclePlugin-FAILED.yaml#Pod.kube-system.kube-apiserver":
        "NamespaceLifecycle is a default admission plugin: it is on unless --disable-admission-plugins names it",
    f"CKV_K8S_96 {_K_}checks/example_ApiServerServiceAccountLookup/ApiServer-FAILED-2.yaml#Pod.kube-system.kube-apiserver":
        "--service-account-lookup defaults to true, so leaving it unset is the secure setting",
    # RBAC graph checks: Checkov counts only ServiceAccount/Node subjects and ignores API groups
    f"CKV2_K8S_1 {_K_}graph/checks/resources/RoleBindingPE/Passing2#ClusterRoleBinding.default.passing-crb2":
        "a User bound to a role that can bind roles escalates just like a ServiceAccount does",
    f"CKV2_K8S_2 {_K_}graph/checks/resources/NoCreateNodesProxyOrPodsExec/Failing/4#ClusterRoleBinding.default.failing-crb4":
        "resources '*' in apiGroup rbac.authorization.k8s.io grants no pods/exec or nodes/proxy (core group)",
    f"CKV2_K8S_2 {_K_}graph/checks/resources/NoCreateNodesProxyOrPodsExec/Passing/2#ClusterRoleBinding.default.passing-crb2":
        "get on nodes/proxy is enough to exec through the kubelet over a websocket upgrade",
    # kube-linter
    f"drop-net-raw-capability {_KL}drop-net-raw-capability.yml#Deployment/dont-fire":
        "a container with no drop list keeps NET_RAW under containerd/Docker, as Checkov CKV_K8S_28 says too",
    f"drop-net-raw-capability {_KL}drop-net-raw-capability.yml#DeploymentConfig/dont-fire":
        "a container with no drop list keeps NET_RAW under containerd/Docker, as Checkov CKV_K8S_28 says too",
    f"dangling-networkpolicy {_KL}dangling-networkpolicy.yml#NetworkPolicy/app":
        "KS076 judges a policy only against the workloads of its own file; this file has none",
    f"dangling-networkpolicypeer-podselector {_KL}dangling-networkpolicypeer-podselector.yml#NetworkPolicy/app":
        "KS076 judges a policy only against the workloads of its own file; this file has none",
}


def _key(case: dict) -> str:
    return f"{case['check']} {case['id']}"


# The peer ran its check with these parameters (kube-linter's built-in check configuration);
# our rules run with the equivalent options for those cases.
CHECK_OPTIONS: dict[str, dict[str, dict]] = {
    "kube-linter:priority-class-name": {"KS066": {"allowed": ["system-cluster-critical", "system-node-critical"]}},
    "kube-linter:restart-policy": {"KS072": {"accepted": ["Always", "OnFailure"]}},
    "kube-linter:required-label-owner": {"KS069": {"labels": ["owner"], "annotations": []}},
    "kube-linter:required-annotation-email": {
        "KS069": {"labels": [], "annotations": [r"email=[a-zA-Z0-9_.+-]+@[a-zA-Z0-9-]+\.[a-zA-Z0-9-.]+"]}
    },
}


def _alias(case: dict) -> str:
    return case["check"] if case["tool"] == "checkov" else f"kube-linter:{case['check']}"


@lru_cache(maxsize=1)
def _rules_by_alias() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = defaultdict(list)
    for rule in ruleset.all_rules():
        if FileKind.KUBERNETES in rule.kinds:
            for alias in rule.aliases:
                found[alias].append(rule.code)
    return {k: tuple(v) for k, v in found.items()}


@lru_cache(maxsize=1)
def _cases() -> tuple[dict, ...]:
    root = shared_path("conformance", "k8s")
    out = []
    for tool in TOOLS:
        for line in (root / f"{tool}.jsonl").read_text().splitlines():
            if line.strip():
                out.append(json.loads(line))
    return tuple(out)


def _implemented() -> list[dict]:
    by_alias = _rules_by_alias()
    return [c for c in _cases() if _alias(c) in by_alias]


def _owner(objs, offset: int):
    """The innermost object whose span holds `offset` (a List item rather than the List)."""
    best = None
    for obj in objs:
        if obj.span.start <= offset < max(obj.span.end, obj.span.start + 1):
            if best is None or obj.span.start >= best.span.start:
                best = obj
    return best


def _fires(case: dict) -> tuple[bool, list[str]]:
    """Whether dockerlint reports the case's check on the case's object, and the messages."""
    alias = _alias(case)
    codes = _rules_by_alias()[alias]
    text = case["manifest"]
    settings = Settings(select=list(codes), rule_options=CHECK_OPTIONS.get(alias, {}))
    result = lint_source(text, "manifest.yaml", settings, FileKind.KUBERNETES)
    assert result.error is None, f"{case['id']}: {result.error}"
    objs = objects(load_documents(SourceText(text)))
    kind, _, name = case["resource"].partition("/")
    if name == "(unnamed)":
        name = ""
    hits = []
    for f in result.findings:
        if f.code not in codes or alias not in f.aliases:
            continue
        obj = _owner(objs, f.span.start)
        if obj is not None and obj.kind == kind and (obj.name or "") == name:
            hits.append(f"{f.code} {f.span.line}:{f.span.col} {f.message}")
    return bool(hits), hits


def _agrees(case: dict, fired: bool) -> bool:
    return fired if case["expect"] == "fail" else not fired


@lru_cache(maxsize=1)
def _results() -> tuple[tuple[dict, bool, tuple[str, ...]], ...]:
    out = []
    for case in _implemented():
        fired, hits = _fires(case)
        out.append((case, fired, tuple(hits)))
    return tuple(out)


def test_conformance_agreement(capsys):
    results = _results()
    assert results, "no conformance case maps to a dockerlint rule"
    per_concept: dict[str, Counter] = defaultdict(Counter)
    differ = []
    for case, fired, hits in results:
        ok = _agrees(case, fired) and _key(case) not in INTENTIONAL
        per_concept[case["concept"]]["agree" if ok else "differ"] += 1
        if not ok:
            differ.append((case, fired, hits))
    agreed = sum(c["agree"] for c in per_concept.values())
    total = len(results)
    with capsys.disabled():
        print(f"\nKubernetes conformance: {len(per_concept)} concepts, {total} cases, "
              f"{agreed}/{total} agree ({agreed / total:.1%})")
        for concept, counts in sorted(per_concept.items()):
            n = counts["agree"] + counts["differ"]
            codes = sorted({c for case, _, _ in results if case["concept"] == concept for c in _rules_by_alias()[_alias(case)]})
            print(f"  {counts['agree']:3}/{n:<3} {'/'.join(codes):12} {concept[:80]}")
        for case, fired, hits in differ:
            reason = INTENTIONAL.get(_key(case), "UNEXPECTED")
            print(f"  differ: {_key(case)} [expect={case['expect']} fired={fired}] {reason}")
    unexpected = [(_key(c), c["expect"], h) for c, f, h in differ if _key(c) not in INTENTIONAL]
    assert not unexpected, unexpected
    assert agreed / total >= MIN_AGREEMENT


def test_intentional_differences_are_real_and_explained():
    by_id = {_key(case): (case, fired) for case, fired, _ in _results()}
    for case_id, reason in INTENTIONAL.items():
        assert reason.strip(), case_id
        assert case_id in by_id, f"{case_id} is not an implemented conformance case"
        case, fired = by_id[case_id]
        assert not _agrees(case, fired), f"{case_id} now agrees with {case['tool']}: drop it from INTENTIONAL"


def test_every_case_concept_is_known():
    rows = (shared_path("reference", "k8s-checks.tsv")).read_text().splitlines()
    concepts = {line.split("\t", 1)[0] for line in rows[1:]}
    assert {c["concept"] for c in _cases()} <= concepts
