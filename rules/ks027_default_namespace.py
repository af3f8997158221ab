from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import all_objects, object_span
from dockerlint.rulekit.k8s_scope import NAMESPACED, crd_scopes, scope_of

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
    Only objects known to be namespaced: built-in kinds other than the cluster-scoped ones
    (Namespace, ClusterRole, PersistentVolume, StorageClass, CRDs, webhook configurations...);
    custom kinds whose CRD is in the same file says `scope: Namespaced`; and a few widely
    installed CRDs (VolumeSnapshot, Gateway API, cert-manager, Kyverno...; their cluster-scoped
    kinds such as VolumeSnapshotClass, ClusterIssuer or Gatekeeper templates and constraints are
    skipped). A custom kind with no CRD in sight is not judged, and config files shaped like
    objects (`Kustomization`, kind/k3d/kubeadm configs, kubeconfig) are not cluster objects.
    The objects the cluster keeps in `default` itself (Service and Endpoints `kubernetes`,
    ServiceAccount `default`) are skipped too.

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
    judges_namespace = True
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
        ok(
            """
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources:
            - deployment.yaml
            ---
            apiVersion: kind.x-k8s.io/v1alpha4
            kind: Cluster
            nodes:
            - role: control-plane
            ---
            apiVersion: k3d.io/v1alpha5
            kind: Simple
            metadata:
              name: dev
            ---
            apiVersion: templates.gatekeeper.sh/v1
            kind: ConstraintTemplate
            metadata:
              name: k8srequiredlabels
            ---
            apiVersion: constraints.gatekeeper.sh/v1beta1
            kind: K8sRequiredLabels
            metadata:
              name: ns-must-have-owner
            ---
            apiVersion: snapshot.storage.k8s.io/v1
            kind: VolumeSnapshotClass
            metadata:
              name: csi-snapclass
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: no-crd-in-sight
            ---
            apiVersion: builtin
            kind: LabelTransformer
            metadata:
              name: kustomize-transformer-config
            ---
            apiVersion: v1beta1
            kind: Bee
            metadata:
              name: not-a-core-api-version
            """
        ),
        bad(
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names:
                kind: Widget
                plural: widgets
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: mine
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: gadgets.example.com
            spec:
              group: example.com
              scope: Cluster
              names:
                kind: Gadget
                plural: gadgets
            ---
            apiVersion: example.com/v1
            kind: Gadget
            metadata:
              name: mine
            """
        ),
    ]

    def check(self, ctx):
        allow_unset = bool(ctx.options.get("allow_unset"))
        crds = crd_scopes(ctx)
        for obj in all_objects(ctx):
            if scope_of(obj, crds) != NAMESPACED or (obj.kind, obj.name) in _SYSTEM:
                continue
            namespace = obj.metadata.get("namespace") if obj.metadata is not None else None
            if obj.namespace == "default":
                ctx.report(namespace.span, f"{obj.kind} \"{obj.name or ''}\" is in the default namespace")
            elif not (obj.namespace or "").strip() and not allow_unset:
                ctx.report(
                    object_span(obj),
                    f"{obj.kind} \"{obj.name or ''}\" sets no namespace, so it lands in default: set metadata.namespace",
                )
