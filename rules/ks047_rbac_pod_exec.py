from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import CORE, Grant, on, report_grants

_ALIASES = (
    "CKV2_K8S_2", *trivy(53), *trivy(54),
    "polaris:clusterrolePodExecAttach", "polaris:rolePodExecAttach", "polaris:clusterrolebindingPodExecAttach",
    "polaris:rolebindingClusterRolePodExecAttach", "polaris:rolebindingRolePodExecAttach", "C-0002",
)


def _grants(rule):
    if not rule.covers_group(CORE):
        return []
    verb = rule.has_verb("create", "get")
    resource = rule.covers_resource("pods/exec", "pods/attach")
    if verb is None or resource is None:
        return []
    return [Grant(verb, f"{verb.value} {on(resource, 'pods/exec', 'pods/attach')}: it runs commands in other pods", _ALIASES)]


class RbacPodExec(Rule):
    """
    Do not grant `pods/exec` or `pods/attach`.

    ## What it does
    Flags RBAC that allows `create` or `get` on `pods/exec` or `pods/attach` (including
    `pods/*` and `*`) in the core group. A role bound in the same file is reported at each
    binding, an unbound role at the verb.

    ## Why is this bad?
    Exec into a pod is running code as that pod: its service account token, its mounted
    secrets, its network position. Granting it to an application account turns any bug in
    that application into access to every pod it can reach. `get` is included because
    clusters before 1.31 authorised websocket exec with `get`.

    ## Scope
    Roles, ClusterRoles and the bindings of the file; rules limited by `resourceNames` are
    skipped.

    ## Compared with other tools
    Checkov CKV2_K8S_2 (create on `pods/exec`, and `nodes/proxy`, which is KS048 here),
    Trivy KSV-0053/KSV-0054, polaris `*PodExecAttach`, kubescape C-0002. Checkov ignores API
    groups and counts only bindings to ServiceAccounts; we require the core group (a
    wildcard resource in `rbac.authorization.k8s.io` grants no exec) and count every subject.
    """

    code = "KS047"
    name = "rbac-pod-exec"
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
              name: debugger
            rules:
            - apiGroups: [""]
              resources: ["pods", "pods/exec"]
              verbs: ["get", "create"]
            """,
            count=1,
            at=(8, 11),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: log-reader
            rules:
            - apiGroups: [""]
              resources: ["pods", "pods/log"]
              verbs: ["get", "list"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
