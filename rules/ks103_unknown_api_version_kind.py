from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.schemas.validate import KIND, MISSING_CRD
from dockerlint.schemas.k8s import report


class UnknownApiVersionOrKind(Rule):
    """
    Use an apiVersion and kind that exist in the target Kubernetes version.

    ## What it does
    For the built-in API groups (`v1`, `apps`, `batch`, `networking.k8s.io`, ...), flags a
    kind the group does not have in `kubernetes-version` (`Deploymnet`, with the closest
    kind), a version of the group that does not serve the kind (`apps/v2`), and a typo of a
    group (`app/v1`). For custom resources whose group has a CustomResourceDefinition in the
    linted files or `crd-paths`: a kind or version the CRD does not define, or a version it
    does not serve. Versions that Kubernetes removed (`extensions/v1beta1` Deployments) are
    KS067's, which names the replacement.

    Custom resources with no CRD in sight are not reported, unless the option
    `report-missing-crd` is true (like kubeconform's `-ignore-missing-schemas` turned off).

    ## Why is this bad?
    `kubectl apply` fails with `no matches for kind "Deploymnet" in version "apps/v1"`, and
    no other rule can check an object whose schema is unknown.

    ## Options
    `report-missing-crd` (bool, default false): also report custom resources whose CRD is not
    among the linted files or `crd-paths`.
    """

    code = "KS103"
    schema_issue = KIND  # and MISSING_CRD with the report-missing-crd option
    name = "unknown-api-version-or-kind"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    options = {"report-missing-crd": Option(bool, False, "report custom resources whose CRD is not known")}
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deploymnet
            metadata:
              name: web
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: thing
            """,
            config={"rules": {"KS103": {"report-missing-crd": True}}},
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
            data:
              level: debug
            """
        ),
        ok(
            """
            apiVersion: example.com/v1
            kind: Widget
            metadata:
              name: thing
            ---
            apiVersion: extensions/v1beta1
            kind: Deployment
            metadata:
              name: old
            """
        ),
    ]

    def check(self, ctx):
        report(ctx, (KIND, MISSING_CRD) if ctx.options.get("report-missing-crd") else (KIND,))
