from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, pss_baseline, scalar

# (path to a handler under the container, its name in messages)
HANDLERS = (
    (("livenessProbe",), "livenessProbe"),
    (("readinessProbe",), "readinessProbe"),
    (("startupProbe",), "startupProbe"),
    (("lifecycle", "postStart"), "lifecycle.postStart"),
    (("lifecycle", "preStop"), "lifecycle.preStop"),
)
ACTIONS = ("httpGet", "tcpSocket")  # exec, grpc and sleep have no host field


class ProbeHost(Rule):
    """
    Do not point probes or lifecycle hooks at another host.

    ## What it does
    Flags a non-empty `host` in the `httpGet` or `tcpSocket` handler of a container's
    `livenessProbe`, `readinessProbe`, `startupProbe`, `lifecycle.postStart` or
    `lifecycle.preStop`. One finding per container, at its first such `host`.

    ## Why is this bad?
    The kubelet runs these checks from the node, with the node's network identity. A `host`
    turns them into requests to any address the node can reach, including node-local services,
    cloud metadata endpoints and the loopback interface of the node itself (`127.0.0.1` is the
    node, not the pod), a server-side request forgery path. Leave `host` unset: it defaults to
    the pod IP. It violates the Pod Security Standards baseline control "Probes and lifecycle
    hooks" (from v1.34).

    ## Scope
    Regular, init (including sidecar) and ephemeral containers of every workload with a pod
    template. `exec`, `grpc` and `sleep` handlers have no `host`. Any non-empty value is
    reported, loopback included; an HTTP `Host` header in `httpHeaders` is not a target and is
    fine. Windows pods are not exempt.

    ## Compared with other tools
    No peer checks this yet; the semantics are those of PSS v1.34+.
    """

    code = "KS017"
    name = "probe-host"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
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
                    livenessProbe:
                      httpGet:
                        host: 169.254.169.254
                        path: /latest/meta-data/
                        port: 80
                    lifecycle:
                      preStop:
                        tcpSocket:
                          host: 10.0.0.1
                          port: 9000
            """,
            count=1,
            at=(13, 19),
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
                readinessProbe:
                  httpGet:
                    path: /healthz
                    port: 8080
                    httpHeaders:
                    - name: Host
                      value: www.example.com
                startupProbe:
                  tcpSocket:
                    port: 8080
                    host: ""
            """
        ),
    ]

    def check(self, ctx):
        aliases = pss_baseline("hostProbesAndHostLifecycle")
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                found = []
                for path, label in HANDLERS:
                    handler = container.node.get_in(*path)
                    if type(handler) is not MappingNode:
                        continue
                    for action in ACTIONS:
                        host = scalar(handler.get_in(action, "host"))
                        if host is not None and host.value != "":
                            found.append((host, f"{label}.{action}.host {host.value}"))
                if found:
                    ctx.report(
                        found[0][0].span,
                        f"{describe(container)} sends {', '.join(d for _, d in found)} to another host from the "
                        "node: leave host unset (it defaults to the pod IP)",
                        aliases=aliases,
                    )
