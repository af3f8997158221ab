import re

from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import all_objects, object_span

_LABEL_ALIASES = ("kube-linter:required-label-owner", "polaris:metadataAndInstanceMismatched", "C-0076")
_ANNOTATION_ALIASES = ("kube-linter:required-annotation-email", "C-0077")


WORKLOAD_KINDS = frozenset({
    "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob",
    "DeploymentConfig",
})


def _parse(entry: str) -> tuple[str, re.Pattern | None]:
    """`key` or `key=<regex>`."""
    key, eq, pattern = str(entry).partition("=")
    return key.strip(), (re.compile(pattern) if eq and pattern else None)


class RequiredMetadata(Rule):
    """
    Require the labels and annotations your organisation relies on (opt-in).

    ## What it does
    Flags an object that lacks one of the configured `labels` or `annotations`, or whose value
    does not match the entry's pattern (`email=.+@example\\.com`).

    ## Why is this bad?
    Ownership and contact metadata are how incident responders, cost reports and policy engines
    find who runs a workload; a missing `app.kubernetes.io/name` breaks dashboards and
    selectors built on the recommended labels.

    ## Scope
    Workload objects (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ReplicationController, Job, CronJob, DeploymentConfig) and any object with a pod template. Nothing is required until configured.

    ## Options
    `labels` (list, default `["app.kubernetes.io/name"]`), `annotations` (list, default empty):
    entries `key` or `key=<regex>`.

    ## Compared with other tools
    kube-linter `required-label-owner` (label `owner`) and `required-annotation-email`
    (annotation `email` with an address); polaris `metadataAndInstanceMismatched`; kubescape
    C-0076/C-0077. Each finding carries the ids of the label or annotation side. Off by default.
    """

    code = "KS069"
    name = "required-metadata"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = _LABEL_ALIASES + _ANNOTATION_ALIASES
    options = {
        "labels": Option(list, ["app.kubernetes.io/name"], "required labels: key or key=<regex>"),
        "annotations": Option(list, [], "required annotations: key or key=<regex>"),
    }
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            count=1,
            at=(4, 3),
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app.kubernetes.io/name: web
              annotations:
                email: team-web@example.com
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            config={"rules": {"KS069": {"annotations": ["email=.+@example\\.com$"]}}},
        ),
    ]

    def check(self, ctx):
        wanted = [("label", _parse(e), _LABEL_ALIASES) for e in ctx.options.get("labels") or []]
        wanted += [("annotation", _parse(e), _ANNOTATION_ALIASES) for e in ctx.options.get("annotations") or []]
        if not wanted:
            return
        for obj in all_objects(ctx):
            if obj.kind not in WORKLOAD_KINDS and obj.node.get_in("spec", "template") is None:
                continue
            for what, (key, pattern), aliases in wanted:
                found = obj.labels() if what == "label" else obj.annotations()
                value = text(found.get(key)) if type(found) is MappingNode else None
                if value is None:
                    ctx.report(object_span(obj), f"{obj.kind} \"{obj.name or ''}\" has no {what} {key}", aliases=aliases)
                elif pattern is not None and not pattern.search(value):
                    ctx.report(
                        found.get(key).span,
                        f"{obj.kind} \"{obj.name or ''}\": {what} {key}={value} does not match {pattern.pattern}",
                        aliases=aliases,
                    )
