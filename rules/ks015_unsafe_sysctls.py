from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, pss_baseline, sequence_items, text, trivy

# PSS baseline "Sysctls" allowlist at policy v1.37 (exact names)
SAFE_SYSCTLS = frozenset({
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ip_local_reserved_ports",  # v1.27
    "net.ipv4.tcp_keepalive_time",  # v1.29
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_rmem",  # v1.32
    "net.ipv4.tcp_wmem",
    "net.ipv4.tcp_slow_start_after_idle",  # v1.37
    "net.ipv4.tcp_notsent_lowat",
})


class UnsafeSysctls(Rule):
    """
    Set only the namespaced sysctls that Kubernetes considers safe.

    ## What it does
    Flags each entry of the pod's `securityContext.sysctls` whose `name` is not in the Pod
    Security Standards allowlist (policy v1.37): `kernel.shm_rmid_forced`,
    `net.ipv4.ip_local_port_range`, `net.ipv4.ip_local_reserved_ports`,
    `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range`,
    `net.ipv4.ip_unprivileged_port_start`, `net.ipv4.tcp_keepalive_time`,
    `net.ipv4.tcp_keepalive_intvl`, `net.ipv4.tcp_keepalive_probes`, `net.ipv4.tcp_fin_timeout`,
    `net.ipv4.tcp_rmem`, `net.ipv4.tcp_wmem`, `net.ipv4.tcp_slow_start_after_idle` and
    `net.ipv4.tcp_notsent_lowat`.

    ## Why is this bad?
    Other sysctls are either not isolated per pod (they change the whole node) or can exhaust
    node resources; the kubelet refuses them unless an administrator allows them with
    `--allowed-unsafe-sysctls`. They violate the Pod Security Standards baseline control
    "Sysctls".

    ## Scope
    The pod-level `securityContext.sysctls` of every workload with a pod template (there is no
    container-level field). Names match exactly; values are not checked. Windows pods are not
    exempt.

    ## Compared with other tools
    Trivy KSV-0026 uses the PSS allowlist, as we do (at its newest version: the last two names
    are allowed from policy v1.37, `tcp_rmem`/`tcp_wmem` from v1.32). kube-linter
    `unsafe-sysctls` instead matches prefixes (`kernel.msg`, `kernel.sem`, `kernel.shm`,
    `fs.mqueue.`, `net.`), so it flags allowlisted `net.ipv4.*` names and misses others such as
    `vm.*`.
    """

    code = "KS015"
    name = "unsafe-sysctls"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = ("kube-linter:unsafe-sysctls", *trivy(26))
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: cache
            spec:
              template:
                spec:
                  securityContext:
                    sysctls:
                    - name: net.core.somaxconn
                      value: "1024"
                    - name: vm.overcommit_memory
                      value: "1"
                  containers:
                  - name: redis
                    image: redis:7.4
            """,
            count=2,
            at=[(10, 17), (12, 17)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                sysctls:
                - name: net.ipv4.ip_unprivileged_port_start
                  value: "0"
                - name: net.ipv4.tcp_slow_start_after_idle
                  value: "0"
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        aliases = self.aliases + pss_baseline("sysctls")
        for workload in pod_workloads(ctx):
            psc = workload.pod_security_context
            for entry in sequence_items(psc.get("sysctls") if psc is not None else None):
                if type(entry) is not MappingNode:
                    continue
                name_node = entry.get("name")
                name = text(name_node)
                if name is None or name in SAFE_SYSCTLS:
                    continue
                ctx.report(
                    name_node.span,
                    f"sysctl {name} is not in the safe set: the kubelet rejects it unless the node allows it",
                    aliases=aliases,
                )
