from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import all_objects, object_span

# kinds that live outside namespaces
CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
        "CustomResourceDefinition", "PriorityClass", "PodSecurityPolicy", "IngressClass", "RuntimeClass",
        "CSIDriver", "CSINode", "VolumeAttachment", "APIService", "CertificateSigningRequest",
        "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
        "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
        "FlowSchema", "PriorityLevelConfiguration", "ComponentStatus", "SecurityContextConstraints",
        "ClusterIssuer", "ClusterPolicy", "ClusterSecretStore", "DeviceClass", "List",
    }
)
# objects the cluster itself keeps in `default`
_SYSTEM = {("Service", "kubernetes"), ("ServiceAccount", "default"), ("Endpoints", "kubernetes"), ("EndpointSlice", "kubernetes")}


class DefaultNamespace(Rule):
    """
    Put namespaced objects in a namespace other than `default` (opt-in).

    ## What it does
    Flags a namespaced object whose `metadata.namespace` is `default`, or is unset (so it
    lands in `default` unless the deploy tool sets one).

    ## Why is this bad?
    Namespaces are the unit of RBAC, network policies, quotas and Pod Security admission.
    Everything in `default` shares one boundary, usually with the loosest policies of the
    cluster, so one compromised workload reaches all the others.

    ## Scope
    Every object except cluster-scoped kinds (Namespace, ClusterRole, PersistentVolume, CRDs,
    webhook configurations...) and the objects the cluster keeps in `default` itself (Service
    and Endpoints `kubernetes`, ServiceAccount `default`).

    ## Options
    `allow_unset` (default false): accept objects without `metadata.namespace`, for
    Kustomize/Helm/`kubectl -n` workflows that set it at deploy time; only an explicit
    `namespace: default` is reported then.

    ## Compared with other tools
    Checkov CKV_K8S_21 and Trivy KSV-0110 treat a missing namespace as `default`, as we do by
    default; kube-linter `use-namespace` (off by default there) too. Off by default here
    because most manifests are namespaced at deploy time.
    """

    code = "KS027"
    name = "default-namespace"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    enabled_by_default = False
    aliases = ("kube-linter:use-namespace", "CKV_K8S_21", *trivy(110), "C-0061", "C-0209", "C-0212")
    options = {"allow_unset": Option(bool, False, "accept objects without metadata.namespace")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
              namespace: shop
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: reader
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            """,
            config={"rules": {"KS027": {"allow_unset": True}}},
        ),
    ]

    def check(self, ctx):
        allow_unset = bool(ctx.options.get("allow_unset"))
        for obj in all_objects(ctx):
            if obj.kind in CLUSTER_SCOPED or (obj.kind, obj.name) in _SYSTEM:
                continue
            namespace = obj.metadata.get("namespace") if obj.metadata is not None else None
            if obj.namespace == "default":
                ctx.report(namespace.span, f"{obj.kind} \"{obj.name or ''}\" is in the default namespace")
            elif not (obj.namespace or "").strip() and not allow_unset:
                ctx.report(
                    object_span(obj),
                    f"{obj.kind} \"{obj.name or ''}\" sets no namespace, so it lands in default: set metadata.namespace",
                )
