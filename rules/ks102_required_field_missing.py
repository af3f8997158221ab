from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.schemas.validate import REQUIRED
from dockerlint.schemas.k8s import report


class RequiredFieldMissing(Rule):
    """
    Set the fields the object's schema requires.

    ## What it does
    Flags an object or nested object that lacks a field its schema marks required (a
    container without `name`, a Service port without `port`, a Deployment without `spec` or
    `spec.selector`, a RoleBinding without `roleRef`), or that sets it to null; and an object
    without `apiVersion`. Custom resources follow their CRD's `required` lists.

    A kustomize patch holds only the fields it changes: files named like `*patch*.yaml`, or
    listed under `patches`/`patchesStrategicMerge` of a kustomization in the same directory,
    are not checked for required fields (unknown fields and values still are).

    ## Why is this bad?
    The API server rejects the object (`spec.template.spec.containers[0].name: Required
    value`).

    ## Example
    ```yaml
    containers:
    - image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    containers:
    - name: web
      image: nginx:1.27
    ```
    """

    code = "KS102"
    schema_issue = REQUIRED  # the schema problems this rule reports
    whole_object = True  # a minimal example of another rule need not be a complete object
    name = "required-field-missing"
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
              - image: nginx:1.27
            """,
            count=1,
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
            """
        ),
    ]

    def check(self, ctx):
        report(ctx, (self.schema_issue,))
