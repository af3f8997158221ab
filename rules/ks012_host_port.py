from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, pss_baseline, scalar, sequence_items, trivy


class HostPort(Rule):
    """
    Do not bind container ports on the node with `hostPort`.

    ## What it does
    Flags a container with a `ports[*].hostPort` other than 0. One finding per container, at
    its first host port; the message lists them all.

    ## Why is this bad?
    A host port publishes the container directly on the node's address, bypassing Services and
    NetworkPolicies that would otherwise stand in front of it, and limits scheduling to nodes
    where the port is free. It violates the Pod Security Standards baseline control "Host
    Ports".

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. `hostPort: 0`
    means unset. Windows pods are not exempt. `hostNetwork: true` pods are KS009's concern.

    ## Compared with other tools
    Checkov CKV_K8S_26, Trivy KSV-0024 (empty allowlist by default), polaris `hostPortSet` and
    kubescape fail on any host port, as PSS baseline does; so do we, without an allowlist.
    """

    code = "KS012"
    name = "host-port"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = ("CKV_K8S_26", *trivy(24), "polaris:hostPortSet", "C-0044", "C-0204")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: ingress
            spec:
              template:
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
                      hostPort: 80
                    - containerPort: 443
                      hostPort: 443
            """,
            count=1,
            at=(13, 21),
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
                image: nginx:1.27
                ports:
                - containerPort: 8080
                - containerPort: 8443
                  hostPort: 0
            """
        ),
    ]

    def check(self, ctx):
        aliases = self.aliases + pss_baseline("hostPorts")
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                found = []
                for port in sequence_items(container.node.get("ports")):
                    node = scalar(port.get("hostPort")) if type(port) is MappingNode else None
                    if node is not None and node.py != 0:
                        found.append(node)
                if found:
                    ports = ", ".join(n.value for n in found)
                    ctx.report(
                        found[0].span,
                        f"{describe(container)} binds host port{'s' if len(found) > 1 else ''} {ports} on the node",
                        aliases=aliases,
                    )
