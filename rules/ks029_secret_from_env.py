from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, sequence_items, text
from dockerlint.rulekit.k8s_objects import env_vars


class SecretFromEnv(Rule):
    """
    Mount Secrets as files rather than exposing them as environment variables (opt-in).

    ## What it does
    Flags `env[].valueFrom.secretKeyRef` and `envFrom[].secretRef` in a container.

    ## Why is this bad?
    Environment variables leak: crash reports and debug pages dump them, child processes
    inherit them, `/proc/<pid>/environ` exposes them to anything that can read the process,
    and they cannot be rotated without a restart. A Secret mounted as a volume has none of
    these problems and is updated in place.

    ## Scope
    Every container of every workload with a pod template.

    ## Compared with other tools
    Checkov CKV_K8S_35 flags both forms, as we do; kube-linter `read-secret-from-env-var`
    (off by default there) only `secretKeyRef`. Off by default: environment variables are the
    configuration interface of countless images, and the risk is defence in depth.
    """

    code = "KS029"
    name = "secret-from-env"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("kube-linter:read-secret-from-env-var", "CKV_K8S_35", "C-0207")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: api
            spec:
              containers:
              - name: api
                image: registry.example.com/api:2.1
                env:
                - name: TOKEN
                  valueFrom:
                    secretKeyRef: {name: api, key: token}
                envFrom:
                - secretRef:
                    name: api-env
            """,
            count=2,
            at=[(12, 9), (14, 7)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: api
            spec:
              containers:
              - name: api
                image: registry.example.com/api:2.1
                envFrom:
                - configMapRef: {name: api-settings}
                volumeMounts:
                - name: token
                  mountPath: /run/secrets/api
                  readOnly: true
              volumes:
              - name: token
                secret:
                  secretName: api
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                who = describe(container)
                for var in env_vars(container):
                    ref = var.value_from.get_mapping("secretKeyRef") if var.value_from is not None else None
                    if ref is not None:
                        secret = text(ref.get("name"))
                        ctx.report(
                            var.value_from.key_node("secretKeyRef").span,
                            f"environment variable {var.name.value} of {who} reads Secret"
                            f"{' ' + repr(secret) if secret else ''}: mount the Secret as a file instead",
                        )
                for item in sequence_items(container.node.get("envFrom")):
                    if type(item) is not MappingNode or item.get_mapping("secretRef") is None:
                        continue
                    secret = text(item.get_mapping("secretRef").get("name"))
                    ctx.report(
                        item.key_node("secretRef").span,
                        f"{who} loads every key of Secret{' ' + repr(secret) if secret else ''} into its environment: "
                        "mount the Secret as files instead",
                    )
