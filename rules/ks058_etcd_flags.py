from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_control_plane import (
    Check, ControlPlaneFlags, all_aliases, kcv, must_be_set, must_equal, must_not_equal,
)

I = Severity.INFO
CHECKS = (
    Check(("CKV_K8S_116", *kcv(42)), I, must_be_set("cert-file", "key-file", why="clients talk to etcd without TLS")),
    Check(("CKV_K8S_117", *kcv(43)), I, must_equal("client-cert-auth", "true", default_ok=False, why="any client can read the cluster's data")),
    Check(("CKV_K8S_118", *kcv(44)), I, must_not_equal("auto-tls", "true", why="self-signed certificates cannot be verified")),
    Check(("CKV_K8S_119", *kcv(45)), I, must_be_set("peer-cert-file", "peer-key-file", why="peers talk without TLS")),
    Check(("CKV_K8S_121", *kcv(46)), I, must_equal("peer-client-cert-auth", "true", default_ok=False, why="any host can join as a peer")),
    Check(kcv(47), I, must_not_equal("peer-auto-tls", "true", why="self-signed peer certificates cannot be verified")),
)


class EtcdFlags(ControlPlaneFlags):
    """
    Run etcd with TLS and client certificate authentication.

    ## What it does
    In a workload that runs `etcd`, checks the CIS Kubernetes Benchmark section 2 flags:
    server and peer certificates and keys set, `--client-cert-auth=true`,
    `--peer-client-cert-auth=true`, and no `--auto-tls`/`--peer-auto-tls`.

    ## Why is this bad?
    etcd holds every object of the cluster, Secrets included, unencrypted unless encryption
    at rest is configured. Without TLS and client certificates anyone who reaches its port
    reads and writes the cluster's state.

    ## Scope
    Containers whose command starts with `etcd` (or, without a command, whose image is
    `etcd`, as in `registry.k8s.io/etcd`).

    ## Compared with other tools
    Checkov CKV_K8S_116-121 and Trivy KCV-0042-0047, same items.
    """

    code = "KS058"
    name = "etcd-flags"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    component = "etcd"
    checks = CHECKS
    aliases = all_aliases(CHECKS)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: etcd
              namespace: kube-system
            spec:
              containers:
              - name: etcd
                image: registry.k8s.io/etcd:3.5.15-0
                command: [etcd, --auto-tls=true]
            """,
            at=[(10, 5), (10, 5), (10, 5), (10, 5), (10, 21)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: etcd
              namespace: kube-system
            spec:
              containers:
              - name: etcd
                image: registry.k8s.io/etcd:3.5.15-0
                command:
                - etcd
                - --cert-file=/etc/kubernetes/pki/etcd/server.crt
                - --key-file=/etc/kubernetes/pki/etcd/server.key
                - --client-cert-auth=true
                - --peer-cert-file=/etc/kubernetes/pki/etcd/peer.crt
                - --peer-key-file=/etc/kubernetes/pki/etcd/peer.key
                - --peer-client-cert-auth=true
            """
        ),
    ]
