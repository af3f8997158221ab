"""Suppressions written as Kubernetes annotations, on an object or on its pod template.

    dockerlint.io/ignore: "KS003,KS008"            every finding of those rules in the object
    dockerlint.io/ignore.<container-name>: KS008    only inside that container
    checkov.io/skip1: CKV_K8S_20=reason             Checkov's form (matched through aliases;
                                                    also its bridgecrew.io/ and cortex.io/ prefixes)
    ignore-check.kube-linter.io/privileged-container: reason   kube-linter's form
"""
from __future__ import annotations

from dockerlint.model import Finding
from dockerlint.suppressions import code_matches

PREFIX = "dockerlint.io/ignore"


_KEYS = (PREFIX, "checkov.io/skip", "bridgecrew.io/skip", "cortex.io/skip", "ignore-check.kube-linter.io/")


def _annotation_pairs(meta):
    """The annotations that may suppress something (most manifests' annotations never do:
    Helm's, kubectl's, a deployment's revision), as (key, value) strings."""
    if meta is None:
        return []
    annotations = meta.get("annotations")
    if annotations is None or not hasattr(annotations, "pairs"):
        return []
    out = []
    for key, value in annotations.pairs:
        k = getattr(key, "value", None)
        if isinstance(k, str) and k.startswith(_KEYS):
            v = getattr(value, "value", None)
            out.append((k, v if isinstance(v, str) else ""))
    return out


def _rules_in(key: str, value: str, finding: Finding) -> bool:
    if key == PREFIX:
        return any(code_matches(finding, c) for c in value.split(",") if c.strip())
    if key.startswith(("checkov.io/skip", "bridgecrew.io/skip", "cortex.io/skip")):
        check_id = value.split("=", 1)[0].strip()
        return bool(check_id) and check_id in finding.aliases
    if key.startswith("ignore-check.kube-linter.io/"):
        check = key.split("/", 1)[1]
        return f"kube-linter:{check}" in finding.aliases
    return False


def filter_annotations(findings: list[Finding], documents) -> list[Finding]:
    if not findings:
        return findings
    from dockerlint.rulekit.k8s_model import objects, workloads

    objs = objects(documents)
    if not any(_annotation_pairs(o.metadata) for o in objs) and not any(
        _annotation_pairs(w.pod_meta) for w in workloads(documents)
    ):
        return findings
    loads = workloads(documents)
    kept = []
    for f in findings:
        obj = next((o for o in objs if o.span.start <= f.span.start < max(o.span.end, o.span.start + 1)), None)
        if obj is None:
            kept.append(f)
            continue
        pairs = _annotation_pairs(obj.metadata)
        workload = next((w for w in loads if w.obj.node is obj.node), None)
        containers = []
        if workload is not None:
            pairs += _annotation_pairs(workload.pod_meta)
            containers = [c for c in workload.containers if c.node.span.start <= f.span.start < c.node.span.end]
        suppressed = False
        for key, value in pairs:
            if key.startswith(PREFIX + "."):
                name = key[len(PREFIX) + 1 :]
                if any(c.name == name for c in containers) and any(
                    code_matches(f, c) for c in value.split(",") if c.strip()
                ):
                    suppressed = True
            elif _rules_in(key, value, f):
                suppressed = True
            if suppressed:
                break
        if not suppressed:
            kept.append(f)
    return kept
