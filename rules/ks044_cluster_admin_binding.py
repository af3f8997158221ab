from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import RBAC_BINDING_KINDS, of_kind, role_ref, subject_names


class ClusterAdminBinding(Rule):
    """
    Do not bind the `cluster-admin` ClusterRole.

    ## What it does
    Flags a ClusterRoleBinding or RoleBinding whose `roleRef` is the ClusterRole
    `cluster-admin`.

    ## Why is this bad?
    `cluster-admin` is every verb on every resource: whoever holds it (and any pod running as
    a bound service account) owns the cluster, its secrets and its nodes. Bound in a
    RoleBinding it is still full control of that namespace, including its secrets and RBAC.

    ## Scope
    RoleBinding and ClusterRoleBinding objects. Roles with wildcards are KS043's; the
    built-in `admin` and `edit` roles are not reported.

    ## Compared with other tools
    kube-linter `cluster-admin-role-binding` (off by default there), Trivy KSV-0111 and polaris
    `clusterrolebindingClusterAdmin` / `rolebindingClusterAdminClusterRole`, same meaning;
    kubescape C-0185 and C-0035.
    """

    code = "KS044"
    name = "cluster-admin-binding"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    aliases = (
        "kube-linter:cluster-admin-role-binding",
        *trivy(111),
        "polaris:clusterrolebindingClusterAdmin",
        "polaris:rolebindingClusterAdminClusterRole",
        "C-0185",
        "C-0035",
    )
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata:
              name: ci
            subjects:
            - kind: ServiceAccount
              name: ci
              namespace: tools
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: cluster-admin
            """,
            count=1,
            at=(12, 9),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: ci
              namespace: tools
            subjects:
            - kind: ServiceAccount
              name: ci
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: ClusterRole
              name: edit
            """
        ),
    ]

    def check(self, ctx):
        for binding in of_kind(ctx, *RBAC_BINDING_KINDS):
            kind, name, node = role_ref(binding)
            if kind == "ClusterRole" and name == "cluster-admin":
                scope = "the whole cluster" if binding.kind == "ClusterRoleBinding" else "its namespace"
                ctx.report(
                    node.span,
                    f"{binding.kind} \"{binding.name or ''}\" gives {subject_names(binding)} cluster-admin over {scope}",
                )
