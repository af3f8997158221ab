from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, key_span, pod_workloads
from dockerlint.rulekit.k8s_objects import capabilities, capability_name


class NetRawNotDropped(Rule):
    """
    Drop `NET_RAW` (opt-in: KS007 asks for dropping `ALL`).

    ## What it does
    Flags a container that keeps the `NET_RAW` capability: it adds `NET_RAW` or `ALL`, or its
    `capabilities.drop` contains neither `NET_RAW` nor `ALL`.

    ## Why is this bad?
    containerd and Docker grant `NET_RAW` by default. It lets a process craft raw packets:
    ARP and DNS spoofing of other pods on the node, and a steady stream of kernel exploits
    (CVE-2020-14386). Almost no application needs it; `ping` works without it on current
    kernels.

    ## Scope
    Regular, init and ephemeral containers; Windows pods are skipped. Names are read as the
    runtime reads them: case-insensitive, with or without `CAP_`. KS007 (on by default)
    already reports every container that does not drop `ALL`, which includes these; enable
    this rule instead of KS007 when dropping `ALL` is not yet realistic.

    ## Compared with other tools
    Checkov CKV_K8S_28 fails when the drop list lacks `NET_RAW` and `ALL`, as we do. kube-linter
    `drop-net-raw-capability` reports an added `NET_RAW`, and a drop list that misses it, but
    not a container without any drop list, which still has `NET_RAW`; we report that too.
    polaris `insecureCapabilities` includes `NET_RAW` in its list.
    """

    code = "KS036"
    name = "net-raw-not-dropped"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("kube-linter:drop-net-raw-capability", "CKV_K8S_28", "polaris:insecureCapabilities", "C-0199")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
              - name: tools
                image: busybox:1.36
                securityContext:
                  capabilities:
                    drop: [ALL]
                    add: [NET_RAW]
            """,
            count=2,
            at=[(7, 5), (14, 15)],
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
                  capabilities:
                    drop: [NET_RAW]
              - name: sidecar
                image: busybox:1.36
                securityContext:
                  capabilities:
                    drop: [all]
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            if workload.is_windows:
                continue
            for container in workload.containers:
                caps, added, dropped = capabilities(container)
                who = describe(container)
                grant = next((n for n in added if capability_name(n) in ("NET_RAW", "ALL")), None)
                if grant is not None:
                    ctx.report(grant.span, f"{who} adds {capability_name(grant)}, which includes NET_RAW")
                    continue
                if any(capability_name(n) in ("NET_RAW", "ALL") for n in dropped):
                    continue
                span = key_span(caps, "drop") if caps is not None and "drop" in caps else container.missing_span
                ctx.report(span, f"{who} keeps the NET_RAW capability: add NET_RAW (or ALL) to capabilities.drop")
