from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, text

_LONG_RUNNING = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig")
_BATCH = ("Job", "CronJob")


class InvalidRestartPolicy(Rule):
    """
    Use a `restartPolicy` that the workload's controller accepts.

    ## What it does
    Flags a pod template whose `restartPolicy` the controller does not accept: anything but
    `Always` in a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController or
    DeploymentConfig, and `Always` (also the default) or no value in a Job or CronJob.

    ## Why is this bad?
    The API server rejects these objects (a Job with the default `Always` restartPolicy is the
    classic first-deploy failure), so the manifest never runs.

    ## Scope
    Every workload with a pod template; a bare Pod accepts all three policies.

    ## Options
    `accepted` (list, default empty): a fixed allow-list of policies for every kind instead of
    the API's per-kind rules (an unset policy passes then), as kube-linter's
    `acceptedRestartPolicies` parameter.

    ## Compared with other tools
    kube-score `cronjob-restartpolicy` checks CronJobs the same way. kube-linter
    `restart-policy` (off by default there) instead accepts `Always` and `OnFailure`
    everywhere: it passes `OnFailure` in a Deployment, which the API server rejects, and flags
    `Never` in Jobs, which is valid and keeps failed pods for inspection. We follow the API;
    `accepted: [Always, OnFailure]` reproduces kube-linter.
    """

    code = "KS072"
    name = "invalid-restart-policy"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = ("kube-linter:restart-policy", "kube-score:cronjob-restartpolicy")
    options = {"accepted": Option(list, [], "a fixed allow-list of restart policies for every kind (empty: the API's rules)")}
    examples = [
        bad(
            """
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: migrate
            spec:
              template:
                spec:
                  containers:
                  - name: migrate
                    image: registry.example.com/migrate:1.2
            """,
            count=1,
            at=(7, 5),
        ),
        bad(
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
            """,
            config={"rules": {"KS072": {"accepted": ["Always", "OnFailure"]}}},
            at=(8, 22),
        ),
        ok(
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
            spec:
              schedule: "0 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers:
                      - name: report
                        image: registry.example.com/report:1.0
            """
        ),
    ]

    def check(self, ctx):
        accepted = [str(a) for a in ctx.options.get("accepted") or []]
        for workload in pod_workloads(ctx):
            node = workload.pod_spec.get("restartPolicy")
            policy = text(node)
            kind = workload.kind
            if accepted:
                if policy is not None and policy not in accepted:
                    ctx.report(node.span, f"restartPolicy {policy} is not one of the accepted policies ({', '.join(accepted)})")
                continue
            if kind in _LONG_RUNNING and policy not in (None, "Always"):
                ctx.report(node.span, f"{kind} pods must use restartPolicy Always, not {policy}")
            elif kind in _BATCH and policy in (None, "Always"):
                span = node.span if policy else workload.missing_span
                ctx.report(span, f"{kind} pods must set restartPolicy to OnFailure or Never" + (", not Always" if policy else ""))
