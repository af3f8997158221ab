from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services


class WritableRootFilesystem(Rule):
    """
    Run services with a read-only root filesystem (opt-in).

    ## What it does
    Flags a service whose `read_only` is not `true`.

    ## Why is this bad?
    A writable root filesystem lets an attacker who gets code execution drop tools, modify the
    application's code and configuration, and persist across restarts of the process. With
    `read_only: true`, writable paths are explicit (`tmpfs`, volumes).

    ## Scope
    Every service; reported at `read_only` when it is set to something else, else at the
    service name.

    ## Compared with other tools
    The Compose counterpart of KS008 (`readOnlyRootFilesystem`). Off by default here: most
    images write to their filesystem (caches, pid files) and need `tmpfs` entries first, and
    Compose files are often for development.
    """

    code = "DC008"
    name = "compose-writable-root-filesystem"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.INFO
    security = True
    enabled_by_default = False
    examples = [
        bad(
            """
            services:
              app:
                image: example/app:1.0
            """,
            count=1,
            at=(2, 3),
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                read_only: true
                tmpfs: [/tmp]
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            node = service.node.get("read_only")
            if type(node) is ScalarNode and node.py is True:
                continue
            span = node.span if type(node) is ScalarNode and not node.is_null else service.missing_span
            ctx.report(span, f"service {service.name} has a writable root filesystem: set read_only: true")
