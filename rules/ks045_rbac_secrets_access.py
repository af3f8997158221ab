from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import CORE, Grant, on, report_grants

_ALIASES = ("kube-linter:access-to-secrets", "CKV2_K8S_5", *trivy(41), *trivy(113), "C-0015", "C-0186")


def _grants(rule):
    verb = rule.has_verb("get", "list", "watch")
    resource = rule.covers_resource("secrets")
    if verb is None or resource is None or not rule.covers_group(CORE):
        return []
    return [Grant(verb, f"{verb.value} {on(resource, 'secrets')}: it reads Secrets", _ALIASES)]


class RbacSecretsAccess(Rule):
    """
    Do not grant read access to all Secrets.

    ## What it does
    Flags RBAC that allows `get`, `list` or `watch` on `secrets` (or `*`) in the core API
    group, unless the rule is limited to named Secrets with `resourceNames`. A role bound in
    the same file is reported at each binding that gives it to somebody; an unbound role at
    the verb that grants it.

    ## Why is this bad?
    Secrets hold service account tokens, registry credentials, TLS keys and database
    passwords; reading them in a namespace means acting as every service account there.
    `list` and `watch` return the contents too, not only the names.

    ## Scope
    Roles, ClusterRoles and the bindings of the file. Roles referenced by bindings but
    defined elsewhere cannot be judged.

    ## Compared with other tools
    Trivy KSV-0041/KSV-0113 flag the role; Checkov CKV2_K8S_5 and kube-linter
    `access-to-secrets` flag the binding. We report where the permission is given: the
    binding when it is in the file, else the role. Checkov's graph check only counts bindings
    to ServiceAccounts; a User or Group gains the same access, so we do not filter subjects.
    """

    code = "KS045"
    name = "rbac-secrets-access"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _ALIASES
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: secret-reader
            rules:
            - apiGroups: [""]
              resources: ["secrets"]
              verbs: ["get", "list", "watch"]
            """,
            count=1,
            at=(8, 11),
        ),
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: reader
              namespace: shop
            rules:
            - apiGroups: ["*"]
              resources: ["*"]
              verbs: ["list"]
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: RoleBinding
            metadata:
              name: reader
              namespace: shop
            subjects:
            - kind: ServiceAccount
              name: app
            roleRef:
              apiGroup: rbac.authorization.k8s.io
              kind: Role
              name: reader
            """,
            count=1,
            at=(22, 9),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: one-secret
              namespace: shop
            rules:
            - apiGroups: [""]
              resources: ["secrets"]
              resourceNames: ["shop-tls"]
              verbs: ["get"]
            - apiGroups: [""]
              resources: ["configmaps"]
              verbs: ["get", "list"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
