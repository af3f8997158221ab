from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, text, trivy
from dockerlint.rulekit.k8s_objects import of_kind


class ServiceAccountTokenAutomount(Rule):
    """
    Do not mount a service account token into pods that do not need one (opt-in).

    ## What it does
    Flags a pod template whose `automountServiceAccountToken` is `true`, or unset while the
    ServiceAccount it runs as (when that ServiceAccount is in the same file) does not set
    `automountServiceAccountToken: false` either.

    ## Why is this bad?
    Every container of the pod can read the token at
    `/var/run/secrets/kubernetes.io/serviceaccount/token` and call the API server with the
    service account's permissions. A compromised application then gets whatever RBAC grants
    that account, and can at least enumerate the API. Most applications never call the API.

    ## Scope
    Every workload with a pod template. An unset pod field inherits the ServiceAccount's
    setting: a `ServiceAccount` object of the same name (`serviceAccountName`, else `default`)
    in the same file with `automountServiceAccountToken: false` makes the pod pass. An explicit
    `true` on the pod overrides the ServiceAccount and is always reported.

    ## Compared with other tools
    Checkov CKV_K8S_38, Trivy KSV-0036, polaris `automountServiceAccountToken` and kubescape
    C-0034 fail whenever the pod field is not `false`; we also follow the ServiceAccount
    object when it is in the file, as the API server does. Off by default: nearly every
    manifest leaves the field unset, and bound tokens (Kubernetes 1.22+) expire; turn it on
    for hardened namespaces.
    """

    code = "KS025"
    name = "service-account-token-automount"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_38", *trivy(36), "polaris:automountServiceAccountToken", "C-0034", "C-0190", "C-0261")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            count=1,
            at=(7, 5),
        ),
        bad(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
            automountServiceAccountToken: false
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              serviceAccountName: web
              automountServiceAccountToken: true
              containers:
              - name: web
                image: nginx:1.27
            """,
            count=1,
            at=(13, 33),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              automountServiceAccountToken: false
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: web
            automountServiceAccountToken: false
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  serviceAccountName: web
                  containers:
                  - name: web
                    image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        accounts = of_kind(ctx, "ServiceAccount")
        for workload in pod_workloads(ctx):
            spec = workload.pod_spec
            node = spec.get("automountServiceAccountToken")
            if type(node) is ScalarNode and not node.is_null:
                if node.py is False:
                    continue
                ctx.report(node.span, "the pod mounts its service account token: set automountServiceAccountToken: false unless it calls the API")
                continue
            account = text(spec.get("serviceAccountName")) or text(spec.get("serviceAccount")) or "default"
            namespace = workload.obj.namespace
            if any(
                sa.name == account
                and (sa.namespace or None) == (namespace or None)
                and type(sa.node.get("automountServiceAccountToken")) is ScalarNode
                and sa.node.get("automountServiceAccountToken").py is False
                for sa in accounts
            ):
                continue
            ctx.report(
                workload.missing_span,
                f"the pod mounts the token of service account \"{account}\": set automountServiceAccountToken: false unless it calls the API",
            )
