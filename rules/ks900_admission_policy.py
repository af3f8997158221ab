from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_POLICY = {"custom-rules": ["examples/policies/replica-limit.yaml"]}


class AdmissionPolicyViolation(Rule):
    """
    An object would be denied (or warned about) by a ValidatingAdmissionPolicy.

    ## What it does
    With `custom-rules` naming files that hold `ValidatingAdmissionPolicy` and
    `ValidatingAdmissionPolicyBinding` manifests, evaluates every policy on each object of a
    Kubernetes manifest (or Python IaC program) as the API server would when the object is
    created, and reports each failed validation with the API server's own wording:
    `ValidatingAdmissionPolicy 'p' with binding 'b' denied request: <message>`.

    ## Why is this bad?
    The cluster rejects the object at deploy time; finding out at pre-commit, in the editor or
    in review is cheaper, and it is the same CEL the cluster runs.

    ## Scope
    Severity follows the binding's `validationActions`: `Deny` is an error, `Warn` a warning,
    `Audit` only info. `matchConstraints`/`matchResources` (resource rules, exclusions,
    object selectors; namespace selectors when decidable from a `Namespace` in the linted file
    or the rule files, or from `kubernetes.io/metadata.name`), `matchConditions`, `variables`,
    `validations[].expression`/`message`/`messageExpression` and `failurePolicy` are
    evaluated; params come from the binding's `paramRef` when the param object is in the
    linted file or the rule files, and an object whose params (or namespace labels) are not
    known offline is not judged. The request is a CREATE by an ordinary user: `oldObject` is
    null, `request.userInfo` has only the group `system:authenticated`, and `authorizer` is not
    available (a policy using it is a config error saying so). Every failed validation is
    reported, where the API server's message names the first. `auditAnnotations` are not
    evaluated. Needs the `cel` extra (`pip install 'dockerlint[cel]'`).

    ## Example
    A binding of a policy `replica-limit` (`object.spec.replicas <= params.maxReplicas`,
    params `maxReplicas: 5`) and:
    ```yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 10
    ```

    ## Compared with other tools
    The cluster evaluates these policies only when an object is applied; kubectl's
    `--dry-run=server` needs a cluster. No linter evaluates them offline.
    """

    code = "KS900"
    name = "admission-policy-violation"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              replicas: 10
            """,
            config=_POLICY,
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
            spec:
              replicas: 3
            """,
            config=_POLICY,
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              replicas: 10
            """
        ),
    ]

    def check(self, ctx):
        if ctx.settings.policies is None or not ctx.settings.policies.bindings:
            return
        from dockerlint.policies.admission import evaluate

        for obj, verdict in evaluate(ctx):
            ctx.report(obj.kind_span, verdict.message, severity=verdict.severity)
