from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import CORE, RBAC_GROUP, WRITE_VERBS, Grant, on, report_grants

_COMMON = (*trivy(50), *trivy(43), "C-0191", "C-0065")
_BIND = ("CKV_K8S_157", "CKV2_K8S_1") + _COMMON
_ESCALATE = ("CKV_K8S_158",) + _COMMON
_IMPERSONATE = ("CKV2_K8S_3",) + _COMMON
_BINDINGS = ("CKV2_K8S_1", *trivy(51), *trivy(52), *trivy(55))
_TOKENS = _COMMON
_RBAC_RESOURCES = ("roles", "clusterroles", "rolebindings", "clusterrolebindings")


def _grants(rule):
    out = []
    if rule.covers_group(RBAC_GROUP):
        for verb_name, aliases in (("bind", _BIND), ("escalate", _ESCALATE)):
            verb = rule.has_verb(verb_name)
            resource = rule.covers_resource(*_RBAC_RESOURCES)
            if verb is not None and resource is not None:
                out.append(Grant(verb, f"{verb_name} {on(resource, *_RBAC_RESOURCES)}: it can grant itself any permission", aliases))
        verb = rule.has_verb(*WRITE_VERBS)
        resource = rule.covers_resource("rolebindings", "clusterrolebindings")
        if verb is not None and resource is not None:
            out.append(Grant(verb, f"{verb.value} {on(resource, 'rolebindings', 'clusterrolebindings')}: it can hand its permissions to anyone", _BINDINGS))
    verb = rule.has_verb("impersonate")
    resource = rule.covers_resource("users", "groups", "serviceaccounts", "userextras", "uids")
    if verb is not None and resource is not None and rule.covers_group(CORE, "authentication.k8s.io"):
        out.append(Grant(verb, f"impersonate {on(resource, 'users', 'groups', 'serviceaccounts')}: it can act as other identities", _IMPERSONATE))
    verb = rule.has_verb("create")
    resource = rule.covers_resource("serviceaccounts/token")
    if verb is not None and resource is not None and rule.covers_group(CORE):
        out.append(Grant(verb, f"create {on(resource, 'serviceaccounts/token')}: it can mint tokens of other service accounts", _TOKENS))
    return out


class RbacPrivilegeEscalation(Rule):
    """
    Do not grant RBAC's escalation verbs: `bind`, `escalate`, `impersonate`.

    ## What it does
    Flags RBAC that allows
    - `bind` or `escalate` on roles, cluster roles or their bindings;
    - `impersonate` on users, groups, service accounts, user extras or UIDs;
    - `create`, `update` or `patch` on RoleBindings or ClusterRoleBindings;
    - `create` on `serviceaccounts/token`.

    A role bound in the same file is reported at each binding, an unbound role at the verb.

    ## Why is this bad?
    The API server stops a subject from granting permissions it does not hold, unless it has
    `escalate` (edit roles beyond its rights) or `bind` (bind roles it does not hold).
    `impersonate` and minting tokens act as another identity outright. Writing bindings
    spreads the holder's permissions to any subject, an attacker's persistence. Each one is a
    path from this role to whatever the cluster's strongest role allows.

    ## Scope
    Roles, ClusterRoles and the bindings of the file; rules limited by `resourceNames` (the
    recommended way to allow `bind` on one specific role) are skipped.

    ## Compared with other tools
    Checkov CKV_K8S_157 (`bind`), CKV_K8S_158 (`escalate`), CKV2_K8S_3 (`impersonate`) and
    CKV2_K8S_1 (bindings that can create bindings); Trivy KSV-0043/KSV-0050 and
    KSV-0051/0052/0055 for writing bindings; kubescape C-0191/C-0065. Each finding carries the
    ids that check that facet. Checkov's graph checks only count bindings to ServiceAccounts
    and Nodes; we count every subject.
    """

    code = "KS049"
    name = "rbac-privilege-escalation"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = tuple(dict.fromkeys(_BIND + _ESCALATE + _IMPERSONATE + _BINDINGS))
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: role-admin
            rules:
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["clusterroles"]
              verbs: ["get", "escalate", "bind"]
            - apiGroups: [""]
              resources: ["serviceaccounts"]
              verbs: ["impersonate"]
            """,
            count=3,
            at=[(8, 18), (8, 30), (11, 11)],
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: bind-viewer
              namespace: shop
            rules:
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["roles"]
              resourceNames: ["viewer"]
              verbs: ["bind"]
            - apiGroups: ["rbac.authorization.k8s.io"]
              resources: ["rolebindings"]
              verbs: ["get", "list"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
