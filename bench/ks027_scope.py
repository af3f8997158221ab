"""KS027 (default namespace) on the Kubernetes corpus: objects judged with the scope knowledge of
dockerlint/rulekit/k8s_scope.py against the old flat list of cluster-scoped kinds (issue 17).

Counts the objects without a namespace (or in `default`) that each version would report, and
the kinds the new one no longer judges, by apiVersion group.
Usage: python bench/ks027_scope.py [--corpus DIR]
"""
from __future__ import annotations

import argparse
import collections
import os
from pathlib import Path

from dockerlint.parse.detect import detect
from dockerlint.rulekit.k8s_model import objects
from dockerlint.rulekit.k8s_scope import NAMESPACED, scope_of

# the table KS027 used before issue 17: everything else was judged
OLD_CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "CustomResourceDefinition", "PriorityClass", "PodSecurityPolicy", "IngressClass", "RuntimeClass",
    "CSIDriver", "CSINode", "VolumeAttachment", "APIService", "CertificateSigningRequest",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus", "SecurityContextConstraints",
    "ClusterIssuer", "ClusterPolicy", "ClusterSecretStore", "DeviceClass", "List",
})
SYSTEM = {("Service", "kubernetes"), ("ServiceAccount", "default"), ("Endpoints", "kubernetes"), ("EndpointSlice", "kubernetes")}


def crd_scopes(objs) -> dict:
    scopes = {}
    for o in objs:
        spec = o.node.get_mapping("spec") if o.kind == "CustomResourceDefinition" else None
        names = spec.get_mapping("names") if spec is not None else None
        if names is not None and spec.str("group") and names.str("kind") and spec.str("scope"):
            scopes[(spec.str("group").strip(), names.str("kind").strip())] = spec.str("scope")
    return scopes


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=Path(__file__).resolve().parents[2] / "shared" / "corpus" / "kubernetes")
    args = ap.parse_args()
    old = new = 0
    dropped: collections.Counter = collections.Counter()
    for name in sorted(os.listdir(args.corpus)):
        path = args.corpus / name
        _kind, documents = detect(str(path), path.read_text(encoding="utf-8", errors="replace"))
        if documents is None:
            continue
        objs = objects(documents)
        crds = crd_scopes(objs)
        for o in objs:
            if (o.namespace or "").strip() not in ("", "default") or (o.kind, o.name) in SYSTEM:
                continue
            was, now = o.kind not in OLD_CLUSTER_SCOPED, scope_of(o, crds) == NAMESPACED
            old += was
            new += now
            if was and not now:
                dropped[f"{(o.api_version or '').rpartition('/')[0] or o.api_version} {o.kind}"] += 1
    print(f"objects KS027 judges: before {old}, after {new}")
    for what, n in dropped.most_common(25):
        print(f"  no longer judged: {n:4}  {what}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
