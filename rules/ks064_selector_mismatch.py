from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s_objects import SELECTOR_KINDS, key_span_of, of_kind, selector_matches, template_labels


class SelectorMismatch(Rule):
    """
    Make a workload's selector match its pod template's labels.

    ## What it does
    Flags a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
    DeploymentConfig or Job whose `spec.selector` does not select the labels of its own
    `spec.template.metadata.labels`.

    ## Why is this bad?
    The API server rejects such an object for `apps/v1` kinds; older kinds and CRDs accept it,
    and the controller then never sees its own pods, creating new ones forever.

    ## Scope
    The kinds above, with a selector (LabelSelector, or a plain map for ReplicationController
    and DeploymentConfig) and a pod template. `matchExpressions` are evaluated.

    ## Compared with other tools
    kube-linter `mismatching-selector` and kube-score's
    `*-pod-selector-labels-match-template-metadata-labels`, same meaning.
    """

    code = "KS064"
    name = "selector-mismatch"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = (
        "kube-linter:mismatching-selector",
        "kube-score:deployment-pod-selector-labels-match-template-metadata-labels",
        "kube-score:statefulset-pod-selector-labels-match-template-metadata-labels",
        "C-0296",
    )
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
              template:
                metadata:
                  labels: {app: website}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            count=1,
            at=(6, 3),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              selector:
                matchLabels: {app: web}
                matchExpressions:
                - {key: tier, operator: In, values: [frontend]}
              template:
                metadata:
                  labels: {app: web, tier: frontend, version: "2"}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for obj in of_kind(ctx, *SELECTOR_KINDS):
            spec = obj.node.get_mapping("spec")
            if spec is None or spec.get_mapping("template") is None:
                continue
            selector = spec.get("selector")
            plain = obj.kind in ("ReplicationController", "DeploymentConfig")
            labels = template_labels(obj)
            if selector_matches(selector, labels, plain_map=plain) is False:
                ctx.report(
                    key_span_of(spec, "selector"),
                    f"{obj.kind} \"{obj.name or ''}\" selects pods its template does not label: "
                    f"template labels are {labels or '{}'}",
                )
