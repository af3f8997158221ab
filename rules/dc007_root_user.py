from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, scalar_text


class RootUser(Rule):
    """
    Do not set a service's user to root.

    ## What it does
    Flags `user: root`, `user: 0`, and the `root:<group>` / `0:<group>` forms.

    ## Why is this bad?
    It overrides the image's non-root `USER` with root. Root in a container shares the host
    kernel with root on the host; any escape, writable bind mount or mounted socket is then
    root's.

    ## Scope
    Every service with an explicit `user`. A service without `user` runs as the image's user,
    which the Dockerfile rules (DL3002, DF001) check.

    ## Compared with other tools
    The Compose counterpart of KS002's `runAsUser: 0` (Trivy KSV-0105 in Kubernetes).
    """

    code = "DC007"
    name = "compose-root-user"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            services:
              app:
                image: example/app:1.0
                user: root
              worker:
                image: example/worker:1.0
                user: "0:0"
            """,
            count=2,
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                user: "10001:10001"
              db:
                image: postgres:16.4
                user: postgres
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            node = service.node.get("user")
            value = (scalar_text(node) or "").strip()
            if value.split(":", 1)[0] in ("root", "0"):
                ctx.report(node.span, f"service {service.name} runs as root (user: {value})")
