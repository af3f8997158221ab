from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import LowId


class LowUserId(LowId):
    """
    Run containers with a high UID, outside the range of host users (opt-in).

    ## What it does
    Flags a container whose effective `runAsUser` (the container's, else the pod's) is unset or
    below `minimum` (10000).

    ## Why is this bad?
    Without user namespaces a container's UID is the host's UID. Low UIDs belong to real
    accounts and system daemons on the node: a process that escapes the container, or reaches
    a hostPath or NFS volume, acts as that user. UIDs >= 10000 do not collide with them.

    ## Scope
    Regular, init and ephemeral containers. Pods with `hostUsers: false` (a private user
    namespace) and Windows pods are skipped. A non-numeric (templated) value is not judged.
    `runAsUser: 0` is also reported by KS002.

    ## Options
    `minimum` (default 10000): the lowest accepted UID.

    ## Compared with other tools
    Checkov CKV_K8S_40 and kube-score `container-security-context-user-group-id` pass at
    >= 10000, as we do; Trivy KSV-0020 wants > 10000. Like Checkov we exempt `hostUsers:
    false`. Off by default: most images choose their own non-root UID, and KS002 covers root.
    """

    code = "KS033"
    name = "low-user-id"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    enabled_by_default = False
    field, word = "runAsUser", "UID"
    aliases = ("CKV_K8S_40", *trivy(20), "kube-score:container-security-context-user-group-id")
    options = {"minimum": Option(int, 10000, "the lowest accepted UID")}
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsUser: 1000
              containers:
              - name: web
                image: nginx:1.27
              - name: sidecar
                image: busybox:1.36
                securityContext:
                  runAsUser: 20000
            """,
            count=1,
            at=(7, 16),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsUser: 10001
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]
