from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_objects import MissingProbe


class ReadinessProbeMissing(MissingProbe):
    """
    Give long-running containers a readiness probe (opt-in).

    ## What it does
    Flags a regular container of a long-running workload that has no `readinessProbe`.

    ## Why is this bad?
    Without a readiness probe a pod receives Service traffic as soon as its containers start,
    before the application listens, and keeps receiving it while it is overloaded or shutting
    down; rolling updates then drop requests.

    ## Scope
    Regular containers of workloads with a pod template; Jobs, CronJobs and pods with
    `restartPolicy: Never` or `OnFailure` are skipped, as are init and ephemeral containers.

    ## Compared with other tools
    Checkov CKV_K8S_9, kube-linter `no-readiness-probe`, polaris `readinessProbeMissing` and
    kube-score `pod-probes` (which asks only when a Service selects the pod: we cannot see
    Services in other files). Off by default, as in kube-linter: workers that serve no traffic
    need none.
    """

    code = "KS024"
    whole_object = True
    name = "readiness-probe-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    probe = "readinessProbe"
    aliases = ("kube-linter:no-readiness-probe", "CKV_K8S_9", "polaris:readinessProbeMissing", "kube-score:pod-probes", "C-0018")
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
                    livenessProbe:
                      httpGet: {path: /healthz, port: 8080}
            """,
            count=1,
            at=(9, 9),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              initContainers:
              - name: setup
                image: busybox:1.36
              containers:
              - name: web
                image: nginx:1.27
                readinessProbe:
                  httpGet: {path: /ready, port: 8080}
            """
        ),
    ]
