from dockerlint.model import FileKind, Severity
from dockerlint.rule import bad, ok
from dockerlint.rulekit.k8s_objects import MissingProbe


class LivenessProbeMissing(MissingProbe):
    """
    Give long-running containers a liveness probe (opt-in).

    ## What it does
    Flags a regular container of a long-running workload that has no `livenessProbe`.

    ## Why is this bad?
    Without a liveness probe the kubelet restarts a container only when its process exits: a
    deadlocked or wedged server stays up, keeps its endpoint and serves errors until someone
    notices.

    ## Scope
    Regular containers of workloads with a pod template. Jobs, CronJobs and pods with
    `restartPolicy: Never` or `OnFailure` run to completion and are skipped, as are init and
    ephemeral containers (the API forbids probes on them, sidecars aside).

    ## Compared with other tools
    Checkov CKV_K8S_8, kube-linter `no-liveness-probe`, polaris `livenessProbeMissing` and
    kube-score `pod-probes`. Like Checkov we skip run-to-completion workloads. Off by default,
    as in kube-linter: a badly tuned liveness probe causes restart storms, so adding one is a
    design decision rather than a lint fix.
    """

    code = "KS023"
    whole_object = True
    name = "liveness-probe-missing"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    probe = "livenessProbe"
    aliases = ("kube-linter:no-liveness-probe", "CKV_K8S_8", "polaris:livenessProbeMissing", "kube-score:pod-probes", "C-0056")
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
                    readinessProbe:
                      httpGet: {path: /ready, port: 8080}
            """,
            count=1,
            at=(9, 9),
        ),
        ok(
            """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: migrate
                    image: registry.example.com/migrate:1.2
            """
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
                livenessProbe:
                  tcpSocket: {port: 8080}
            """
        ),
    ]
