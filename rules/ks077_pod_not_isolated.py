from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import object_span, of_kind, pod_label_sets, same_namespace, selector_matches


class PodNotIsolated(Rule):
    """
    Cover every workload with a NetworkPolicy (opt-in).

    ## What it does
    Flags a workload whose pods no NetworkPolicy of the same file and namespace selects, when
    the file defines at least one NetworkPolicy in that namespace.

    ## Why is this bad?
    Pods that no policy selects accept traffic from every pod of the cluster and can reach
    anything: one compromised pod anywhere can talk to them, and they can exfiltrate freely.

    ## Scope
    Objects that create pods (Pods, pod templates, CronJobs). Judged within the file only,
    since dockerlint lints one file at a time: a file without NetworkPolicies is left alone
    (its namespace may have a default-deny policy elsewhere).

    ## Compared with other tools
    kube-linter `non-isolated-pod`, Checkov CKV2_K8S_6, polaris `missingNetworkPolicy`,
    kube-score `pod-networkpolicy`, kubescape C-0260/C-0206. They see all manifests at once;
    we report only what one file proves. Off by default.
    """

    code = "KS077"
    name = "pod-not-isolated"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = (
        "kube-linter:non-isolated-pod", "CKV2_K8S_6", "polaris:missingNetworkPolicy", "kube-score:pod-networkpolicy",
        "C-0260", "C-0206",
    )
    examples = [
        bad(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: db
            spec:
              podSelector:
                matchLabels: {app: db}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web}
            """,
            count=1,
            at=(12, 3),
        ),
        ok(
            """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: default-deny
            spec:
              podSelector: {}
              policyTypes: [Ingress, Egress]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web}
            """
        ),
    ]

    def check(self, ctx):
        policies = of_kind(ctx, "NetworkPolicy")
        for obj, labels in pod_label_sets(ctx):
            local = [p for p in policies if same_namespace(p, obj)]
            if not local:
                continue
            selected = False
            for policy in local:
                selector = policy.node.get_in("spec", "podSelector")
                if type(selector) is MappingNode and (not selector.pairs or selector_matches(selector, labels)):
                    selected = True
                    break
            if not selected:
                ctx.report(object_span(obj), f"no NetworkPolicy in this file selects the pods of {obj.kind} \"{obj.name or ''}\"")
