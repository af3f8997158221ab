from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads
from dockerlint.rulekit.k8s_objects import env_vars


class DuplicateEnvVar(Rule):
    """
    Define each environment variable of a container once.

    ## What it does
    Flags an `env` entry whose `name` was already defined earlier in the same container.

    ## Why is this bad?
    Only one of the values takes effect (the last one), so the other is dead configuration
    that readers believe in; tools that merge or patch env lists (Kustomize, Helm,
    `kubectl apply` strategic merge by name) may pick a different one than the kubelet.

    ## Scope
    `env` of every container of every workload with a pod template. Names that `envFrom`
    sources also provide are not checked (the explicit entry wins by design).

    ## Compared with other tools
    kube-linter `duplicate-env-var` and kube-score `environment-variable-key-duplication`,
    same meaning; we report every repeat at its name.
    """

    code = "KS030"
    name = "duplicate-env-var"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = ("kube-linter:duplicate-env-var", "kube-score:environment-variable-key-duplication", "C-0295")
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
                    env:
                    - name: PORT
                      value: "8080"
                    - name: PORT
                      value: "9090"
            """,
            count=1,
            at=(14, 17),
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
                env:
                - name: PORT
                  value: "8080"
              - name: sidecar
                image: busybox:1.36
                env:
                - name: PORT
                  value: "9090"
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                seen: dict[str, int] = {}
                for var in env_vars(container):
                    name = var.name.value
                    if name in seen:
                        ctx.report(
                            var.name.span,
                            f"environment variable {name} of {describe(container)} is already defined on line {seen[name]}",
                        )
                    else:
                        seen[name] = var.name.span.line
