
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.patterns import lazy

_PORTS = lazy(r"^\d+(?:-\d+)?$")


def _split_parts(raw: str) -> tuple[str, str, str]:
    """[ip:][host-port:]container-port[/proto], as BuildKit splits an EXPOSE port."""
    parts = raw.split(":")
    if len(parts) == 1:
        return "", "", parts[0]
    if len(parts) == 2:
        return "", parts[0], parts[1]
    return ":".join(parts[:-2]), parts[-2], parts[-1]


def _valid_ip(text: str) -> bool:
    try:
        import ipaddress  # only for EXPOSE lines that carry an IP

        ipaddress.ip_address(text[1:-1] if text.startswith("[") and text.endswith("]") else text)
        return True
    except ValueError:
        return False


class ExposeInvalidFormat(Rule):
    """`EXPOSE` should not define an IP address or a host-port mapping.

    ## What it does
    Flags `EXPOSE 8080:80` or `EXPOSE 127.0.0.1:80:80`: `EXPOSE` takes container ports only
    (with an optional protocol), not `docker run -p` syntax.

    ## Why is this bad?
    The builder drops the address and the host port and records only the container port, so
    the Dockerfile claims a mapping that never happens; publishing ports is decided when the
    container is run. Docker has announced that this form will become an error.

    ## Scope
    Every stage. Ports written with variables are skipped.

    ## Fix safety
    Safe: the address and host port are removed, leaving the container port that the builder
    records anyway, so the image is unchanged. No fix is offered when the address or host port
    is not valid (the build fails on it today).

    ## Compared with other tools
    Docker build check `ExposeInvalidFormat` (same meaning). hadolint has no equivalent.
    """

    code = "DF115"
    name = "expose-invalid-format"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:ExposeInvalidFormat",)
    examples = [
        bad("FROM alpine:3.20\nEXPOSE 127.0.0.1:80:80\n", fixed="FROM alpine:3.20\nEXPOSE 80\n", at=(2, 8)),
        bad("FROM alpine:3.20\nEXPOSE 8080:80/udp 443\n", fixed="FROM alpine:3.20\nEXPOSE 80/udp 443\n", at=(2, 8)),
        bad("FROM alpine:3.20\nEXPOSE host:80:80\n", at=(2, 8)),
        ok("FROM alpine:3.20\nEXPOSE 80 443/tcp 7000-7010/udp\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for word in ins.words():
                if "$" in word.text or ":" not in word.value:
                    continue
                ip, host_port, container = _split_parts(word.value)
                fix = None
                if word.text == word.value and (not ip or _valid_ip(ip)) and (not host_port or _PORTS.match(host_port)):
                    fix = make_fix([Edit(word.span.start, word.span.end, container)], Applicability.SAFE, f"expose `{container}`")
                ctx.report(
                    word.span,
                    f"EXPOSE instruction should not define an IP address or host-port mapping, found '{word.value}'",
                    fix=fix,
                )
