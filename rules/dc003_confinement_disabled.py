import re

from dockerlint.fixers.yaml_edits import delete_sequence_item
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.compose import compose_services, items, own_collection, remove_key_fix, scalar_text
from dockerlint.rulekit.patterns import lazy

# `<option>:<value>` or `<option>=<value>`
_UNCONFINED = lazy(r"^\s*(seccomp|apparmor|systempaths)\s*[:=]\s*unconfined\s*$|^\s*(label)\s*[:=]\s*disable\s*$", re.I)
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

    ## Fix safety
    The fix deletes the offending entry (its line, or the item and a comma in a flow list), and
    the whole `security_opt:` key when no other entry is left (comments inside it go with it),
    so Docker's default profiles apply again. It is unsafe: a service that makes a system call
    the default seccomp profile blocks, or writes where AppArmor/SELinux or the /proc and /sys
    masks forbid, fails after it; such a service needs a custom profile
    (`seccomp=./profile.json`) rather than none. A `security_opt` merged in from elsewhere
    (`<<: *defaults`), an alias (`*opts`) or anchored one gets no fix: editing it would change
    other services too.
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
            fixed="""
            services:
              app:
                image: example/app:1.0
                security_opt:
                  - no-new-privileges:true
            """,
            count=2,
            at=[(5, 9), (6, 9)],
        ),
        bad(
            """
            services:
              app:
                image: example/app:1.0  # pinned by release
                security_opt:
                  - seccomp=unconfined
                  - label:disable
                restart: always  # keep running
            """,
            fixed="""
            services:
              app:
                image: example/app:1.0  # pinned by release
                restart: always  # keep running
            """,
            count=2,
            at=[(5, 9), (6, 9)],
        ),
        bad(
            """
            services:
              app:
                image: example/app:1.0
                security_opt: ["apparmor:unconfined", "no-new-privileges:true", systempaths=unconfined]
            """,
            fixed="""
            services:
              app:
                image: example/app:1.0
                security_opt: ["no-new-privileges:true"]
            """,
            count=2,
            at=[(4, 20), (4, 69)],
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
            entries = items(service.node.get("security_opt"))
            found = []
            for index, entry in enumerate(entries):
                m = _UNCONFINED.match(scalar_text(entry) or "")
                if m:
                    found.append((index, entry, _WHAT[(m.group(1) or m.group(2)).lower()]))
            for index, entry, what in found:
                ctx.report(
                    entry.span,
                    f"service {service.name} turns off {what}",
                    fix=_fix(ctx, service, index, len(found) == len(entries)),
                )


def _fix(ctx, service, index, every_entry):
    seq = own_collection(service, "security_opt")
    if seq is None:
        return None
    if every_entry:
        # an empty `security_opt: []` says nothing: the key goes
        return remove_key_fix(ctx, service, "security_opt", "remove security_opt")
    edit = delete_sequence_item(ctx.source, seq, index)
    if edit is None:
        return None
    return make_fix([edit], Applicability.UNSAFE, f"remove {scalar_text(seq.items[index])}")
