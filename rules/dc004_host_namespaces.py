from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, remove_key_fix, scalar_text

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

    ## Fix safety
    The fix deletes the `<field>: host` line (in a flow mapping, the entry), so the service
    gets its own namespace again. It is unsafe, as the service's behaviour changes:
    without `network_mode: host` it joins the project's default network, is reachable from
    the host only through the ports its `ports:` publish (host mode ignored them), and reaches other services by
    their service names, not through `localhost`; clients on the host that used
    `localhost:<port>` need a published port. Without `pid: host` it no longer sees or
    signals the host's processes (monitoring and debugging agents stop working); without
    `ipc: host` shared memory and semaphores with host processes stop working; without
    `uts: host` it gets its own hostname; without `userns_mode: host` a daemon with
    `userns-remap` remaps its users, which can change file ownership on bind mounts. A field
    merged in from elsewhere (`<<: *defaults`) gets no fix.
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
            fixed="""
            services:
              monitor:
                image: example/monitor:1.0
            """,
            count=2,
        ),
        bad(
            """
            services:
              monitor:
                image: example/monitor:1.0  # pinned by release
                ipc: host
                uts: host
                restart: always  # keep running
            """,
            fixed="""
            services:
              monitor:
                image: example/monitor:1.0  # pinned by release
                restart: always  # keep running
            """,
            count=2,
        ),
        bad(
            """
            services:
              monitor: {image: "example/monitor:1.0", network_mode: host, pid: host, restart: always}
            """,
            fixed="""
            services:
              monitor: {image: "example/monitor:1.0", restart: always}
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
                    ctx.report(
                        node.span,
                        f"service {service.name} sets {field}: host and shares {shares}",
                        fix=remove_key_fix(ctx, service, field, f"remove {field}: host"),
                    )
