from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_control_plane import (
    Check, ControlPlaneFlags, all_aliases, bind_localhost, gate_not_false, kcv, must_be_set, must_equal, positive,
)

I = Severity.INFO
_KEY_FILES = (".pem", ".key", ".crt")
CHECKS = (
    Check(("CKV_K8S_106", *kcv(33)), I, positive("terminated-pod-gc-threshold", why="terminated pods pile up (0 disables the collector)")),
    Check(("CKV_K8S_107", *kcv(34)), I, must_equal("profiling", "false", default_ok=False, why="profiling endpoints expose internals")),
    Check(("CKV_K8S_108", *kcv(35)), I, must_equal("use-service-account-credentials", "true", default_ok=False, why="every controller then shares one all-powerful identity")),
    Check(("CKV_K8S_110", *kcv(36)), I, must_be_set("service-account-private-key-file", why="service account tokens cannot be signed", suffixes=_KEY_FILES, optional=True)),
    Check(("CKV_K8S_111", *kcv(37)), I, must_be_set("root-ca-file", why="pods cannot verify the API server", suffixes=_KEY_FILES, optional=True)),
    Check(("CKV_K8S_112", *kcv(38)), I, gate_not_false("RotateKubeletServerCertificate", why="kubelet serving certificates are never rotated")),
    Check(("CKV_K8S_113", *kcv(39)), I, bind_localhost(why="its unauthenticated endpoints are reachable from the network")),
)


class KubeControllerManagerFlags(ControlPlaneFlags):
    """
    Start kube-controller-manager with the CIS Benchmark's secure flags.

    ## What it does
    In a workload that runs `kube-controller-manager`, checks the CIS Kubernetes Benchmark
    section 1.3 flags: a non-zero `--terminated-pod-gc-threshold`, `--profiling=false`,
    `--use-service-account-credentials=true`, key and CA files that look like PEM files,
    `RotateKubeletServerCertificate` not disabled, `--bind-address=127.0.0.1`.

    ## Why is this bad?
    Without per-controller credentials every controller acts with the manager's full power;
    profiling and a public bind address expose internals; unrotated kubelet certificates
    live forever.

    ## Scope
    Containers whose command starts with `kube-controller-manager` (or, without a command,
    whose image is). `--service-account-private-key-file` and `--root-ca-file` are only
    judged when set.

    ## Compared with other tools
    Checkov CKV_K8S_106-113 and Trivy KCV-0033-0039, same items; each finding carries its ids.
    """

    code = "KS056"
    name = "kube-controller-manager-flags"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    component = "kube-controller-manager"
    checks = CHECKS
    aliases = all_aliases(CHECKS)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-controller-manager
              namespace: kube-system
            spec:
              containers:
              - name: kube-controller-manager
                image: registry.k8s.io/kube-controller-manager:v1.31.0
                command:
                - kube-controller-manager
                - --bind-address=0.0.0.0
            """,
            at=[(10, 5), (10, 5), (10, 5), (12, 7)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-controller-manager
              namespace: kube-system
            spec:
              containers:
              - name: kube-controller-manager
                image: registry.k8s.io/kube-controller-manager:v1.31.0
                command:
                - kube-controller-manager
                - --bind-address=127.0.0.1
                - --profiling=false
                - --terminated-pod-gc-threshold=10
                - --use-service-account-credentials=true
                - --service-account-private-key-file=/etc/kubernetes/pki/sa.key
                - --root-ca-file=/etc/kubernetes/pki/ca.crt
            """
        ),
    ]
