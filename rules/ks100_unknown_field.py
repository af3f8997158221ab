from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.schemas.validate import UNKNOWN
from dockerlint.schemas.k8s import report


class UnknownField(Rule):
    """
    Use only fields that the object's schema defines.

    ## What it does
    Flags a key that the schema of the object's `apiVersion` and `kind` does not define, at the
    key, in the Kubernetes version given by `kubernetes-version` (default: the newest bundled
    schemas). The message names the closest valid field within two edits (`contianers` ->
    `containers`). Custom resources are checked against their CustomResourceDefinition when
    one is in the linted files or in `crd-paths`; fields under
    `x-kubernetes-preserve-unknown-fields` are free.

    ## Why is this bad?
    A misspelt field is silently dropped (client-side apply) or rejected (server-side field
    validation), so the setting never takes effect: `imagePullPolicy` spelt
    `imagePulPolicy` leaves the default, `resource:` leaves the container without limits, and
    every other rule then reasons about an object that is not what the cluster runs.

    ## Example
    ```yaml
    spec:
      contianers:
      - name: web
    ```

    ## Use instead
    ```yaml
    spec:
      containers:
      - name: web
    ```

    ## Compared with other tools
    kubeconform `-strict`, kubeval `--strict` and `kubernetes-validate --strict` report the
    same keys; none suggests the intended name or fixes it. `kubectl apply
    --validate=strict` rejects them at deploy time.

    ## Fix safety
    When exactly one valid field is within two edits and the mapping does not already use
    it, the fix renames the key. It is unsafe: the value now takes effect (that is the point,
    but it changes what is deployed), and the key may have been meant for a newer Kubernetes
    version than the one validated against.
    """

    code = "KS100"
    schema_issue = UNKNOWN  # the schema problems this rule reports
    name = "unknown-field"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    aliases = ("kubeconform:strict",)
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              contianers:
              - name: web
                image: nginx:1.27
            """,
            fixed="""
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
        ),
        bad(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              lables: {app: web}
            """,
            fixed="""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              labels: {app: web}
            """,
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels: {app: web}
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
            """
        ),
    ]

    def check(self, ctx):
        report(ctx, (self.schema_issue,))
