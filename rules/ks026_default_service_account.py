from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, text
from dockerlint.rulekit.k8s_objects import RBAC_BINDING_KINDS, object_span, of_kind, subjects

_POD_ALIASES = ("kube-linter:default-service-account", "C-0189")
_ACCOUNT_ALIASES = ("CKV_K8S_41",)
_BINDING_ALIASES = ("CKV_K8S_42",)


class DefaultServiceAccount(Rule):
    """
    Give workloads their own service account instead of the namespace's `default` (opt-in).

    ## What it does
    Flags three uses of a namespace's `default` ServiceAccount:
    - a pod template whose `serviceAccountName` is unset or `default`;
    - a `ServiceAccount` named `default` that does not set `automountServiceAccountToken: false`;
    - a RoleBinding or ClusterRoleBinding that grants a role to a `default` ServiceAccount.

    ## Why is this bad?
    Every pod of a namespace that names no account runs as `default`. Permissions granted to it
    are granted to all of them, including pods added later for unrelated purposes; and the
    permissions a workload needs cannot be audited when it shares its identity.

    ## Scope
    Pod templates of every workload (the deprecated `serviceAccount` field is read too),
    `ServiceAccount` objects and RBAC bindings of the file.

    ## Compared with other tools
    kube-linter `default-service-account` checks the pod (off by default there too); Checkov
    CKV_K8S_41 checks the `default` ServiceAccount object and CKV_K8S_42 the bindings to it.
    They are one concern, so one rule here with each finding carrying the matching peer id.
    Off by default: most manifests run as `default` with no RBAC granted to it, which is
    harmless; the binding facet is the dangerous one, and stays visible to anyone who enables
    the rule or selects `KS026`.
    """

    code = "KS026"
    name = "default-service-account"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = _POD_ALIASES + _ACCOUNT_ALIASES + _BINDING_ALIASES
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
        bad(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
              namespace: shop
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: read-pods
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: default
              namespace: shop
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: pod-reader
            """,
            count=2,
        ),
        ok(
            """
            apiVersion: v1
            kind: ServiceAccount
            metadata:
              name: default
            automountServiceAccountToken: false
            ---
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
                    aliases=_POD_ALIASES,
                )
            elif name == "default":
                ctx.report(node.span, "the pod runs as the namespace's default service account", aliases=_POD_ALIASES)
        for account in of_kind(ctx, "ServiceAccount"):
            if account.name != "default":
                continue
            flag = account.node.get("automountServiceAccountToken")
            if type(flag) is ScalarNode and flag.py is False:
                continue
            span = flag.span if type(flag) is ScalarNode and not flag.is_null else object_span(account)
            ctx.report(
                span,
                "the default service account mounts its token into every pod: set automountServiceAccountToken: false",
                aliases=_ACCOUNT_ALIASES,
            )
        for binding in of_kind(ctx, *RBAC_BINDING_KINDS):
            for subject in subjects(binding):
                if text(subject.get("kind")) == "ServiceAccount" and text(subject.get("name")) == "default":
                    ctx.report(
                        subject.get("name").span,
                        f"{binding.kind} \"{binding.name or ''}\" grants a role to a default service account, and so to every pod of its namespace",
                        aliases=_BINDING_ALIASES,
                    )
