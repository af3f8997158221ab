from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, Node
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import sequence_items, text
from dockerlint.rulekit.k8s_objects import int_value, of_kind, same_namespace


def _backends(ingress) -> list[tuple[Node, str | None, Node | None]]:
    """(name node, service name, port node) of every Service backend of an Ingress (v1 and
    v1beta1 shapes)."""
    spec = ingress.node.get_mapping("spec")
    if spec is None:
        return []
    found = [spec.get("defaultBackend"), spec.get("backend")]
    for rule in sequence_items(spec.get("rules")):
        if type(rule) is MappingNode:
            for path in sequence_items(rule.get_in("http", "paths")):
                if type(path) is MappingNode:
                    found.append(path.get("backend"))
    out = []
    for backend in found:
        if type(backend) is not MappingNode:
            continue
        service = backend.get_mapping("service")
        if service is not None:
            name = service.get("name")
            port = service.get("port")
            port = port.get("number") or port.get("name") if type(port) is MappingNode else None
        elif "serviceName" in backend:
            name, port = backend.get("serviceName"), backend.get("servicePort")
        else:
            continue  # a resource backend
        if text(name):
            out.append((name, text(name), port))
    return out


class DanglingIngressBackend(Rule):
    """
    Point Ingress backends at Services and ports defined with them (opt-in).

    ## What it does
    Flags an Ingress backend that names a Service the file does not define, or a port that
    Service does not expose, when the file defines at least one Service in the Ingress's
    namespace.

    ## Why is this bad?
    The ingress controller answers 503 for a backend that does not exist; a typo in a Service
    name or port number takes a route down without any error at deploy time.

    ## Scope
    `defaultBackend` and `rules[].http.paths[].backend` (and the `extensions/v1beta1`
    `serviceName`/`servicePort` form); resource backends are skipped. Judged within the file
    only: an Ingress whose Services live in other files, or a file without Services in that
    namespace, is left alone.

    ## Compared with other tools
    kube-linter `dangling-ingress` and kube-score `ingress-targets-service`; kubescape C-0298.
    Off by default, as KS073.
    """

    code = "KS074"
    name = "dangling-ingress-backend"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    enabled_by_default = False
    aliases = ("kube-linter:dangling-ingress", "kube-score:ingress-targets-service", "C-0298")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - name: http
                port: 80
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:
              rules:
              - http:
                  paths:
                  - path: /
                    pathType: Prefix
                    backend:
                      service: {name: web, port: {number: 8080}}
                  - path: /api
                    pathType: Prefix
                    backend:
                      service: {name: api, port: {number: 80}}
            """,
            count=2,
            at=[(21, 47), (25, 27)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - name: http
                port: 80
            ---
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            spec:
              defaultBackend:
                service: {name: web, port: {name: http}}
            """
        ),
    ]

    def check(self, ctx):
        services = of_kind(ctx, "Service")
        for ingress in of_kind(ctx, "Ingress"):
            local = {s.name: s for s in services if same_namespace(s, ingress)}
            if not local:
                continue
            for name_node, name, port in _backends(ingress):
                service = local.get(name)
                if service is None:
                    ctx.report(name_node.span, f"Ingress \"{ingress.name or ''}\" routes to Service \"{name}\", which this file does not define")
                    continue
                if port is None or text(port) is None:
                    continue
                ports = [p for p in sequence_items(service.node.get_in("spec", "ports")) if type(p) is MappingNode]
                number = int_value(port)
                if number is not None:
                    known = any(int_value(p.get("port")) == number for p in ports)
                else:
                    known = any(text(p.get("name")) == text(port) for p in ports)
                if not known:
                    ctx.report(port.span, f"Ingress \"{ingress.name or ''}\" routes to port {text(port)} of Service \"{name}\", which it does not expose")
