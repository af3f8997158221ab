from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, trivy


class PodSecurityContextMissing(Rule):
    """
    Give every pod a `securityContext` (opt-in).

    ## What it does
    Flags a pod template without `spec.securityContext`, or with an empty one.

    ## Why is this bad?
    The pod-level security context is where settings that cover all containers live
    (`runAsNonRoot`, `seccompProfile`, `fsGroup`, `supplementalGroups`, `sysctls`); without it
    every container has to repeat them, and containers added later start unhardened.

    ## Scope
    Every workload with a pod template; container-level contexts do not count. The fields that
    matter are checked one by one by other KS rules, which is why this summary rule is off by
    default.

    ## Compared with other tools
    Checkov CKV_K8S_29 (non-empty pod-level context required, as here), Trivy KSV-0118 (pod and
    container together), kubescape C-0211.
    """

    code = "KS039"
    whole_object = True
    name = "pod-security-context-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_29", *trivy(118), "C-0211")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      runAsNonRoot: true
            """,
            count=1,
            at=(7, 5),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsNonRoot: true
                seccompProfile: {type: RuntimeDefault}
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            sc = workload.pod_spec.get("securityContext")
            if type(sc) is MappingNode and sc.pairs:
                continue
            key = workload.pod_spec.key_node("securityContext")
            ctx.report(key.span if key is not None else workload.missing_span, "the pod has no securityContext")
