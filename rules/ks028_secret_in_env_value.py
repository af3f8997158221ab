from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads
from dockerlint.rulekit.k8s_objects import env_vars, is_literal_secret, is_sensitive_name


class SecretInEnvValue(Rule):
    """
    Do not write passwords, tokens or keys into a container's `env` values.

    ## What it does
    Flags an `env` entry whose name says it holds a credential (`DB_PASSWORD`, `API_KEY`,
    `GITHUB_TOKEN`, `SECRET_KEY_BASE`, `clientSecret`...) and whose `value` is a literal.

    ## Why is this bad?
    The value is stored in plain text in the manifest, in Git, in the object in etcd (Secrets
    can be encrypted at rest, Deployments are not) and is shown by `kubectl get -o yaml` to
    anyone who can read the workload. Rotating it means redeploying.

    ## Scope
    Every container of every workload with a pod template. Not reported: names that only
    point at a secret (`PASSWORD_FILE`, `TOKEN_PATH`, `SECRET_NAME`), values taken
    `valueFrom` a Secret, empty values, references to other variables (`$(DB_PASS)`),
    templates (`{{ .Values.password }}`, `${TOKEN}`) and obvious placeholders (`changeme`,
    `<password>`).

    ## Compared with other tools
    kube-linter `env-var-secret` matches any name containing `secret`; polaris
    `sensitiveContainerEnvVar` a list of sensitive key names; kubescape C-0012 both. We use a
    list of credential words matched on word boundaries, so `SECRET_BLAH` is reported but
    `SECRETARY_EMAIL` and `PASSWORD_MIN_LENGTH` are not.
    """

    code = "KS028"
    name = "secret-in-env-value"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = ("kube-linter:env-var-secret", "polaris:sensitiveContainerEnvVar", "C-0012")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                  - name: api
                    image: registry.example.com/api:2.1
                    env:
                    - name: DB_PASSWORD
                      value: hunter2
                    - name: stripeApiKey
                      value: sk_live_4eC39HqLyjWDarjtT1zdp7dc
            """,
            count=2,
            at=[(13, 18), (15, 18)],
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
                env:
                - name: DB_PASSWORD
                  valueFrom:
                    secretKeyRef: {name: db, key: password}
                - name: DB_PASSWORD_FILE
                  value: /run/secrets/db
                - name: API_TOKEN
                  value: "$(TOKEN_FROM_INIT)"
                - name: PASSWORD_MIN_LENGTH
                  value: "12"
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                for var in env_vars(container):
                    value = var.value
                    if type(value) is not ScalarNode or value.is_null:
                        continue
                    if not is_sensitive_name(var.name.value) or not is_literal_secret(value.value):
                        continue
                    ctx.report(
                        value.span,
                        f"environment variable {var.name.value} of {describe(container)} holds a literal secret: "
                        "read it from a Secret (valueFrom.secretKeyRef) instead",
                    )
