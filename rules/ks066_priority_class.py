from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, text


class PriorityClass(Rule):
    """
    Give pods a priority class (opt-in).

    ## What it does
    Flags a pod template without `priorityClassName`; with `allowed` configured, also one whose
    priority class is not in the list.

    ## Why is this bad?
    Without a priority class every pod has priority 0: under resource pressure the scheduler
    may preempt or the kubelet evict an important service as readily as a batch job, and
    critical workloads cannot preempt others to get scheduled.

    ## Scope
    Every workload with a pod template.

    ## Options
    `allowed` (list, default empty): the accepted class names; empty accepts any name.

    ## Compared with other tools
    polaris `priorityClassNotSet` flags a missing class; kube-linter `priority-class-name`
    checks the name against its `acceptedPriorityClassNames`, which is our `allowed`. Off by
    default: clusters without priority classes have nothing to set.
    """

    code = "KS066"
    name = "priority-class"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("kube-linter:priority-class-name", "polaris:priorityClassNotSet")
    options = {"allowed": Option(list, [], "accepted priorityClassName values (empty: any)")}
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
            """,
            count=1,
            at=(7, 5),
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              priorityClassName: system-node-critical
              containers:
              - name: web
                image: nginx:1.27
            """,
            config={"rules": {"KS066": {"allowed": ["business-critical", "batch"]}}},
            at=(6, 22),
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              priorityClassName: business-critical
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        allowed = [str(a) for a in ctx.options.get("allowed") or []]
        for workload in pod_workloads(ctx):
            node = workload.pod_spec.get("priorityClassName")
            name = text(node)
            if not name:
                ctx.report(workload.missing_span, "the pod sets no priorityClassName")
            elif allowed and name not in allowed:
                ctx.report(node.span, f"priority class \"{name}\" is not one of the allowed classes ({', '.join(allowed)})")
