from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import object_span, of_kind

_POLICY = ("kube-score:poddisruptionbudget-has-policy",)
_UNHEALTHY = ("kube-linter:pdb-unhealthy-pod-eviction-policy",)


class PdbPolicy(Rule):
    """
    Give PodDisruptionBudgets a budget and an unhealthy-pod eviction policy.

    ## What it does
    Flags a PodDisruptionBudget that sets neither `minAvailable` nor `maxUnavailable`, and one
    that does not set `unhealthyPodEvictionPolicy`.

    ## Why is this bad?
    Without a budget the PDB's meaning depends on the API version (`policy/v1beta1` treated it
    as `minAvailable: 1`, `policy/v1` as "no disruption allowed" for an empty selector) and
    readers cannot tell what was intended. Without `unhealthyPodEvictionPolicy: AlwaysAllow`,
    pods that are already crash-looping still count against the budget and block node
    drains (the default `IfHealthyBudget`).

    ## Scope
    PodDisruptionBudget objects.

    ## Compared with other tools
    kube-score `poddisruptionbudget-has-policy` (the budget) and kube-linter
    `pdb-unhealthy-pod-eviction-policy` (the policy, any explicit value accepted); each finding
    carries the matching id.
    """

    code = "KS063"
    name = "pdb-policy"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = _POLICY + _UNHEALTHY
    examples = [
        bad(
            """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
            """,
            count=2,
            at=[(5, 1), (5, 1)],
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
            """
        ),
    ]

    def check(self, ctx):
        for pdb in of_kind(ctx, "PodDisruptionBudget"):
            spec = pdb.node.get_mapping("spec")
            key = pdb.node.key_node("spec")
            span = key.span if key is not None else object_span(pdb)
            name = pdb.name or ""
            has = set(spec.keys()) if spec is not None else set()
            if not {"minAvailable", "maxUnavailable"} & has:
                ctx.report(span, f"PodDisruptionBudget \"{name}\" sets neither minAvailable nor maxUnavailable", aliases=_POLICY)
            if "unhealthyPodEvictionPolicy" not in has:
                ctx.report(
                    span,
                    f"PodDisruptionBudget \"{name}\" does not set unhealthyPodEvictionPolicy: unhealthy pods block drains "
                    "(set AlwaysAllow)",
                    aliases=_UNHEALTHY,
                )
