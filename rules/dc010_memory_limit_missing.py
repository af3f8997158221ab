from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, scalar_text


class MemoryLimitMissing(Rule):
    """
    Set a memory limit on every service (opt-in).

    ## What it does
    Flags a service with neither `mem_limit` nor `deploy.resources.limits.memory`.

    ## Why is this bad?
    A container without a memory limit can use all of the host's memory: a leak or a hostile
    input then gets the kernel's OOM killer to kill other containers, or the Docker daemon.

    ## Scope
    Every service; reported at the service name.

    ## Compared with other tools
    The Compose counterpart of KS022. Off by default: Compose files are mostly for
    development and single-host setups, where limits are a deployment decision.
    """

    code = "DC010"
    name = "compose-memory-limit-missing"
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
                deploy:
                  resources:
                    limits:
                      cpus: "1"
            """,
            count=1,
            at=(2, 3),
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                deploy:
                  resources:
                    limits:
                      memory: 512M
              worker:
                image: example/worker:1.0
                mem_limit: 256m
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            if scalar_text(service.node.get("mem_limit")) or scalar_text(service.node.get_in("deploy", "resources", "limits", "memory")):
                continue
            ctx.report(service.missing_span, f"service {service.name} has no memory limit: set deploy.resources.limits.memory")
