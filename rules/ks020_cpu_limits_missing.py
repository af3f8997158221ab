from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import MissingResource


class CpuLimitsMissing(MissingResource):
    """
    Set a CPU limit on every container (opt-in).

    ## What it does
    Flags a regular or init container without `resources.limits.cpu` (or with a zero one).

    ## Why is this bad?
    Without a limit a busy container can use every idle core of its node; with requests set
    that is usually what you want, but clusters that bill or isolate by limits need one.

    ## Scope
    Regular and init containers of every workload with a pod template.

    ## Compared with other tools
    Checkov CKV_K8S_11, Trivy KSV-0011, kube-linter `unset-cpu-requirements`, polaris
    `cpuLimitsMissing` and kube-score `container-resources` flag it. Off by default: CPU limits
    cause CFS throttling even on idle nodes, and many teams deliberately set only requests
    (kube-score offers `--ignore-container-cpu-limit` for the same reason).
    """

    code = "KS020"
    whole_object = True
    name = "cpu-limits-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    section, resource = "limits", "cpu"
    aliases = (
        "kube-linter:unset-cpu-requirements",
        "CKV_K8S_11",
        *trivy(11),
        "polaris:cpuLimitsMissing",
        "kube-score:container-resources",
        "C-0050",
        "C-0270",
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
              containers:
              - name: web
                image: nginx:1.27
                resources:
                  limits:
                    cpu: "1"
            """
        ),
    ]
