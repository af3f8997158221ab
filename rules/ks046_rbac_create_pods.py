from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import CORE, WRITE_VERBS, Grant, on, report_grants

_ALIASES = ("kube-linter:access-to-create-pods", *trivy(48), "C-0188")
# (API group, resource) pairs whose write access starts pods with any spec
_WORKLOADS = (
    (CORE, "pods"), (CORE, "replicationcontrollers"), ("apps", "deployments"), ("apps", "replicasets"),
    ("apps", "statefulsets"), ("apps", "daemonsets"), ("batch", "jobs"), ("batch", "cronjobs"),
    ("extensions", "deployments"), ("extensions", "replicasets"), ("extensions", "daemonsets"),
)


def _grants(rule):
    verb = rule.has_verb(*WRITE_VERBS)
    if verb is None:
        return []
    for group, resource in _WORKLOADS:
        node = rule.covers_resource(resource)
        if node is not None and rule.covers_group(group):
            return [Grant(verb, f"{verb.value} {on(node, resource)}: it can start pods with any spec", _ALIASES)]
    return []


class RbacCreatePods(Rule):
    """
    Grant the right to create pods or workloads sparingly (opt-in).

    ## What it does
    Flags RBAC that allows `create`, `update` or `patch` on pods or on the controllers that
    create them (Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs, CronJobs,
    ReplicationControllers). A role bound in the same file is reported at each binding, an
    unbound role at the verb.

    ## Why is this bad?
    Whoever can create a pod in a namespace can run it as any service account of that
    namespace, mount any of its Secrets and ConfigMaps, and, where admission allows, run it
    privileged on a node of their choice. It is equivalent to holding all of those
    permissions.

    ## Scope
    Roles, ClusterRoles and the bindings of the file; rules limited by `resourceNames` are
    skipped.

    ## Compared with other tools
    kube-linter `access-to-create-pods` (create on pods and controllers, reported at the
    binding) and Trivy KSV-0048 (the role). We also count `update`/`patch`, which change a
    controller's pod template just as well. Off by default: deployment tools, operators and
    controllers need exactly this permission.
    """

    code = "KS046"
    name = "rbac-create-pods"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = _ALIASES
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: runner
              namespace: ci
            rules:
            - apiGroups: [""]
              resources: ["pods"]
              verbs: ["create", "delete"]
            """,
            count=1,
            at=(9, 11),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata:
              name: viewer
              namespace: ci
            rules:
            - apiGroups: ["", "apps"]
              resources: ["pods", "deployments"]
              verbs: ["get", "list", "watch"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
