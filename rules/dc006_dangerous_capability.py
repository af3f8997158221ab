from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.rulekit.capabilities import DANGEROUS, WHY
from dockerlint.rulekit.compose import compose_services, items, scalar_text


class DangerousCapability(Rule):
    """
    Do not add capabilities that amount to root on the host.

    ## What it does
    Flags a `cap_add` entry that is `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_MODULE`,
    `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `BPF` or `SYS_BOOT` (configurable).

    ## Why is this bad?
    Each is a documented container escape or host takeover on its own: `SYS_ADMIN` mounts
    filesystems and cgroups, `SYS_MODULE` loads kernel code, `DAC_READ_SEARCH` opens host
    files by handle, `SYS_PTRACE` injects into processes, `NET_ADMIN` reconfigures the
    host-side network when combined with host networking; `ALL` is all of them.

    ## Scope
    `cap_add` of every service. Names are read as Docker reads them: case-insensitive, with or
    without `CAP_`.

    ## Options
    `capabilities` (list): the capabilities to report, replacing the default list.

    ## Compared with other tools
    The Compose counterpart of KS037 (same list).
    """

    code = "DC006"
    name = "compose-dangerous-capability"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    options = {"capabilities": Option(list, list(DANGEROUS), "capabilities whose addition is reported")}
    examples = [
        bad(
            """
            services:
              vpn:
                image: example/vpn:1.0
                cap_add:
                  - NET_ADMIN
                  - cap_sys_module
                  - NET_BIND_SERVICE
            """,
            count=2,
            at=[(5, 9), (6, 9)],
        ),
        ok(
            """
            services:
              web:
                image: example/web:1.0
                cap_drop: [ALL]
                cap_add: [NET_BIND_SERVICE, CHOWN]
            """
        ),
    ]

    def check(self, ctx):
        wanted = {str(c).strip().upper().removeprefix("CAP_") for c in ctx.options.get("capabilities", DANGEROUS)}
        for service in compose_services(ctx):
            for entry in items(service.node.get("cap_add")):
                value = scalar_text(entry)
                if value is None:
                    continue
                name = value.strip().upper().removeprefix("CAP_")
                if name in wanted:
                    why = WHY.get(name)
                    ctx.report(entry.span, f"service {service.name} adds {name}{': ' + why if why else ''}")
