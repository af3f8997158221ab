from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, text


class DefaultServiceAccount(Rule):
    """
    Give workloads their own service account instead of the namespace's `default` (opt-in).

    ## What it does
    Flags a pod template whose `serviceAccountName` is unset or `default`, so the pod runs as
    its namespace's `default` ServiceAccount.

    ## Why is this bad?
    Every pod of a namespace that names no account runs as `default`. Permissions granted to it
    are granted to all of them, including pods added later for unrelated purposes; and the
    permissions a workload needs cannot be audited when it shares its identity.

    ## Scope
    Pod templates of every workload (the deprecated `serviceAccount` field is read too). The
    `default` ServiceAccount's own token mount is KS079 (Checkov CKV_K8S_41) and RBAC bindings
    to it KS080 (CKV_K8S_42): Checkov judges those objects, not the pod, so they are separate
    rules with their own aliases.

    ## Compared with other tools
    kube-linter `default-service-account`, same meaning (off by default there too). Off by
    default here: most manifests run as `default` with no RBAC granted to it, which is
    harmless; the dangerous case, a binding to `default`, is KS080.
    """

    code = "KS026"
    name = "default-service-account"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("kube-linter:default-service-account",)
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
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              serviceAccountName: web
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            spec = workload.pod_spec
            node = spec.get("serviceAccountName")
            if text(node) is None:
                node = spec.get("serviceAccount")
            name = text(node)
            if name is None or name.strip() == "":
                ctx.report(
                    workload.missing_span,
                    "the pod runs as the namespace's default service account: set serviceAccountName",
                )
            elif name == "default":
                ctx.report(node.span, "the pod runs as the namespace's default service account")
