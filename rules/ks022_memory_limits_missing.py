from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import MissingResource


class MemoryLimitsMissing(MissingResource):
    """
    Set a memory limit on every container.

    ## What it does
    Flags a regular or init container without `resources.limits.memory` (or with a zero one).

    ## Why is this bad?
    A container without a memory limit can take all of its node's memory: a leak or a hostile
    input then gets other pods OOM-killed or evicted, and a node under memory pressure can
    become unresponsive. A limit confines the damage to the offending container, so a
    reviewer treats it as a denial-of-service control, not only a capacity setting.

    ## Scope
    Regular and init containers of every workload with a pod template. A namespace
    `LimitRange` can default the limit; this rule cannot see it (ignore the rule there).

    ## Compared with other tools
    Checkov CKV_K8S_13, Trivy KSV-0018, kube-linter `unset-memory-requirements`, polaris
    `memoryLimitsMissing` and kube-score `container-resources` flag it; all but Checkov
    enable it by default. Unlike the CPU rules (KS019-KS021) it is on by default here: memory
    is not compressible, so one container's missing limit hurts its neighbours.
    """

    code = "KS022"
    whole_object = True
    name = "memory-limits-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    section, resource = "limits", "memory"
    aliases = (
        "kube-linter:unset-memory-requirements",
        "CKV_K8S_13",
        *trivy(18),
        "polaris:memoryLimitsMissing",
        "kube-score:container-resources",
        "C-0004",
        "C-0271",
    )
    examples = [
        bad(
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
                    resources:
                      limits:
                        cpu: "1"
                      requests:
                        memory: 64Mi
            """,
            count=1,
            at=(12, 11),
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
                resources:
                  limits:
                    memory: 256Mi
            """
        ),
    ]
