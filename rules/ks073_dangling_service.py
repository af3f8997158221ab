from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import key_span_of, of_kind, pod_label_sets, same_namespace, selector_matches


class DanglingService(Rule):
    """
    Make each Service select some of the pods defined with it (opt-in).

    ## What it does
    Flags a Service whose `selector` matches none of the pods created by the workloads of the
    same file and namespace, when the file defines at least one such workload.

    ## Why is this bad?
    A Service that selects no pod has no endpoints: clients get connection refused or time out,
    usually because a label was renamed on one side only.

    ## Scope
    Services with a non-empty selector (not `ExternalName`). dockerlint lints one file at a
    time, so a Service is only judged against the workloads of its own file, and only when
    that file has workloads in its namespace; Services whose pods live elsewhere are left
    alone.

    ## Compared with other tools
    kube-linter `dangling-service` and kube-score `service-targets-pod` look at every object
    they are given; kubescape C-0293. Off by default, because a single file is not always the
    whole application.
    """

    code = "KS073"
    name = "dangling-service"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = ("kube-linter:dangling-service", "kube-score:service-targets-pod", "C-0293")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: website}
              ports:
              - port: 80
            """,
            count=1,
            at=(15, 3),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  labels: {app: web, tier: frontend}
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              selector: {app: web}
              ports:
              - port: 80
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: elsewhere
              namespace: other
            spec:
              selector: {app: api}
            """
        ),
    ]

    def check(self, ctx):
        pods = pod_label_sets(ctx)
        for service in of_kind(ctx, "Service"):
            spec = service.node.get_mapping("spec")
            if spec is None or text(spec.get("type")) == "ExternalName":
                continue
            selector = spec.get("selector")
            if type(selector) is not MappingNode or not selector.pairs:
                continue
            candidates = [labels for obj, labels in pods if same_namespace(obj, service)]
            if not candidates or any(selector_matches(selector, labels, plain_map=True) for labels in candidates):
                continue
            ctx.report(
                key_span_of(spec, "selector"),
                f"Service \"{service.name or ''}\" selects no pod of the workloads in this file",
            )
