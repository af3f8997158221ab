"""Is a Kubernetes-looking document a cluster object at all, and is its kind namespaced?

Three answers for the scope of a kind: "Namespaced", "Cluster", or None when nothing in sight
says (a custom kind with no CRD in the file): a rule about namespaces must not judge those.

Sources, in order:
1. CRDs in the same file (`spec.group`, `spec.names.kind`, `spec.scope`) decide for their kind.
   Hook: `crd_scopes(ctx)` is the one place that gathers CRD scopes for a file; a catalogue of
   CRDs seen elsewhere (other files of the run, a schema store) plugs in there.
2. Built-in API groups: `kubectl api-resources --namespaced=false` of Kubernetes 1.33 for the
   cluster-scoped kinds; every other kind of a built-in group is namespaced.
3. Widely installed CRDs (VolumeSnapshot*, Gateway API, cert-manager, Gatekeeper, Kyverno,
   External Secrets, Calico, Cilium, Karpenter, Crossplane, OpenShift, Argo, Tekton, Istio,
   Prometheus Operator, Knative, Strimzi, Traefik, NGINX, Ray, OpenTelemetry, Dapr, Kong, Chaos
   Mesh), from their published CRD manifests: the custom kinds most common in the corpus.

Config files shaped like objects (`apiVersion` + `kind`) but read by a tool rather than sent
to the API server (Kustomization, kind/k3d/kubeadm/kubelet configs, kubeconfig) are not
cluster objects: `is_config_file` says so.
"""
from __future__ import annotations

from dockerlint.rulekit.k8s_model import K8sObject

NAMESPACED = "Namespaced"
CLUSTER = "Cluster"

BUILTIN_GROUPS = frozenset({
    "", "apps", "batch", "autoscaling", "policy", "extensions", "networking.k8s.io",
    "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
    "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io",
    "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
    "events.k8s.io", "flowcontrol.apiserver.k8s.io", "node.k8s.io", "scheduling.k8s.io",
    "resource.k8s.io", "internal.apiserver.k8s.io", "storagemigration.k8s.io", "metrics.k8s.io",
})

# Built-in kinds that live outside namespaces (all versions, current and removed).
BUILTIN_CLUSTER_SCOPED = frozenset({
    "Namespace", "Node", "PersistentVolume", "ComponentStatus",
    "ClusterRole", "ClusterRoleBinding",
    "StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass",
    "CustomResourceDefinition", "APIService",
    "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
    "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
    "TokenReview", "SelfSubjectReview", "SubjectAccessReview", "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "CertificateSigningRequest", "ClusterTrustBundle",
    "FlowSchema", "PriorityLevelConfiguration",
    "IngressClass", "IPAddress", "ServiceCIDR", "RuntimeClass", "PriorityClass",
    "PodSecurityPolicy", "DeviceClass", "ResourceSlice", "DeviceTaintRule",
    "StorageVersion", "StorageVersionMigration", "NodeMetrics",
    "List",  # a v1 List wraps objects; it is not itself stored in a namespace
})

# Widely installed CRDs: (group, kind) -> scope; a kind of `*` stands for every kind of the group.
WELL_KNOWN_CRDS: dict[tuple[str, str], str] = {
    ("snapshot.storage.k8s.io", "VolumeSnapshot"): NAMESPACED,
    ("snapshot.storage.k8s.io", "VolumeSnapshotClass"): CLUSTER,
    ("snapshot.storage.k8s.io", "VolumeSnapshotContent"): CLUSTER,
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshot"): NAMESPACED,
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshotClass"): CLUSTER,
    ("groupsnapshot.storage.k8s.io", "VolumeGroupSnapshotContent"): CLUSTER,
    ("gateway.networking.k8s.io", "GatewayClass"): CLUSTER,
    ("gateway.networking.k8s.io", "*"): NAMESPACED,
    ("cert-manager.io", "ClusterIssuer"): CLUSTER,
    ("cert-manager.io", "*"): NAMESPACED,
    ("templates.gatekeeper.sh", "ConstraintTemplate"): CLUSTER,
    ("constraints.gatekeeper.sh", "*"): CLUSTER,
    ("mutations.gatekeeper.sh", "*"): CLUSTER,
    ("expansion.gatekeeper.sh", "*"): CLUSTER,
    ("kyverno.io", "ClusterPolicy"): CLUSTER,
    ("kyverno.io", "ClusterCleanupPolicy"): CLUSTER,
    ("kyverno.io", "Policy"): NAMESPACED,
    ("kyverno.io", "CleanupPolicy"): NAMESPACED,
    ("external-secrets.io", "ClusterSecretStore"): CLUSTER,
    ("external-secrets.io", "ClusterExternalSecret"): CLUSTER,
    ("external-secrets.io", "SecretStore"): NAMESPACED,
    ("external-secrets.io", "ExternalSecret"): NAMESPACED,
    ("crd.projectcalico.org", "NetworkPolicy"): NAMESPACED,
    ("crd.projectcalico.org", "NetworkSet"): NAMESPACED,
    ("crd.projectcalico.org", "*"): CLUSTER,
    ("projectcalico.org", "NetworkPolicy"): NAMESPACED,
    ("projectcalico.org", "NetworkSet"): NAMESPACED,
    ("projectcalico.org", "*"): CLUSTER,
    ("cilium.io", "CiliumClusterwideNetworkPolicy"): CLUSTER,
    ("cilium.io", "CiliumNetworkPolicy"): NAMESPACED,
    ("karpenter.sh", "*"): CLUSTER,
    ("karpenter.k8s.aws", "*"): CLUSTER,
    ("apiextensions.crossplane.io", "*"): CLUSTER,
    ("pkg.crossplane.io", "*"): CLUSTER,
    ("security.openshift.io", "SecurityContextConstraints"): CLUSTER,
    ("argoproj.io", "ClusterWorkflowTemplate"): CLUSTER,
    ("argoproj.io", "*"): NAMESPACED,  # Workflow, WorkflowTemplate, CronWorkflow, Application, Rollout
    ("tekton.dev", "ClusterTask"): CLUSTER,
    ("tekton.dev", "*"): NAMESPACED,
    ("networking.istio.io", "*"): NAMESPACED,
    ("security.istio.io", "*"): NAMESPACED,
    ("telemetry.istio.io", "*"): NAMESPACED,
    ("extensions.istio.io", "*"): NAMESPACED,
    ("install.istio.io", "*"): NAMESPACED,
    ("monitoring.coreos.com", "*"): NAMESPACED,
    ("monitoring.googleapis.com", "ClusterPodMonitoring"): CLUSTER,
    ("monitoring.googleapis.com", "ClusterRules"): CLUSTER,
    ("monitoring.googleapis.com", "GlobalRules"): CLUSTER,
    ("monitoring.googleapis.com", "*"): NAMESPACED,
    ("serving.knative.dev", "*"): NAMESPACED,
    ("eventing.knative.dev", "*"): NAMESPACED,
    ("kafka.strimzi.io", "*"): NAMESPACED,
    ("traefik.io", "*"): NAMESPACED,
    ("traefik.containo.us", "*"): NAMESPACED,
    ("k8s.nginx.org", "*"): NAMESPACED,
    ("ray.io", "*"): NAMESPACED,
    ("opentelemetry.io", "*"): NAMESPACED,
    ("dapr.io", "*"): NAMESPACED,
    ("configuration.konghq.com", "KongClusterPlugin"): CLUSTER,
    ("configuration.konghq.com", "*"): NAMESPACED,
    ("chaos-mesh.org", "*"): NAMESPACED,
    ("policies.kyverno.io", "NamespacedValidatingPolicy"): NAMESPACED,
    ("policies.kyverno.io", "*"): CLUSTER,  # ValidatingPolicy, ImageValidatingPolicy...
}

# apiVersion groups of configuration files read by a tool, never sent to the API server.
CONFIG_GROUPS = frozenset({
    "kustomize.config.k8s.io", "kind.x-k8s.io", "k3d.io", "kubeadm.k8s.io",
    "kubelet.config.k8s.io", "kubeproxy.config.k8s.io", "kubescheduler.config.k8s.io",
    "kubecontrollermanager.config.k8s.io", "apiserver.config.k8s.io", "apiserver.k8s.io",
    "audit.k8s.io", "eventratelimit.admission.k8s.io", "pod-security.admission.config.k8s.io",
    "imagepolicy.config.k8s.io", "client.authentication.k8s.io",
    "credentialprovider.kubelet.k8s.io", "eksctl.io", "kpt.dev", "ctlptl.dev",
    "k0sctl.k0sproject.io", "config.kubernetes.io", "builtin",
})


def group_of(api_version: str | None) -> str:
    """`apps/v1` -> `apps`, `v1` -> `` (the core group, whose only version is v1). Anything
    else without a slash (`builtin` for Kustomize's transformers, `v1beta1`, a placeholder)
    is returned whole: not the core group."""
    value = (api_version or "").strip()
    group, slash, _ = value.rpartition("/")
    if slash:
        return group
    return "" if value == "v1" else value


def is_config_file(obj: K8sObject) -> bool:
    """A tool's config file in object shape: Kustomization, kind/k3d/kubeadm/kubelet configs,
    a kubeconfig (`apiVersion: v1`, `kind: Config`), Skaffold's `skaffold/v4`."""
    api_version = (obj.api_version or "").strip()
    group = group_of(api_version)
    if group.split(".")[0] == "skaffold" or api_version.startswith("skaffold/"):
        return True
    if group in CONFIG_GROUPS or any(group.endswith("." + g) for g in ("kind.x-k8s.io", "k3d.io")):
        return True
    return group == "" and obj.kind == "Config"


def crd_scopes(ctx) -> dict[tuple[str, str], str]:
    """(group, kind) -> scope for every CRD of this file. The cross-file CRD catalogue, when
    there is one, belongs here too (merged under the file's own CRDs, which win)."""
    from dockerlint.rulekit.k8s_objects import all_objects  # k8s_objects imports the model

    def build() -> dict[tuple[str, str], str]:
        scopes: dict[tuple[str, str], str] = {}
        for obj in all_objects(ctx):
            if obj.kind != "CustomResourceDefinition":
                continue
            spec = obj.node.get_mapping("spec")
            if spec is None:
                continue
            group, scope = spec.str("group"), spec.str("scope")
            names = spec.get_mapping("names")
            kind = names.str("kind") if names is not None else None
            if group and kind and scope in (NAMESPACED, CLUSTER):
                scopes[(group.strip(), kind.strip())] = scope
        return scopes

    return ctx.cached("k8s_crd_scopes", build)


def scope_of(obj: K8sObject, crds: dict[tuple[str, str], str]) -> str | None:
    """NAMESPACED, CLUSTER, or None when unknown (custom kind with no CRD in sight, a config
    file, no kind)."""
    kind = (obj.kind or "").strip()
    if not kind or is_config_file(obj):
        return None
    group = group_of(obj.api_version)
    if (group, kind) in crds:
        return crds[(group, kind)]
    if group in BUILTIN_GROUPS:
        if kind in BUILTIN_CLUSTER_SCOPED or (kind.endswith("List") and kind != "List"):
            return CLUSTER if kind in BUILTIN_CLUSTER_SCOPED else None
        return NAMESPACED
    known = WELL_KNOWN_CRDS.get((group, kind)) or WELL_KNOWN_CRDS.get((group, "*"))
    return known
