from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import LowId


class LowGroupId(LowId):
    """
    Run containers with a high primary GID, outside the range of host groups (opt-in).

    ## What it does
    Flags a container whose effective `runAsGroup` (the container's, else the pod's) is unset
    or below `minimum` (10000).

    ## Why is this bad?
    Without user namespaces a container's GID is the host's GID: low GIDs are host groups
    (`root`, `disk`, `docker`...), and files on hostPath or NFS volumes owned by them become
    accessible to the container.

    ## Scope
    Regular, init and ephemeral containers; pods with `hostUsers: false` and Windows pods are
    skipped. GID 0 is also reported by KS035.

    ## Options
    `minimum` (default 10000): the lowest accepted GID.

    ## Compared with other tools
    kube-score `container-security-context-user-group-id` (>= 10000, as here) and Trivy
    KSV-0021 (> 10000). Off by default, like KS033.
    """

    code = "KS034"
    name = "low-group-id"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    enabled_by_default = False
    field, word = "runAsGroup", "GID"
    aliases = (*trivy(21), "kube-score:container-security-context-user-group-id")
    options = {"minimum": Option(int, 10000, "the lowest accepted GID")}
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
                securityContext:
                  runAsUser: 10001
            """,
            count=1,
            at=(7, 5),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsGroup: 10001
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]
