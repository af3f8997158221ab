from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s_objects import REPLICATED_KINDS, int_value, of_kind, scalers_of


class TooFewReplicas(Rule):
    """
    Run replicated workloads with enough replicas to survive a disruption (opt-in).

    ## What it does
    Flags a Deployment, StatefulSet, ReplicaSet, ReplicationController or DeploymentConfig
    whose explicit `spec.replicas` is below `minimum` (3), unless an HPA or KEDA ScaledObject
    of the same file scales it.

    ## Why is this bad?
    With one replica every node drain, rollout or crash is an outage; with two, a drain during
    a failure is. Three replicas keep a quorum and serve through one voluntary and one
    involuntary disruption.

    ## Scope
    Only an explicit `replicas` is judged: manifests scaled by an autoscaler defined elsewhere
    leave it unset on purpose.

    ## Options
    `minimum` (default 3).

    ## Compared with other tools
    kube-linter `minimum-three-replicas` (3), kube-score `deployment-replicas` and polaris
    `deploymentMissingReplicas` (2). Off by default: replica counts are a capacity decision.
    """

    code = "KS060"
    name = "too-few-replicas"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("kube-linter:minimum-three-replicas", "polaris:deploymentMissingReplicas", "kube-score:deployment-replicas")
    options = {"minimum": Option(int, 3, "the smallest accepted replica count")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 1
            """,
            count=1,
            at=(6, 13),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
            ---
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              replicas: 1
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: db
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: db}
              minReplicas: 3
              maxReplicas: 6
            """
        ),
    ]

    def check(self, ctx):
        minimum = int(ctx.options.get("minimum", 3))
        for obj in of_kind(ctx, *REPLICATED_KINDS):
            node = obj.node.get_in("spec", "replicas")
            replicas = int_value(node)
            if replicas is None or replicas >= minimum or scalers_of(ctx, obj):
                continue
            ctx.report(node.span, f"{obj.kind} \"{obj.name or ''}\" runs {replicas} replica(s): run at least {minimum}")
