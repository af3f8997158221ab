from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import sequence_items
from dockerlint.rulekit.k8s_objects import of_kind, pod_label_sets, same_namespace, selector_matches

_POLICY = ("kube-linter:dangling-networkpolicy", "kube-score:networkpolicy-targets-pod", "C-0299")
_PEER = ("kube-linter:dangling-networkpolicypeer-podselector",)


class DanglingNetworkPolicy(Rule):
    """
    Make NetworkPolicy selectors match the pods defined with them (opt-in).

    ## What it does
    Flags a NetworkPolicy whose `podSelector`, or the `podSelector` of one of its ingress or
    egress peers (without a `namespaceSelector`), matches none of the pods created by the
    workloads of the same file and namespace, when the file has such workloads.

    ## Why is this bad?
    A policy that selects nothing protects nothing, and a peer selector that matches nothing
    blocks the traffic it was meant to allow; both usually come from a label renamed on one
    side.

    ## Scope
    NetworkPolicy objects. An empty `podSelector` (`{}`) selects every pod and always matches.
    Judged within the file only: a policy file without workloads is left alone.

    ## Compared with other tools
    kube-linter `dangling-networkpolicy` and `dangling-networkpolicypeer-podselector`, kube-score
    `networkpolicy-targets-pod`, kubescape C-0299; each finding carries the ids of its side.
    Off by default, as KS073.
    """

    code = "KS076"
    name = "dangling-network-policy"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = _POLICY + _PEER
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web
            spec:
              podSelector:
                matchLabels: {app: website}
              ingress:
              - from:
                - podSelector:
                    matchLabels: {app: gateway}
            """,
            count=2,
            at=[(15, 3), (19, 7)],
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: web
            spec:
              podSelector:
                matchLabels: {app: web}
              ingress:
              - from:
                - podSelector: {}
            """
        ),
    ]

    def check(self, ctx):
        pods = pod_label_sets(ctx)
        for policy in of_kind(ctx, "NetworkPolicy"):
            candidates = [labels for obj, labels in pods if same_namespace(obj, policy)]
            spec = policy.node.get_mapping("spec")
            if not candidates or spec is None:
                continue

            def dangling(selector) -> bool:
                if type(selector) is not MappingNode or not selector.pairs:
                    return False
                return not any(selector_matches(selector, labels) for labels in candidates)

            if dangling(spec.get("podSelector")):
                ctx.report(spec.key_node("podSelector").span, f"NetworkPolicy \"{policy.name or ''}\" selects no pod of the workloads in this file", aliases=_POLICY)
            for direction, side in (("ingress", "from"), ("egress", "to")):
                for rule in sequence_items(spec.get(direction)):
                    for peer in sequence_items(rule.get(side) if type(rule) is MappingNode else None):
                        if type(peer) is MappingNode and peer.get("namespaceSelector") is None and dangling(peer.get("podSelector")):
                            ctx.report(peer.key_node("podSelector").span, f"a {direction} peer of NetworkPolicy \"{policy.name or ''}\" matches no pod of the workloads in this file", aliases=_PEER)
