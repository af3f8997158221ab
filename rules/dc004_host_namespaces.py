from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._compose import compose_services, scalar_text

_FIELDS = {
    "network_mode": "the host's network stack (every port and interface of the host)",
    "pid": "the host's processes (signal and ptrace them, read their environment)",
    "ipc": "the host's shared memory and semaphores",
    "userns_mode": "the host's user namespace, even where the daemon remaps users",
    "uts": "the host's hostname (and can change it)",
}


class HostNamespaces(Rule):
    """
    Do not share the host's network, PID or IPC namespace.

    ## What it does
    Flags `network_mode: host`, `pid: host` and `ipc: host`, and also `userns_mode: host` and
    `uts: host`.

    ## Why is this bad?
    Each shares one of the host's namespaces with the container: `network_mode: host` exposes
    every service the container listens on on the host's interfaces, bypasses published-port
    rules and reaches services bound to the host's localhost; `pid: host` lets it see and
    signal every process of the host; `ipc: host` reads other processes' shared memory.

    ## Scope
    Every service.

    ## Compared with other tools
    The Compose counterpart of KS009 (`hostNetwork`, `hostPID`, `hostIPC`).
    """

    code = "DC004"
    name = "compose-host-namespaces"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              monitor:
                image: example/monitor:1.0
                network_mode: host
                pid: "host"
            """,
            count=2,
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                network_mode: "service:vpn"
                ipc: shareable
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            for field, shares in _FIELDS.items():
                node = service.node.get(field)
                if (scalar_text(node) or "").strip().lower() == "host":
                    ctx.report(node.span, f"service {service.name} sets {field}: host and shares {shares}")
