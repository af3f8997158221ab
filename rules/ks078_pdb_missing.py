from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import (
    REPLICATED_KINDS, int_value, of_kind, same_namespace, scalers_of, selector_matches, template_labels,
)


class PdbMissing(Rule):
    """
    Cover replicated workloads with a PodDisruptionBudget (opt-in).

    ## What it does
    Flags a Deployment, StatefulSet, ReplicaSet, ReplicationController or DeploymentConfig with
    more than one replica (or an autoscaler) that no PodDisruptionBudget of the same file and
    namespace selects, when the file defines at least one PodDisruptionBudget.

    ## Why is this bad?
    Without a budget a node drain may evict every replica at once: upgrades and autoscaler
    scale-downs then cause outages that the replicas were meant to prevent.

    ## Scope
    Judged within the file only: a file without PodDisruptionBudgets is left alone, since the
    budget is often managed elsewhere.

    ## Compared with other tools
    polaris `missingPodDisruptionBudget` and kube-score `deployment-has-poddisruptionbudget` /
    `statefulset-has-poddisruptionbudget` see all manifests at once. Off by default.
    """

    code = "KS078"
    name = "pdb-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = (
        "polaris:missingPodDisruptionBudget",
        "kube-score:deployment-has-poddisruptionbudget",
        "kube-score:statefulset-has-poddisruptionbudget",
    )
    examples = [
        bad(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: db
            spec:
              maxUnavailable: 1
              selector:
                matchLabels: {app: db}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 3
              template:
                metadata:
                  labels: {app: web}
            """,
            count=1,
            at=(15, 13),
        ),
        ok(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              maxUnavailable: 1
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
              template:
                metadata:
                  labels: {app: web}
            """
        ),
    ]

    def check(self, ctx):
        budgets = of_kind(ctx, "PodDisruptionBudget")
        for obj in of_kind(ctx, *REPLICATED_KINDS):
            local = [b for b in budgets if same_namespace(b, obj)]
            if not local:
                continue
            node = obj.node.get_in("spec", "replicas")
            replicas = int_value(node)
            if (replicas is None or replicas < 2) and not scalers_of(ctx, obj):
                continue
            labels = template_labels(obj)
            if any(selector_matches(b.node.get_in("spec", "selector"), labels) for b in local):
                continue
            span = node.span if node is not None else obj.kind_span
            ctx.report(span, f"no PodDisruptionBudget in this file covers {obj.kind} \"{obj.name or ''}\"")
