from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import policy_rules, rbac_roles

_BASE = ("kube-linter:wildcard-in-rules", "CKV_K8S_49", "C-0187")
_POLARIS = ("polaris:clusterrolebindingClusterAdmin", "polaris:rolebindingClusterAdminClusterRole", "polaris:rolebindingClusterAdminRole")


class RbacWildcard(Rule):
    """
    Name the verbs, resources and API groups a role grants instead of `*`.

    ## What it does
    Flags a rule of a Role or ClusterRole whose `verbs`, `resources` or `apiGroups` contain `*`.
    One finding per rule, at its first wildcard.

    ## Why is this bad?
    A wildcard grants everything that exists now and everything added later: new resource
    types, subresources such as `pods/exec` and `nodes/proxy`, and the `escalate`, `bind` and
    `impersonate` verbs. `verbs: ["*"]` on `resources: ["*"]` is cluster-admin.

    ## Scope
    Role and ClusterRole objects; `nonResourceURLs` are not judged. Bindings to roles of other
    files cannot be seen; binding `cluster-admin` is KS044's.

    ## Compared with other tools
    Checkov CKV_K8S_49 (verbs, resources and apiGroups) and kube-linter `wildcard-in-rules`
    flag any wildcard, as we do. Trivy splits it into KSV-0044 (any verb on any resource),
    KSV-0045 (any verb), KSV-0046/KSV-0112 (any resource, cluster/namespace roles); each
    finding carries the ids that match. polaris reports bindings to roles with wildcards.
    """

    code = "KS043"
    name = "rbac-wildcard"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _BASE + trivy(44) + trivy(45) + trivy(46) + trivy(112) + _POLARIS
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: deployer
            rules:
            - apiGroups: ["apps"]
              resources: ["deployments"]
              verbs: ["*"]
            - apiGroups: ["*"]
              resources: ["*"]
              verbs: ["get", "list"]
            """,
            count=2,
            at=[(8, 11), (9, 15)],
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: deployer
              namespace: shop
            rules:
            - apiGroups: ["apps"]
              resources: ["deployments"]
              verbs: ["get", "list", "watch", "update", "patch"]
            """
        ),
    ]

    def check(self, ctx):
        for role in rbac_roles(ctx):
            for rule in policy_rules(role):
                fields = [
                    (field, next((n for n in nodes if n.value == "*"), None))
                    for field, nodes in (("apiGroups", rule.api_groups), ("resources", rule.resources), ("verbs", rule.verbs))
                ]
                wild = [(f, n) for f, n in fields if n is not None]
                if not wild:
                    continue
                names = {f for f, _ in wild}
                aliases = _BASE + _POLARIS
                if "verbs" in names:
                    aliases += trivy(45) + (trivy(44) if "resources" in names else ())
                if "resources" in names:
                    aliases += trivy(46) if role.kind == "ClusterRole" else trivy(112)
                ctx.report(
                    wild[0][1].span,
                    f"{role.kind} \"{role.name or ''}\" grants a wildcard in {', '.join(f for f, _ in wild)}: "
                    "list what is needed",
                    aliases=aliases,
                )
