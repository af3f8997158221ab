from dockerlint.fixers.yaml_edits import detect_style, insert_mapping_keys
from dockerlint.images.knowledge import exposed_ports
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.compose import compose_services, own_collection, remove_key_fix, scalar_text, service_image
from dockerlint.rulekit.host_access import compose_host_access_reason

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
    `network_mode: host` is removed only when the service keeps reachable ports: it already
    lists `ports:` (which host mode ignored), or its image's exposed ports are known from the
    image knowledge base (`nginx` 80, `redis` 6379, ...): the fix then publishes them as
    `"<port>:<port>"`, as host mode did. Otherwise the fix is display-only and says so. Every
    removal of `network_mode` or `pid` is display-only, with the reason, when the service shows it is a host agent: it
    also runs privileged, shares the host's PID or network namespace, maps devices, mounts the host's `/`,
    `/proc`, `/sys`, `/dev` or a runtime socket, or adds host-level capabilities (node
    exporters, profilers, eBPF agents).
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
              web:
                image: nginx:1.27
                network_mode: host
                restart: always
            """,
            fixed="""
            services:
              web:
                image: nginx:1.27
                restart: always
                ports:
                - "80:80"
            """,
        ),
        bad(
            """
            services:
              node-exporter:
                image: prom/node-exporter:v1.8.2
                network_mode: host
                pid: "host"
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
              app: {image: "example/app:1.0", network_mode: host, ports: ["8080:8080"], restart: always}
            """,
            fixed="""
            services:
              app: {image: "example/app:1.0", ports: ["8080:8080"], restart: always}
            """,
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
                        fix=_fix(ctx, service, field),
                    )


def _fix(ctx, service, field):
    description = f"remove {field}: host"
    needs_host = compose_host_access_reason(service, besides=field) if field in ("network_mode", "pid") else None
    if needs_host:
        return remove_key_fix(
            ctx,
            service,
            field,
            f"{description} once the service no longer needs the host; not applied because {needs_host}:"
            " a host agent (monitoring, profiling, networking) uses the host's namespaces on purpose",
            Applicability.DISPLAY_ONLY,
        )
    if field != "network_mode" or own_collection(service, "ports") is not None:
        return remove_key_fix(ctx, service, field, description)
    ref, _node = service_image(service)
    known = exposed_ports(ref) if ref is not None else None
    if not known:
        what = f"image {ref.text}" if ref is not None else "service (it has no plain image name)"
        return remove_key_fix(
            ctx,
            service,
            field,
            f"{description} and publish the ports the service listens on with ports:; not applied because the"
            f" ports of this {what} are not known, and without them it is unreachable from the host",
            Applicability.DISPLAY_ONLY,
        )
    mappings = [f"{p}:{p}" for p in known]
    published = [f'"{m}"' for m in mappings]  # YAML text: quoted, as Compose's docs ask for ports
    edits = _replace_with_ports(ctx, service, field, published)
    if edits is None:
        return None
    return make_fix(
        edits,
        Applicability.UNSAFE,
        f"{description} and publish what {ref.text} exposes ({', '.join(mappings)}), as host mode did",
    )


def _replace_with_ports(ctx, service, field, published):
    """Edits removing `field` and adding `ports:`: two edits, or, when the removed entry is the
    last one (where new keys go), one edit writing `ports:` in its place."""
    removal = remove_key_fix(ctx, service, field, "")
    insert = insert_mapping_keys(ctx.source, service.node, [("ports", published)])
    if removal is None or insert is None:
        return None
    [gone] = removal.edits
    if not gone.start <= insert.start <= gone.end:
        return [gone, insert]
    if service.node.flow:
        return None
    key = service.node.key_node(field)
    value = service.node.get(field)
    if key is None or value is None:
        return None
    style = detect_style(ctx.source, ctx.model)
    pad = " " * (key.span.col - 1 + style.sequence_indent)
    lines = ["ports:"] + [f"{pad}- {p}" for p in published]
    return [Edit(key.span.start, value.span.end, style.newline.join(lines))]
