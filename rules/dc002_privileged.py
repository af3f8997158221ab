from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._compose import compose_services


class Privileged(Rule):
    """
    Do not run services privileged.

    ## What it does
    Flags a service with `privileged: true`.

    ## Why is this bad?
    A privileged container gets every capability, every host device and no seccomp, AppArmor
    or SELinux confinement: root in it is root on the host (mount the host disk, load kernel
    modules).

    ## Scope
    Every service.

    ## Compared with other tools
    The Compose counterpart of KS003 (Kubernetes `privileged: true`).
    """

    code = "DC002"
    name = "compose-privileged"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              agent:
                image: example/agent:1.0
                privileged: true
            """,
            count=1,
        ),
        ok(
            """
            services:
              agent:
                image: example/agent:1.0
                privileged: false
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            node = service.node.get("privileged")
            if type(node) is ScalarNode and node.py is True:
                ctx.report(node.span, f"service {service.name} runs privileged: it is root on the host")
