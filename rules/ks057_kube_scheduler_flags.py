from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_control_plane import Check, ControlPlaneFlags, all_aliases, bind_localhost, kcv, must_equal

I = Severity.INFO
CHECKS = (
    Check(("CKV_K8S_114", *kcv(40)), I, must_equal("profiling", "false", default_ok=False, why="profiling endpoints expose internals")),
    Check(("CKV_K8S_115", *kcv(41)), I, bind_localhost(why="its endpoints are reachable from the network")),
)


class KubeSchedulerFlags(ControlPlaneFlags):
    """
    Start kube-scheduler with profiling off and bound to localhost.

    ## What it does
    In a workload that runs `kube-scheduler`, checks the CIS Kubernetes Benchmark section 1.4
    flags: `--profiling=false` and `--bind-address=127.0.0.1`.

    ## Why is this bad?
    The profiling endpoints reveal internals and cost CPU; bound to all interfaces, the
    scheduler's health and metrics endpoints are reachable from every pod network.

    ## Scope
    Containers whose command starts with `kube-scheduler` (or, without a command, whose
    image is).

    ## Compared with other tools
    Checkov CKV_K8S_114/115 and Trivy KCV-0040/0041, same items.
    """

    code = "KS057"
    name = "kube-scheduler-flags"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    component = "kube-scheduler"
    checks = CHECKS
    aliases = all_aliases(CHECKS)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-scheduler
              namespace: kube-system
            spec:
              containers:
              - name: kube-scheduler
                image: registry.k8s.io/kube-scheduler:v1.31.0
                command: [kube-scheduler, --profiling=true, --bind-address=127.0.0.1]
            """,
            count=1,
            at=(10, 31),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-scheduler
              namespace: kube-system
            spec:
              containers:
              - name: kube-scheduler
                image: registry.k8s.io/kube-scheduler:v1.31.0
                command: [kube-scheduler, --profiling=false, --bind-address=127.0.0.1]
            """
        ),
    ]
