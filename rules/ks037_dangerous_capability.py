from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, trivy
from dockerlint.rulekit.capabilities import DANGEROUS, WHY
from dockerlint.rulekit.k8s_objects import capabilities, capability_name

# capability -> the peers' ids for adding exactly it
_PEERS = {
    "SYS_ADMIN": ("kube-linter:privilege-escalation-container", "CKV_K8S_39", *trivy(5), "polaris:dangerousCapabilities"),
    "ALL": ("polaris:dangerousCapabilities",),
    "NET_ADMIN": ("polaris:dangerousCapabilities",),
    "SYS_MODULE": trivy(120),
}
class DangerousCapability(Rule):
    """
    Do not add capabilities that amount to root on the node.

    ## What it does
    Flags an entry of `securityContext.capabilities.add` that is `ALL`, `SYS_ADMIN`,
    `NET_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF` or
    `SYS_BOOT` (configurable).

    ## Why is this bad?
    Each of these is a documented container escape or node takeover on its own: `SYS_ADMIN`
    mounts filesystems and cgroups (the release_agent escape), `SYS_MODULE` loads kernel
    code, `DAC_READ_SEARCH` reads host files by inode, `SYS_PTRACE` injects into processes
    that share the PID namespace, `NET_ADMIN` rewrites the node-local network. KS007 reports
    any addition outside the default set as a warning; these deserve an error.

    ## Scope
    Regular, init and ephemeral containers. Names are read as the runtime reads them:
    case-insensitive, with or without `CAP_`. `NET_RAW` is KS036's.

    ## Options
    `capabilities` (list): the capabilities to report, replacing the default list.

    ## Compared with other tools
    Checkov CKV_K8S_39 and Trivy KSV-0005 check `SYS_ADMIN` only, Trivy KSV-0120
    `SYS_MODULE`, polaris `dangerousCapabilities` `ALL`, `SYS_ADMIN` and `NET_ADMIN`, and
    kube-linter folds `SYS_ADMIN` into `privilege-escalation-container`. We report the union
    plus the other well-known escape capabilities; each finding carries the ids of the peers
    that check that capability.
    """

    code = "KS037"
    name = "dangerous-capability"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = tuple(dict.fromkeys(a for ids in _PEERS.values() for a in ids)) + ("C-0046",)
    options = {"capabilities": Option(list, list(DANGEROUS), "capabilities whose addition is reported")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/agent:3.2
                    securityContext:
                      capabilities:
                        add: ["SYS_ADMIN", "NET_BIND_SERVICE", "cap_sys_ptrace"]
            """,
            count=2,
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
                    drop: [ALL]
                    add: [NET_BIND_SERVICE]
            """
        ),
    ]

    def check(self, ctx):
        wanted = {str(c).strip().upper().removeprefix("CAP_") for c in ctx.options.get("capabilities", DANGEROUS)}
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                _, added, _ = capabilities(container)
                for node in added:
                    name = capability_name(node)
                    if name not in wanted:
                        continue
                    why = WHY.get(name)
                    ctx.report(
                        node.span,
                        f"{describe(container)} adds {name}{': ' + why if why else ''}",
                        aliases=_PEERS.get(name, ()) + ("C-0046",),
                    )
