
from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, sequence_items
from dockerlint.rulekit.k8s_objects import is_templated, of_kind
from dockerlint.rulekit.patterns import lazy

_IANA = lazy(r"^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$")


def port_problem(node) -> str | None:
    """Why a port number or IANA service name is invalid, else None."""
    if type(node) is not ScalarNode or node.is_null or is_templated(node.value):
        return None
    if type(node.py) is int:
        return None if 1 <= node.py <= 65535 else f"{node.py} is not a port number (1-65535)"
    return name_problem(node.value)


def name_problem(name: str) -> str | None:
    if _IANA.match(name):
        return None
    if len(name) > 15:
        return f"port name \"{name}\" is longer than 15 characters"
    if name.isdigit():
        return f"{name} is not a port number (1-65535)" if not 1 <= int(name) <= 65535 else None
    return f"port name \"{name}\" is not a valid service name (lowercase letters, digits and single '-', with a letter)"


class InvalidPort(Rule):
    """
    Use valid port numbers and port names.

    ## What it does
    Flags a container port whose `containerPort` is not 1-65535 or whose `name` is not a valid
    IANA service name (at most 15 lowercase letters, digits and single inner `-`, with at least
    one letter), a port name used twice in one container, and a Service port whose `targetPort`
    is an invalid number or name.

    ## Why is this bad?
    The API server rejects these objects, so the mistake surfaces at deploy time, often in a
    pipeline far from the change; a duplicated name makes a named `targetPort` ambiguous.

    ## Scope
    Containers of every workload; `ports` of Service objects. Templated values are not judged.

    ## Compared with other tools
    kube-linter `invalid-target-ports` and kube-score `container-ports-check`, same rules.
    """

    code = "KS068"
    name = "invalid-port-spec"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = ("kube-linter:invalid-target-ports", "kube-score:container-ports-check")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
                targetPort: http-frontend-main
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - name: HTTP
                  containerPort: 8080
            """,
            count=2,
            at=[(8, 17), (19, 13)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Service
            metadata:
              name: web
            spec:
              ports:
              - port: 80
                targetPort: http
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                ports:
                - name: http
                  containerPort: 8080
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                seen: set[str] = set()
                for port in sequence_items(container.node.get("ports")):
                    if type(port) is not MappingNode:
                        continue
                    number = port.get("containerPort")
                    problem = port_problem(number) if type(number) is ScalarNode and type(number.py) is int else None
                    if problem:
                        ctx.report(number.span, f"{describe(container)}: {problem}")
                    name = port.get("name")
                    if type(name) is ScalarNode and not name.is_null and not is_templated(name.value):
                        problem = name_problem(name.value) if not _IANA.match(name.value) else None
                        if problem:
                            ctx.report(name.span, f"{describe(container)}: {problem}")
                        elif name.value in seen:
                            ctx.report(name.span, f"{describe(container)}: port name \"{name.value}\" is used twice")
                        seen.add(name.value)
        for service in of_kind(ctx, "Service"):
            for port in sequence_items(service.node.get_in("spec", "ports")):
                if type(port) is not MappingNode:
                    continue
                target = port.get("targetPort")
                problem = port_problem(target)
                if problem:
                    ctx.report(target.span, f"Service \"{service.name or ''}\" targetPort: {problem}")
