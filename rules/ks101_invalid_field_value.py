from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.schemas.validate import VALUE
from dockerlint.schemas.k8s import report


class InvalidFieldValue(Rule):
    """
    Give every field a value of the type and form its schema allows.

    ## What it does
    Flags a value whose type does not match the object's schema (`replicas: "3"`, an env
    `value: 8080` or a label `enabled: true` that must be strings, a mapping where a list
    belongs), a value not among the field's allowed values (`imagePullPolicy: Sometimes`,
    Service `type`, `protocol`, `restartPolicy`, `pathType`, `concurrencyPolicy`, ...), a
    resource quantity Kubernetes cannot parse (`memory: 1GB`; use `1G` or `1Gi`), an integer
    out of range, a timestamp that is not RFC 3339 and Secret `data` that is not base64.
    int-or-string fields (`targetPort`, `maxSurge`) accept both, as Kubernetes does.

    The allowed values come from the field descriptions of the bundled schemas of the
    target `kubernetes-version` (the OpenAPI documents carry no enums), so a value added in
    a newer release (Toleration `operator: Gt`) is accepted only from that release.

    ## Why is this bad?
    The API server rejects the object (`cannot unmarshal string into Go struct field
    DeploymentSpec.spec.replicas of type int32`, `Unsupported value: "Sometimes"`), so the
    change never reaches the cluster, usually found only at deploy time.

    ## Example
    ```yaml
    imagePullPolicy: Sometimes
    ```

    ## Use instead
    ```yaml
    imagePullPolicy: IfNotPresent
    ```

    ## Compared with other tools
    kubeconform and `kubernetes-validate` check types only: they accept any string for
    `imagePullPolicy` and any string for a quantity.
    """

    code = "KS101"
    schema_issue = VALUE  # the schema problems this rule reports
    name = "invalid-field-value"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
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
                imagePullPolicy: Sometimes
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: "3"
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    resources:
                      limits: {memory: 1GB}
            """,
            count=2,
        ),
        ok(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: ClusterIP
              ports:
              - port: 80
                targetPort: http
                protocol: TCP
              - port: 443
                targetPort: 8443
            """
        ),
    ]

    def check(self, ctx):
        report(ctx, (self.schema_issue,))
