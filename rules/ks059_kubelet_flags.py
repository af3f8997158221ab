from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_control_plane import (
    Check, ControlPlaneFlags, all_aliases, gate_not_false, kcv, list_lacks, must_be_set, must_be_unset, must_equal,
    must_not_equal, strong_ciphers,
)

E = Severity.ERROR


def _authorization(flags):
    """The kubelet's --authorization-mode defaults to AlwaysAllow."""
    if flags.get("authorization-mode") is None:
        return None, "--authorization-mode is not set, so it is AlwaysAllow: set --authorization-mode=Webhook"
    return list_lacks("authorization-mode", "AlwaysAllow", why="anyone who reaches the kubelet can run commands in pods")(flags)


CHECKS = (
    Check(("CKV_K8S_138", *kcv(79)), E, must_equal("anonymous-auth", "false", default_ok=False, why="anonymous requests reach the kubelet API")),
    Check(("CKV_K8S_139", *kcv(80)), E, _authorization),
    Check(("CKV_K8S_140", *kcv(81)), E, must_be_set("client-ca-file", why="client certificates cannot be verified")),
    Check(("CKV_K8S_141", *kcv(82)), E, must_equal("read-only-port", "0", default_ok=False, why="the read-only port serves pod data without authentication")),
    Check(("CKV_K8S_143", *kcv(85)), E, must_not_equal("streaming-connection-idle-timeout", "0", why="idle exec and port-forward streams never time out")),
    Check(("CKV_K8S_144", *kcv(83)), E, must_equal("protect-kernel-defaults", "true", default_ok=False, why="the kubelet silently changes kernel settings")),
    Check(("CKV_K8S_145", *kcv(84)), E, must_not_equal("make-iptables-util-chains", "false", why="iptables rules drift from what the kubelet expects")),
    Check(("CKV_K8S_146", *kcv(86)), E, must_be_unset("hostname-override", why="it breaks TLS between the API server and the kubelet")),
    Check(("CKV_K8S_148", *kcv(88, 89)), E, must_be_set("tls-cert-file", "tls-private-key-file", why="the kubelet API is served with a self-signed certificate")),
    Check(("CKV_K8S_149", *kcv(90)), E, must_not_equal("rotate-certificates", "false", why="client certificates are never rotated")),
    Check(("CKV_K8S_112", *kcv(91)), E, gate_not_false("RotateKubeletServerCertificate", why="serving certificates are never rotated")),
    Check(("CKV_K8S_151", *kcv(92)), E, strong_ciphers(why="use only AEAD cipher suites")),
)


class KubeletFlags(ControlPlaneFlags):
    """
    Start the kubelet with the CIS Benchmark's secure flags.

    ## What it does
    In a workload that runs `kubelet` (a containerised kubelet, kubelet-in-pod test setups),
    checks the CIS Kubernetes Benchmark section 4.2 flags: anonymous auth off, an authorization
    mode other than AlwaysAllow (the default), a client CA, the read-only port off, a stream
    idle timeout, protected kernel defaults, iptables chains, no hostname override, serving
    certificate and key, certificate rotation, strong TLS ciphers.

    ## Why is this bad?
    The kubelet API runs commands in every pod of its node. With its defaults (anonymous auth
    on, AlwaysAllow) anyone who reaches port 10250 owns the node's pods.

    ## Scope
    Containers whose command starts with `kubelet` (or, without a command, whose image is).
    Flags only: a `--config` file's settings cannot be seen. `--event-qps` is not judged
    (any value can be appropriate).

    ## Compared with other tools
    Checkov CKV_K8S_138-151 and Trivy KCV-0079-0092 (high and critical, so errors), same items.
    """

    code = "KS059"
    name = "kubelet-flags"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    component = "kubelet"
    checks = CHECKS
    aliases = all_aliases(CHECKS)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubelet
            spec:
              containers:
              - name: kubelet
                image: registry.example.com/kubelet:v1.31.0
                command: [kubelet, --anonymous-auth=true]
            """,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kubelet
            spec:
              containers:
              - name: kubelet
                image: registry.example.com/kubelet:v1.31.0
                command:
                - kubelet
                - --anonymous-auth=false
                - --authorization-mode=Webhook
                - --client-ca-file=/etc/kubernetes/pki/ca.crt
                - --read-only-port=0
                - --protect-kernel-defaults=true
                - --tls-cert-file=/var/lib/kubelet/pki/kubelet.crt
                - --tls-private-key-file=/var/lib/kubelet/pki/kubelet.key
            """
        ),
    ]
