from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import of_kind, same_namespace


class DanglingHpaTarget(Rule):
    """
    Point HorizontalPodAutoscalers at workloads defined with them (opt-in).

    ## What it does
    Flags a HorizontalPodAutoscaler whose `scaleTargetRef` names an object of a kind the file
    defines in the same namespace, but not that name.

    ## Why is this bad?
    An autoscaler without its target does nothing and reports `FailedGetScale`: the workload
    silently stops scaling, usually after a rename.

    ## Scope
    HorizontalPodAutoscaler objects. Judged within the file only, and only when the file
    defines objects of the target's kind in that namespace.

    ## Compared with other tools
    kube-linter `dangling-horizontalpodautoscaler` and kube-score
    `horizontalpodautoscaler-has-target`; kubescape C-0300. Off by default, as KS073.
    """

    code = "KS075"
    name = "dangling-hpa-target"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("kube-linter:dangling-horizontalpodautoscaler", "kube-score:horizontalpodautoscaler-has-target", "C-0300")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: website}
              minReplicas: 3
              maxReplicas: 6
            """,
            count=1,
            at=(11, 65),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            ---
            apiVersion: autoscaling/v2
            kind: HorizontalPodAutoscaler
            metadata:
              name: web
            spec:
              scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
              minReplicas: 3
              maxReplicas: 6
            """
        ),
    ]

    def check(self, ctx):
        for hpa in of_kind(ctx, "HorizontalPodAutoscaler"):
            ref = hpa.node.get_in("spec", "scaleTargetRef")
            if type(ref) is not MappingNode:
                continue
            kind, name = text(ref.get("kind")), text(ref.get("name"))
            if not kind or not name:
                continue
            candidates = [o for o in of_kind(ctx, kind) if same_namespace(o, hpa)]
            if candidates and not any(o.name == name for o in candidates):
                ctx.report(ref.get("name").span, f"HorizontalPodAutoscaler \"{hpa.name or ''}\" scales {kind} \"{name}\", which this file does not define")
