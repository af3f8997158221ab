import re

from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._compose import compose_services, items, scalar_text

# `<option>:<value>` or `<option>=<value>`
_UNCONFINED = re.compile(r"^\s*(seccomp|apparmor|systempaths)\s*[:=]\s*unconfined\s*$|^\s*(label)\s*[:=]\s*disable\s*$", re.I)
_WHAT = {"seccomp": "seccomp", "apparmor": "AppArmor", "systempaths": "the /proc and /sys masks", "label": "SELinux labelling"}


class ConfinementDisabled(Rule):
    """
    Do not turn off seccomp, AppArmor or SELinux with `security_opt`.

    ## What it does
    Flags a `security_opt` entry `seccomp:unconfined`, `apparmor:unconfined` (either with `:`
    or `=`), `label:disable` (SELinux) or `systempaths=unconfined`.

    ## Why is this bad?
    The default seccomp profile blocks the system calls behind most container escapes
    (`keyctl`, `unshare`, `mount`...), and the AppArmor/SELinux profiles stop writes to
    `/proc` and `/sys`; `systempaths=unconfined` unmasks them. Without them a kernel bug or a
    capability is much closer to the host.

    ## Scope
    `security_opt` of every service; custom profiles (`seccomp=./profile.json`) are fine.

    ## Compared with other tools
    The Compose counterpart of KS005/KS006 (`Unconfined` profiles in Kubernetes).
    """

    code = "DC003"
    name = "compose-confinement-disabled"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              app:
                image: example/app:1.0
                security_opt:
                  - seccomp:unconfined
                  - apparmor=unconfined
                  - no-new-privileges:true
            """,
            count=2,
        ),
        ok(
            """
            services:
              app:
                image: example/app:1.0
                security_opt:
                  - no-new-privileges:true
                  - seccomp=./seccomp.json
            """
        ),
    ]

    def check(self, ctx):
        for service in compose_services(ctx):
            for entry in items(service.node.get("security_opt")):
                m = _UNCONFINED.match(scalar_text(entry) or "")
                if m:
                    what = _WHAT[(m.group(1) or m.group(2)).lower()]
                    ctx.report(entry.span, f"service {service.name} turns off {what}")
