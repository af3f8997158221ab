from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import CORE, Grant, on, report_grants

_ALIASES = ("CKV2_K8S_2", *trivy(47), "C-0279")


def _grants(rule):
    if not rule.covers_group(CORE):
        return []
    verb = rule.has_verb("create", "get")
    resource = rule.covers_resource("nodes/proxy")
    if verb is None or resource is None:
        return []
    return [Grant(verb, f"{verb.value} {on(resource, 'nodes/proxy')}: the kubelet API of every node", _ALIASES)]


class RbacNodeProxy(Rule):
    """
    Do not grant `nodes/proxy`.

    ## What it does
    Flags RBAC that allows `get` or `create` on `nodes/proxy` (including `nodes/*` and `*`) in
    the core group. A role bound in the same file is reported at each binding, an unbound role
    at the verb.

    ## Why is this bad?
    `nodes/proxy` reaches the kubelet API of every node through the API server: it can run
    commands in any pod on any node (`/exec`, `/run`), and since the kubelet authorises by
    HTTP method, a websocket upgrade makes `get` enough. Audit logs show only the proxy call.

    ## Scope
    Roles, ClusterRoles and the bindings of the file; rules limited by `resourceNames` are
    skipped.

    ## Compared with other tools
    Trivy KSV-0047 and Checkov CKV2_K8S_2 (which counts only `create` and only bindings to
    ServiceAccounts). Monitoring agents that scrape kubelet metrics should use
    `nodes/metrics` and `nodes/stats` instead.
    """

    code = "KS048"
    name = "rbac-node-proxy"
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
              name: scraper
            rules:
            - apiGroups: [""]
              resources: ["nodes", "nodes/proxy"]
              verbs: ["get", "list"]
            """,
            count=1,
            at=(8, 11),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: scraper
            rules:
            - apiGroups: [""]
              resources: ["nodes", "nodes/metrics", "nodes/stats"]
              verbs: ["get", "list"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
