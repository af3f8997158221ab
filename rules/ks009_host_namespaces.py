from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import is_true, pod_workloads, pss_baseline, trivy

# field -> (what it shares, the peers' ids for that field)
_FIELDS = {
    "hostNetwork": (
        "network",
        ("kube-linter:host-network", "CKV_K8S_19", *trivy(9), "polaris:hostNetworkSet", "C-0041", "C-0196", "C-0216"),
    ),
    "hostPID": (
        "process ID",
        ("kube-linter:host-pid", "CKV_K8S_17", *trivy(10), "polaris:hostPIDSet", "C-0038", "C-0194", "C-0214", "C-0275"),
    ),
    "hostIPC": (
        "IPC",
        ("kube-linter:host-ipc", "CKV_K8S_18", *trivy(8), "polaris:hostIPCSet", "C-0038", "C-0195", "C-0215", "C-0276"),
    ),
}


class HostNamespaces(Rule):
    """
    Do not share the host's network, PID or IPC namespace.

    ## What it does
    Flags `hostNetwork: true`, `hostPID: true` and `hostIPC: true` in a pod spec, one finding
    per field.

    ## Why is this bad?
    With `hostNetwork` the pod sees every interface of the node, can bind its ports and reach
    services listening on localhost; with `hostPID` it sees (and, as root, can signal or trace)
    every process of the node; with `hostIPC` it can read other processes' shared memory. Each
    violates the Pod Security Standards baseline control "Host Namespaces".

    ## Scope
    The pod spec of every workload with a pod template. Windows pods are not exempt (a
    HostProcess pod must set `hostNetwork: true`, and is reported by KS016 as well).

    ## Compared with other tools
    All peers fail on an explicit `true`, as we do. Each finding carries only the aliases of the
    field it is about, so a Checkov skip of CKV_K8S_19 (hostNetwork) does not hide `hostPID`.
    """

    code = "KS009"
    name = "host-namespaces"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = tuple(dict.fromkeys(a for _, ids in _FIELDS.values() for a in ids))
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: node-exporter
            spec:
              template:
                spec:
                  hostNetwork: true
                  hostPID: true
                  containers:
                  - name: exporter
                    image: prom/node-exporter:v1.8.2
            """,
            count=2,
            at=[(8, 20), (9, 16)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              hostNetwork: false
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for field, (what, ids) in _FIELDS.items():
                node = workload.pod_spec.get(field)
                if is_true(node):
                    ctx.report(
                        node.span,
                        f"the pod shares the host's {what} namespace ({field}: true)",
                        aliases=ids + pss_baseline("hostNamespaces"),
                    )
