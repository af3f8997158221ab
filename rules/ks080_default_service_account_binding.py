from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import RBAC_BINDING_KINDS, of_kind, subjects


class DefaultServiceAccountBinding(Rule):
    """
    Do not grant roles to a namespace's `default` ServiceAccount (opt-in).

    ## What it does
    Flags a RoleBinding or ClusterRoleBinding with a subject `kind: ServiceAccount`,
    `name: default`.

    ## Why is this bad?
    Every pod of that namespace that names no service account runs as `default`, including
    pods added later for unrelated purposes: the role is granted to all of them.

    ## Scope
    RoleBinding and ClusterRoleBinding objects. Pods that run as `default` are KS026's; the
    `default` account's token mount is KS079's.

    ## Compared with other tools
    Checkov CKV_K8S_42 (same meaning); kubescape C-0189 judges this and KS079's token mount
    together.
    """

    code = "KS080"
    name = "default-service-account-binding"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_42", "C-0189")
    examples = [
        bad(
            """
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
            count=1,
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: read-pods
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: reader
              namespace: shop
            - kind: User
              name: default
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: pod-reader
            """
        ),
    ]

    def check(self, ctx):
        for binding in of_kind(ctx, *RBAC_BINDING_KINDS):
            for subject in subjects(binding):
                if text(subject.get("kind")) == "ServiceAccount" and text(subject.get("name")) == "default":
                    ctx.report(
                        subject.get("name").span,
                        f"{binding.kind} \"{binding.name or ''}\" grants a role to a default service account, and so to every pod of its namespace",
                    )
