from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_control_plane import (
    Check, ControlPlaneFlags, all_aliases, at_least, kcv, list_has, list_lacks, must_be_set, must_be_unset,
    must_equal, must_not_equal, strong_ciphers,
)

I, W = Severity.INFO, Severity.WARNING
CHECKS = (
    Check(("CKV_K8S_68", *kcv(1)), W, must_equal("anonymous-auth", "false", default_ok=False, why="anonymous requests reach the API")),
    Check(("CKV_K8S_69",), I, must_be_unset("basic-auth-file", why="static passwords cannot be rotated or revoked")),
    Check(("CKV_K8S_70", *kcv(2)), I, must_be_unset("token-auth-file", why="static tokens cannot be rotated or revoked")),
    Check(("CKV_K8S_71", *kcv(4)), I, must_not_equal("kubelet-https", "false", why="API server to kubelet traffic must use TLS")),
    Check(("CKV_K8S_72", *kcv(5)), I, must_be_set("kubelet-client-certificate", "kubelet-client-key", why="the kubelets cannot authenticate the API server")),
    Check(("CKV_K8S_73", *kcv(6)), I, must_be_set("kubelet-certificate-authority", why="kubelet certificates are not verified")),
    Check(("CKV_K8S_74", *kcv(7)), I, list_lacks("authorization-mode", "AlwaysAllow", why="every authenticated request is authorised")),
    Check(("CKV_K8S_75", *kcv(8)), I, list_has("authorization-mode", "Node", why="kubelets can read every object")),
    Check(("CKV_K8S_77", *kcv(9)), I, list_has("authorization-mode", "RBAC", why="RBAC is the authorizer roles rely on")),
    Check(("CKV_K8S_79", *kcv(11)), I, list_lacks("enable-admission-plugins", "AlwaysAdmit", why="it admits every request")),
    Check(("CKV_K8S_80", *kcv(12)), I, list_has("enable-admission-plugins", "AlwaysPullImages", why="pods can use private images cached on their node")),
    Check(("CKV_K8S_82", *kcv(14)), I, list_lacks("disable-admission-plugins", "ServiceAccount", why="service account admission must stay on")),
    Check(("CKV_K8S_83", *kcv(15)), I, list_lacks("disable-admission-plugins", "NamespaceLifecycle", why="objects can be created in terminating namespaces")),
    Check(("CKV_K8S_85", *kcv(16)), I, list_has("enable-admission-plugins", "NodeRestriction", why="kubelets can modify other nodes and their pods")),
    Check(("CKV_K8S_86",), I, must_be_unset("insecure-bind-address", why="it serves the API without authentication")),
    Check(("CKV_K8S_88",), I, must_equal("insecure-port", "0", default_ok=True, why="the insecure port has no authentication")),
    Check(("CKV_K8S_89", *kcv(17)), I, must_not_equal("secure-port", "0", why="it turns off the TLS port")),
    Check(("CKV_K8S_90", *kcv(18)), I, must_equal("profiling", "false", default_ok=False, why="profiling endpoints expose internals")),
    Check(("CKV_K8S_91", *kcv(19)), I, must_be_set("audit-log-path", why="no audit log is written")),
    Check(("CKV_K8S_92", *kcv(20)), I, at_least("audit-log-maxage", 30, why="keep 30 days of audit logs")),
    Check(("CKV_K8S_93", *kcv(21)), I, at_least("audit-log-maxbackup", 10, why="keep 10 audit log files")),
    Check(("CKV_K8S_94", *kcv(22)), I, at_least("audit-log-maxsize", 100, why="rotate audit logs at 100 MB")),
    Check(("CKV_K8S_96", *kcv(24)), I, must_equal("service-account-lookup", "true", default_ok=True, why="deleted service accounts' tokens stay valid")),
    Check(("CKV_K8S_97", *kcv(25)), I, must_be_set("service-account-key-file", why="service account tokens cannot be verified", suffixes=(".pem", ".key", ".pub", ".crt"))),
    Check(("CKV_K8S_99", *kcv(26)), I, must_be_set("etcd-certfile", "etcd-keyfile", why="etcd cannot authenticate the API server")),
    Check(("CKV_K8S_100", *kcv(27)), I, must_be_set("tls-cert-file", "tls-private-key-file", why="the API is served without a proper certificate")),
    Check(kcv(28), I, must_be_set("client-ca-file", why="client certificates cannot be verified")),
    Check(("CKV_K8S_102", *kcv(29)), I, must_be_set("etcd-cafile", why="etcd's certificate is not verified")),
    Check(("CKV_K8S_104", *kcv(30)), I, must_be_set("encryption-provider-config", why="Secrets are stored unencrypted in etcd")),
    Check(("CKV_K8S_105",), I, strong_ciphers(why="use only AEAD cipher suites")),
)


class KubeApiserverFlags(ControlPlaneFlags):
    """
    Start kube-apiserver with the CIS Benchmark's secure flags.

    ## What it does
    In a static pod (or any workload) that runs `kube-apiserver`, checks its command-line
    flags against the CIS Kubernetes Benchmark section 1.2: anonymous auth off, no static
    password/token files, TLS to kubelets and etcd with certificates, `Node,RBAC`
    authorization, admission plugins (`NodeRestriction`, `AlwaysPullImages`, no
    `AlwaysAdmit`, `ServiceAccount` and `NamespaceLifecycle` not disabled), no insecure port,
    profiling off, audit log path and retention, service account key and lookup, encryption
    at rest, client CA, strong TLS ciphers. One finding per failed item, at the flag, or at
    `command:` when it is missing.

    ## Why is this bad?
    Each item closes a documented path to the cluster: anonymous or static credentials,
    unauthenticated or unverified connections, missing audit trails, Secrets in plain text in
    etcd.

    ## Scope
    Containers whose command starts with `kube-apiserver` (or, without a command, whose image
    is `kube-apiserver`). Flags are read from `command` and `args` as `--name=value`.
    Severity follows the Trivy check of each item (mostly low, so info).

    ## Compared with other tools
    Checkov CKV_K8S_68-105 and Trivy KCV-0001-0030; each finding carries the ids of its item.
    Where Checkov ignores a flag's default we do not: `ServiceAccount` and
    `NamespaceLifecycle` are on unless disabled, and `--service-account-lookup` defaults to
    true. Not checked: `SecurityContextDeny` and `PodSecurityPolicy` (removed from Kubernetes),
    `EventRateLimit` (alpha), `--request-timeout` (no safe value to assert).
    """

    code = "KS055"
    name = "kube-apiserver-flags"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    component = "kube-apiserver"
    checks = CHECKS
    aliases = all_aliases(CHECKS)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-apiserver
              namespace: kube-system
            spec:
              containers:
              - name: kube-apiserver
                image: registry.k8s.io/kube-apiserver:v1.31.0
                command:
                - kube-apiserver
                - --anonymous-auth=true
                - --authorization-mode=Node,RBAC
            """,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: kube-apiserver
              namespace: kube-system
            spec:
              containers:
              - name: kube-apiserver
                image: registry.k8s.io/kube-apiserver:v1.31.0
                command:
                - kube-apiserver
                - --anonymous-auth=false
                - --authorization-mode=Node,RBAC
                - --enable-admission-plugins=NodeRestriction,AlwaysPullImages
                - --kubelet-client-certificate=/etc/kubernetes/pki/apiserver-kubelet-client.crt
                - --kubelet-client-key=/etc/kubernetes/pki/apiserver-kubelet-client.key
                - --kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt
                - --profiling=false
                - --audit-log-path=/var/log/kubernetes/audit.log
                - --audit-log-maxage=30
                - --audit-log-maxbackup=10
                - --audit-log-maxsize=100
                - --service-account-key-file=/etc/kubernetes/pki/sa.pub
                - --etcd-certfile=/etc/kubernetes/pki/apiserver-etcd-client.crt
                - --etcd-keyfile=/etc/kubernetes/pki/apiserver-etcd-client.key
                - --etcd-cafile=/etc/kubernetes/pki/etcd/ca.crt
                - --tls-cert-file=/etc/kubernetes/pki/apiserver.crt
                - --tls-private-key-file=/etc/kubernetes/pki/apiserver.key
                - --client-ca-file=/etc/kubernetes/pki/ca.crt
                - --encryption-provider-config=/etc/kubernetes/encryption.yaml
            """
        ),
        ok(
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
                    args: ["--profiling=true"]
            """
        ),
    ]
