
from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, sequence_items, text, trivy
from dockerlint.rulekit.k8s_objects import object_span, of_kind
from dockerlint.rulekit.patterns import lazy

_DEPLOYED = ("CKV_K8S_34", *trivy(102))
_LISTENS = ("CKV_K8S_45",)
_SERVICE = ("CKV_K8S_44",)
_LOCAL_LISTEN = lazy(r"^--listen[= ](?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$")


def _is_tiller(image: str) -> bool:
    return parse_image(image).short_name == "tiller"


def _tiller_labels(node) -> bool:
    return type(node) is MappingNode and text(node.get("app")) == "helm" and text(node.get("name")) == "tiller"


class HelmTiller(Rule):
    """
    Do not deploy Helm v2's Tiller.

    ## What it does
    Flags a container running the Tiller image (`.../tiller`), and a Service that selects or is
    labelled as Tiller (`app: helm`, `name: tiller`).

    ## Why is this bad?
    Tiller is the in-cluster server of Helm v2, end-of-life since November 2020. It usually runs
    with cluster-admin and, by default, serves an unauthenticated gRPC API on port 44134 to
    every pod of the cluster: any compromised pod can install a privileged chart. Helm 3 needs
    no server component.

    ## Scope
    Containers of every workload, and Service objects. A Tiller started with
    `--listen=localhost:...` is still reported (it is still Helm v2), but without the
    "listens on all interfaces" id.

    ## Compared with other tools
    Checkov CKV_K8S_34 (Tiller deployed), CKV_K8S_45 (Tiller reachable from the cluster) and
    CKV_K8S_44 (Tiller Service), and Trivy KSV-0102; each finding carries the ids it matches.
    """

    code = "KS051"
    name = "helm-tiller"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _DEPLOYED + _LISTENS + _SERVICE
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: tiller-deploy
              namespace: kube-system
            spec:
              template:
                spec:
                  containers:
                  - name: tiller
                    image: gcr.io/kubernetes-helm/tiller:v2.16.9
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: tiller-deploy
              namespace: kube-system
            spec:
              selector: {app: helm, name: tiller}
              ports:
              - port: 44134
            """,
            count=2,
            at=[(11, 16), (19, 3)],
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                image = text(container.image)
                if not image or not _is_tiller(image):
                    continue
                args = [text(a) or "" for key in ("command", "args") for a in sequence_items(container.node.get(key))]
                local = any(_LOCAL_LISTEN.match(a.strip()) for a in args)
                ctx.report(
                    container.image.span,
                    f"{describe(container)} runs Helm v2's Tiller (end-of-life)"
                    + ("" if local else ", reachable from every pod of the cluster"),
                    aliases=_DEPLOYED + (() if local else _LISTENS),
                )
        for service in of_kind(ctx, "Service"):
            spec = service.node.get_mapping("spec")
            selector = spec.get("selector") if spec is not None else None
            if _tiller_labels(selector):
                span = spec.key_node("selector").span
            elif _tiller_labels(service.labels()):
                span = object_span(service)
            else:
                continue
            ctx.report(span, f"Service \"{service.name or ''}\" exposes Helm v2's Tiller", aliases=_SERVICE)
