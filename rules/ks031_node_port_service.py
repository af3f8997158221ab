from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.k8s import text
from dockerlint.rulekit.k8s_objects import of_kind


class NodePortService(Rule):
    """
    Do not expose Services on every node with `type: NodePort`.

    ## What it does
    Flags a Service of `type: NodePort` (and, with `include_load_balancer`, `LoadBalancer`).

    ## Why is this bad?
    A NodePort Service opens a port (30000-32767) on every node's addresses, including nodes
    in public subnets, and forwards it to the pods. That bypasses the ingress controller, its
    TLS and authentication, and is easy to forget in firewall rules; kube-proxy also exposes
    the port on localhost of each node (CVE-2020-8558).

    ## Scope
    `Service` objects. A LoadBalancer Service also allocates node ports unless
    `allocateLoadBalancerNodePorts: false`, but it is the standard way to publish a service,
    so it is reported only with `include_load_balancer`.

    ## Options
    `include_load_balancer` (default false): report `type: LoadBalancer` too.

    ## Compared with other tools
    kube-score `service-type` flags NodePort, as we do by default; kube-linter
    `exposed-services` (off by default there) forbids NodePort and LoadBalancer, which is our
    `include_load_balancer`. kubescape C-0256 flags externally exposed services.
    """

    code = "KS031"
    name = "node-port-service"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = ("kube-linter:exposed-services", "kube-score:service-type", "C-0256")
    options = {"include_load_balancer": Option(bool, False, "report type: LoadBalancer too")}
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: NodePort
              selector: {app: web}
              ports:
              - port: 80
                targetPort: 8080
                nodePort: 30080
            """,
            count=1,
            at=(6, 9),
        ),
        bad(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: LoadBalancer
              ports:
              - port: 443
            """,
            config={"rules": {"KS031": {"include_load_balancer": True}}},
            at=(6, 9),
        ),
        ok(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              type: LoadBalancer
              selector: {app: web}
              ports:
              - port: 443
            """
        ),
    ]

    def check(self, ctx):
        types = {"NodePort"} | ({"LoadBalancer"} if ctx.options.get("include_load_balancer") else set())
        for service in of_kind(ctx, "Service"):
            spec = service.node.get_mapping("spec")
            node = spec.get("type") if spec is not None else None
            kind = text(node)
            if kind in types:
                ctx.report(
                    node.span,
                    f"Service \"{service.name or ''}\" of type {kind} opens a port on every node; "
                    "publish it through an Ingress or an internal ClusterIP instead",
                )
