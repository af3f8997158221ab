from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, trivy


class ContainerSecurityContextMissing(Rule):
    """
    Give every container a `securityContext` (opt-in).

    ## What it does
    Flags a container without a `securityContext`, or with an empty one.

    ## Why is this bad?
    A container without a security context runs with the runtime's defaults: the image's user
    (often root), privilege escalation allowed, the default capability set and a writable root
    filesystem. Writing the block at all is the first step of hardening.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. The fields
    that matter are checked one by one by KS002, KS004, KS005, KS007 and KS008, which is why
    this summary rule is off by default.

    ## Compared with other tools
    Checkov CKV_K8S_30 checks containers and Trivy KSV-0118 pods and containers together;
    kubescape C-0211. Like Checkov we require a non-empty mapping.
    """

    code = "KS038"
    whole_object = True
    name = "container-security-context-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_30", *trivy(118), "C-0211")
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
                  securityContext:
                    runAsNonRoot: true
                  containers:
                  - name: web
                    image: nginx:1.27
                  - name: sidecar
                    image: busybox:1.36
                    securityContext: {}
            """,
            count=2,
            at=[(11, 9), (15, 9)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  allowPrivilegeEscalation: false
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                sc = container.node.get("securityContext")
                if type(sc) is MappingNode and sc.pairs:
                    continue
                key = container.node.key_node("securityContext")
                ctx.report(
                    key.span if key is not None else container.missing_span,
                    f"{describe(container)} has no securityContext",
                )
