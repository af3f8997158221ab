from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import of_kind

# kind -> (strategy field, the value that replaces pods all at once or never)
_FIELDS = {"Deployment": ("strategy", "Recreate"), "DaemonSet": ("updateStrategy", "OnDelete"), "StatefulSet": ("updateStrategy", "OnDelete")}


class RollingUpdateStrategy(Rule):
    """
    Roll out workloads gradually (opt-in).

    ## What it does
    Flags a Deployment with `strategy.type: Recreate`, and a DaemonSet or StatefulSet with
    `updateStrategy.type: OnDelete`.

    ## Why is this bad?
    `Recreate` stops every pod before starting the new version: each rollout is an outage.
    `OnDelete` never rolls out at all until pods are deleted by hand, so a security fix in the
    new image sits unused.

    ## Scope
    Deployments, DaemonSets and StatefulSets with an explicit strategy type (the defaults are
    rolling).

    ## Compared with other tools
    kube-linter `no-rolling-update-strategy` and kube-score `deployment-strategy`. Off by
    default: `Recreate` is the right choice for workloads that must not run two versions at
    once (single-writer volumes, schema migrations).
    """

    code = "KS065"
    name = "rolling-update-strategy"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = ("kube-linter:no-rolling-update-strategy", "kube-score:deployment-strategy", "C-0305")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              strategy:
                type: Recreate
            """,
            count=1,
            at=(7, 11),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxUnavailable: 0, maxSurge: 1}
            """
        ),
    ]

    def check(self, ctx):
        for obj in of_kind(ctx, *_FIELDS):
            field, bad_type = _FIELDS[obj.kind]
            node = obj.node.get_in("spec", field, "type")
            if text(node) == bad_type:
                ctx.report(node.span, f"{obj.kind} \"{obj.name or ''}\" uses the {bad_type} strategy: use RollingUpdate")
