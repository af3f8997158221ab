import re

from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import (
    REPLICATED_KINDS, int_value, labels_of, of_kind, scalers_of, selector_matches, template_labels,
)

_MAX = ("kube-linter:pdb-max-unavailable", "polaris:pdbDisruptionsIsZero")
_MIN = ("kube-linter:pdb-min-available", "polaris:pdbMinAvailableGreaterThanHPAMinReplicas", "polaris:pdbDisruptionsIsZero")


def _percent(node) -> int | None:
    if type(node) is ScalarNode and re.fullmatch(r"\s*\d+\s*%\s*", node.value or ""):
        digits = node.value.strip().rstrip("%").strip().lstrip("0") or "0"
        return int(digits) if len(digits) < 10 else 10**9  # int() refuses more than 4,300 digits
    return None


class PdbBlocksDisruptions(Rule):
    """
    Do not write PodDisruptionBudgets that forbid every eviction.

    ## What it does
    Flags a PodDisruptionBudget with `maxUnavailable: 0` (or `0%`), `minAvailable: 100%`, or a
    `minAvailable` at least as large as the replicas of a workload of the same file it selects
    (the workload's autoscaler minimum when an HPA or ScaledObject scales it, else its
    `replicas`, default 1).

    ## Why is this bad?
    Such a budget never allows a voluntary eviction: node drains for upgrades and autoscaler
    scale-downs hang until someone deletes the budget by hand, and cluster upgrades stall.

    ## Scope
    PodDisruptionBudget objects; workloads are matched by namespace and selector within the
    file.

    ## Compared with other tools
    kube-linter `pdb-max-unavailable` and `pdb-min-available`, polaris `pdbDisruptionsIsZero`
    and `pdbMinAvailableGreaterThanHPAMinReplicas`; each finding carries the ids of its case.
    """

    code = "KS062"
    name = "pdb-blocks-disruptions"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    aliases = tuple(dict.fromkeys(_MAX + _MIN))
    examples = [
        bad(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              maxUnavailable: 0
              selector:
                matchLabels: {app: web}
            """,
            count=1,
            at=(6, 19),
        ),
        bad(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              minAvailable: 2
              selector:
                matchLabels: {app: web}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
            """,
            count=1,
            at=(6, 17),
        ),
        ok(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              minAvailable: 2
              unhealthyPodEvictionPolicy: AlwaysAllow
              selector:
                matchLabels: {app: web}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
            """
        ),
    ]

    def check(self, ctx):
        workloads = of_kind(ctx, *REPLICATED_KINDS)
        for pdb in of_kind(ctx, "PodDisruptionBudget"):
            spec = pdb.node.get_mapping("spec")
            if spec is None:
                continue
            name = pdb.name or ""
            max_node, min_node = spec.get("maxUnavailable"), spec.get("minAvailable")
            if int_value(max_node) == 0 or _percent(max_node) == 0:
                ctx.report(max_node.span, f"PodDisruptionBudget \"{name}\" sets maxUnavailable to 0: no pod can ever be evicted", aliases=_MAX)
                continue
            if _percent(min_node) is not None and _percent(min_node) >= 100:
                ctx.report(min_node.span, f"PodDisruptionBudget \"{name}\" sets minAvailable to 100%: no pod can ever be evicted", aliases=_MIN)
                continue
            minimum = int_value(min_node)
            if minimum is None:
                continue
            for obj in workloads:
                if (obj.namespace or None) != (pdb.namespace or None):
                    continue
                # the pods' labels: the template's, else what the workload selects
                labels = template_labels(obj)
                if not labels:
                    selector = obj.node.get_in("spec", "selector")
                    plain = type(selector) is MappingNode and not ({"matchLabels", "matchExpressions"} & set(selector.keys()))
                    labels = labels_of(selector) if plain else labels_of(obj.node.get_in("spec", "selector", "matchLabels"))
                if not selector_matches(spec.get("selector"), labels):
                    continue
                scaled = [m for _, m in scalers_of(ctx, obj) if m is not None]
                replicas = min(scaled) if scaled else (int_value(obj.node.get_in("spec", "replicas")) or 1)
                if minimum >= replicas:
                    ctx.report(
                        min_node.span,
                        f"PodDisruptionBudget \"{name}\" requires {minimum} available pod(s) but {obj.kind} "
                        f"\"{obj.name or ''}\" may run only {replicas}: no pod can be evicted",
                        aliases=_MIN,
                    )
                    break
