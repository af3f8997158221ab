from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import MissingResource


class MemoryRequestsMissing(MissingResource):
    """
    Set a memory request on every container.

    ## What it does
    Flags a regular or init container without `resources.requests.memory` (or with a zero one).

    ## Why is this bad?
    The scheduler places pods by their requests: without a memory request a pod can be packed
    onto a node that cannot hold it, and it is among the first evicted under memory pressure.

    ## Scope
    Regular and init containers of every workload with a pod template. A memory limit alone
    also sets the request (the API copies it), so a container with `limits.memory` passes.

    ## Compared with other tools
    Checkov CKV_K8S_12, Trivy KSV-0016, kube-linter `unset-memory-requirements`, polaris
    `memoryRequestsMissing` and kube-score `container-resources`. Unlike them we accept a
    memory limit without a request, since the API server defaults the request to the limit.
    Off by default (capacity, not security; namespace LimitRanges often provide it).
    """

    code = "KS021"
    whole_object = True
    name = "memory-requests-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    section, resource = "requests", "memory"
    aliases = (
        "kube-linter:unset-memory-requirements",
        "CKV_K8S_12",
        *trivy(16),
        "polaris:memoryRequestsMissing",
        "kube-score:container-resources",
        "C-0004",
        "C-0269",
    )
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
                resources:
                  requests:
                    cpu: 100m
            """,
            count=1,
            at=(10, 7),
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
                  requests:
                    memory: 64Mi
              - name: sidecar
                image: busybox:1.36
                resources:
                  limits:
                    memory: 32Mi
            """
        ),
    ]
