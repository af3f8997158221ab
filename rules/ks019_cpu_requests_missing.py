from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import MissingResource


class CpuRequestsMissing(MissingResource):
    """
    Set a CPU request on every container.

    ## What it does
    Flags a regular or init container without `resources.requests.cpu` (or with a zero one).

    ## Why is this bad?
    The scheduler places pods by their requests: a pod without a CPU request can land on a node
    that is already full, and under contention it gets only the minimum share, so its latency
    depends on its neighbours.

    ## Scope
    Regular and init containers of every workload with a pod template; ephemeral containers
    cannot set resources. A CPU limit alone also sets the request (the API server copies it),
    so a container with `limits.cpu` passes. A `LimitRange` in the namespace may default the request; this rule
    cannot see it, which is why it is off by default.

    ## Compared with other tools
    Checkov CKV_K8S_10, Trivy KSV-0015, kube-linter `unset-cpu-requirements`, polaris
    `cpuRequestsMissing` and kube-score `container-resources` all flag a missing request, and
    like kube-linter we treat `0` as missing; unlike them we accept a limit without a request,
    which the API server turns into an equal request. Off by default: it is a capacity concern, not a
    security one, and namespace defaults often provide it.
    """

    code = "KS019"
    whole_object = True
    name = "cpu-requests-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    section, resource = "requests", "cpu"
    aliases = (
        "kube-linter:unset-cpu-requirements",
        "CKV_K8S_10",
        *trivy(15),
        "polaris:cpuRequestsMissing",
        "kube-score:container-resources",
        "C-0050",
        "C-0268",
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
                      requests:
                        memory: 128Mi
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
                  requests:
                    cpu: 100m
            """
        ),
    ]
