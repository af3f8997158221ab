from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, remove_key_fix
from dockerlint.rulekit.host_access import compose_host_access_reason


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

    ## Fix safety
    The fix deletes the `privileged: true` line (in a flow mapping, the entry), so the service
    runs with Docker's default capabilities, devices and seccomp/AppArmor profiles. It is
    unsafe: whatever needed the privileges (device access, mounting filesystems, Docker-in-
    Docker, kernel modules, network administration) stops working and may need specific
    `cap_add` or `devices` instead. A `privileged` merged in from elsewhere (`<<: *defaults`)
    gets no fix: removing it there would change every service that uses it.
    Display-only, with the reason, for a service whose shape shows it needs the host: it shares
    the host's PID, network or IPC namespace, maps `devices`, mounts the host's `/`, `/dev`,
    `/sys`, `/proc`, `/lib/modules`, `/run`, `/var/lib/docker` or a runtime socket, adds
    `SYS_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`, `BPF`, `PERFMON`, `NET_ADMIN` or `SYS_RESOURCE`, or
    runs an image that needs privileges by design (Docker-in-Docker, rootful BuildKit,
    cAdvisor).
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
            fixed="""
            services:
              agent:
                image: example/agent:1.0
            """,
            count=1,
        ),
        bad(
            """
            services:
              agent:
                image: example/agent:1.0  # pinned by release
                privileged: true
                restart: always  # keep running
            """,
            fixed="""
            services:
              agent:
                image: example/agent:1.0  # pinned by release
                restart: always  # keep running
            """,
        ),
        bad(
            """
            services:
              agent: {image: "example/agent:1.0", privileged: true, restart: always}
            """,
            fixed="""
            services:
              agent: {image: "example/agent:1.0", restart: always}
            """,
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
                needs_host = compose_host_access_reason(service, besides="privileged")
                if needs_host:
                    fix = remove_key_fix(
                        ctx,
                        service,
                        "privileged",
                        f"remove privileged: true once the service no longer needs it; not applied because {needs_host}:"
                        " a host agent usually needs its privileges (grant specific cap_add or devices instead)",
                        Applicability.DISPLAY_ONLY,
                    )
                else:
                    fix = remove_key_fix(ctx, service, "privileged", "remove privileged: true")
                ctx.report(node.span, f"service {service.name} runs privileged: it is root on the host", fix=fix)
