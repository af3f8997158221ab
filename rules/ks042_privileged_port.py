from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, sequence_items, trivy
from dockerlint.rulekit.k8s_objects import int_value


class PrivilegedPort(Rule):
    """
    Listen on unprivileged ports (1024 and above) inside containers (opt-in).

    ## What it does
    Flags a `containerPort` below 1024.

    ## Why is this bad?
    Binding a port below 1024 needs root or `NET_BIND_SERVICE` in the container unless the
    runtime lowers `net.ipv4.ip_unprivileged_port_start`; images that listen on 80 or 443 are
    therefore usually run as root. Listen on 8080/8443 and let the Service map the port.

    ## Scope
    Regular, init and ephemeral containers. `hostPort` is KS012's. Windows pods are skipped.

    ## Compared with other tools
    kube-linter `privileged-ports` (off by default there) and Trivy KSV-0117, same meaning.
    Off by default: containerd 2.0 and CRI-O set `ip_unprivileged_port_start=0` in pods, where
    a low port no longer needs privileges, and KS002 reports root itself.
    """

    code = "KS042"
    name = "privileged-port"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("kube-linter:privileged-ports", *trivy(117))
    examples = [
        bad(
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
                    ports:
                    - containerPort: 80
                    - containerPort: 8443
            """,
            count=1,
            at=(12, 26),
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
                image: nginxinc/nginx-unprivileged:1.27
                ports:
                - containerPort: 8080
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            if workload.is_windows:
                continue
            for container in workload.containers:
                for port in sequence_items(container.node.get("ports")):
                    if type(port) is not MappingNode:
                        continue
                    node = port.get("containerPort")
                    number = int_value(node)
                    if number is not None and 0 < number < 1024:
                        ctx.report(node.span, f"{describe(container)} listens on privileged port {number}: use a port >= 1024")
