from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s_objects import int_value, object_span, of_kind


class HpaMinReplicas(Rule):
    """
    Let autoscalers keep enough replicas (opt-in).

    ## What it does
    Flags a HorizontalPodAutoscaler whose `minReplicas` is below `minimum` (3), or unset (1).

    ## Why is this bad?
    At night the autoscaler scales down to `minReplicas`: with 1 replica, the next node drain or
    crash is an outage, and the first spike is served by a single pod while others start.

    ## Scope
    HorizontalPodAutoscaler objects (any `autoscaling/*` version).

    ## Options
    `minimum` (default 3).

    ## Compared with other tools
    kube-linter `hpa-minimum-three-replicas` (3), kube-score `horizontalpodautoscaler-replicas`
    and polaris `hpaMinAvailability`. Off by default, like KS060.
    """

    code = "KS061"
    name = "hpa-min-replicas"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("kube-linter:hpa-minimum-three-replicas", "polaris:hpaMinAvailability", "kube-score:horizontalpodautoscaler-replicas")
    options = {"minimum": Option(int, 3, "the smallest accepted minReplicas")}
    examples = [
        bad(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 1
              maxReplicas: 10
            """,
            count=1,
            at=(7, 16),
        ),
        ok(
            """
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 3
              maxReplicas: 10
            """
        ),
    ]

    def check(self, ctx):
        minimum = int(ctx.options.get("minimum", 3))
        for hpa in of_kind(ctx, "HorizontalPodAutoscaler"):
            spec = hpa.node.get_mapping("spec")
            node = spec.get("minReplicas") if spec is not None else None
            value = int_value(node)
            if node is None or (type(node).__name__ == "ScalarNode" and node.is_null):
                ctx.report(object_span(hpa), f"HorizontalPodAutoscaler \"{hpa.name or ''}\" sets no minReplicas (1): set at least {minimum}")
            elif value is not None and value < minimum:
                ctx.report(node.span, f"HorizontalPodAutoscaler \"{hpa.name or ''}\" scales down to {value} replica(s): set minReplicas to at least {minimum}")
