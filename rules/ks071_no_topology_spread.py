from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import sequence_items, text
from dockerlint.rulekit.k8s_objects import REPLICATED_KINDS, int_value, of_kind

_SKEW_POLICIES = ("DoNotSchedule", "ScheduleAnyway")


class NoTopologySpread(Rule):
    """
    Spread replicated workloads across zones with `topologySpreadConstraints` (opt-in).

    ## What it does
    Flags a replicated workload with `replicas` of at least `min_replicas` (2) and no
    `topologySpreadConstraints`, and an invalid constraint (no `topologyKey`, `maxSkew` below
    1, an unknown `whenUnsatisfiable`).

    ## Why is this bad?
    Without a spread constraint all replicas can land in one zone: a zone outage, the most
    common large failure in cloud clusters, then takes the service down.

    ## Scope
    Deployments, StatefulSets, ReplicaSets, ReplicationControllers and DeploymentConfigs with
    an explicit `replicas`.

    ## Options
    `min_replicas` (default 2).

    ## Compared with other tools
    polaris `topologySpreadConstraint` (missing) and kube-score
    `pod-topology-spread-constraints` (invalid ones). Off by default: single-zone clusters
    have nothing to spread over.
    """

    code = "KS071"
    name = "no-topology-spread"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("polaris:topologySpreadConstraint", "kube-score:pod-topology-spread-constraints")
    options = {"min_replicas": Option(int, 2, "workloads with at least this many replicas are checked")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
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
              template:
                metadata:
                  labels: {app: web}
                spec:
                  topologySpreadConstraints:
                  - maxSkew: 1
                    topologyKey: topology.kubernetes.io/zone
                    whenUnsatisfiable: ScheduleAnyway
                    labelSelector:
                      matchLabels: {app: web}
                  containers:
                  - name: web
                    image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        minimum = int(ctx.options.get("min_replicas", 2))
        for obj in of_kind(ctx, *REPLICATED_KINDS):
            pod = obj.node.get_in("spec", "template", "spec")
            if type(pod) is not MappingNode:
                continue
            constraints = sequence_items(pod.get("topologySpreadConstraints"))
            for item in constraints:
                if type(item) is not MappingNode:
                    continue
                skew = int_value(item.get("maxSkew"))
                policy = text(item.get("whenUnsatisfiable"))
                if not text(item.get("topologyKey")):
                    problem = "has no topologyKey"
                elif skew is not None and skew < 1:
                    problem = f"has maxSkew {skew} (must be at least 1)"
                elif policy is not None and policy not in _SKEW_POLICIES:
                    problem = f"has whenUnsatisfiable {policy} (DoNotSchedule or ScheduleAnyway)"
                else:
                    continue
                ctx.report(item.head_span(("topologyKey", "maxSkew")), f"a topology spread constraint of {obj.kind} \"{obj.name or ''}\" {problem}")
            node = obj.node.get_in("spec", "replicas")
            replicas = int_value(node)
            if replicas is not None and replicas >= minimum and not constraints:
                ctx.report(node.span, f"{obj.kind} \"{obj.name or ''}\" runs {replicas} replicas without topologySpreadConstraints")
