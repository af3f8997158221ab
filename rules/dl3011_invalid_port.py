
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_NUMBER = lazy(r"^[0-9]+$")


class InvalidPort(Rule):
    """Valid UNIX ports range from 0 to 65535.

    ## What it does
    Flags an `EXPOSE` port, or either end of a port range (`8000-9000/tcp`), above 65535.

    ## Why is this bad?
    Such a port cannot exist: the instruction is a typo (`80000` for `8000`) that documents a
    port nobody can connect to.

    ## Scope
    Every `EXPOSE` outside `ONBUILD`. Ports given through variables (`${PORT}`) are not known
    and never flagged.

    ## Compared with other tools
    hadolint DL3011 and Trivy DS008 (same meaning). Each offending port is reported on its own,
    where hadolint reports the instruction once.
    """

    code = "DL3011"
    name = "invalid-port"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3011", "AVD-DS-0008")
    examples = [
        bad("FROM debian:12\nEXPOSE 80000\n", at=(2, 8)),
        bad("FROM debian:12\nEXPOSE 40000-80000/tcp\n", at=(2, 8)),
        ok("FROM debian:12\nEXPOSE 80 443/tcp 40000-60000/udp\n"),
        ok("FROM debian:12\nEXPOSE ${PORT} 40000-${END}\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for word in ins.words():
                port = word.value.split("/", 1)[0]
                ends = port.split("-", 1)
                # (length first: int() refuses more than 4,300 digits)
                if any(_NUMBER.match(e) and (len(e.lstrip("0")) > 5 or int(e.lstrip("0") or "0") > 65535) for e in ends):
                    ctx.report(word.span, f"Valid UNIX ports range from 0 to 65535: `{word.value}`")
