from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class ExposeProtoCasing(Rule):
    """The protocol in `EXPOSE` should be lowercase.

    ## What it does
    Flags `EXPOSE 80/TCP` or `EXPOSE 53/Udp`: a protocol not written in lower case.

    ## Why is this bad?
    Docker lower-cases the protocol anyway; the upper-case spelling is inconsistent with
    the image configuration, `docker inspect` and Compose/Kubernetes port definitions, and
    tools that compare port strings literally treat `80/TCP` and `80/tcp` as different ports.

    ## Scope
    Every stage. Ports written with variables are skipped.

    ## Fix safety
    Safe: the protocol is lower-cased, which is what the builder records anyway.

    ## Compared with other tools
    Docker build check `ExposeProtoCasing` (same meaning). hadolint has no equivalent.
    """

    code = "DF114"
    name = "expose-proto-casing"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:ExposeProtoCasing",)
    examples = [
        bad("FROM alpine:3.20\nEXPOSE 80/TCP 53/Udp\n", fixed="FROM alpine:3.20\nEXPOSE 80/tcp 53/udp\n", count=2, at=[(2, 8), (2, 15)]),
        ok("FROM alpine:3.20\nEXPOSE 80/tcp 53/udp 8080\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "EXPOSE":
                continue
            for word in ins.words():
                if "$" in word.text or "/" not in word.value:
                    continue
                proto = word.value.split("/", 1)[1]
                if proto == proto.lower():
                    continue
                fix = None
                if word.text == word.value:
                    at = word.span.start + len(word.text) - len(proto)
                    fix = make_fix([Edit(at, word.span.end, proto.lower())], Applicability.SAFE, f"write `{proto.lower()}`")
                ctx.report(word.span, f"Defined protocol '{word.value}' in EXPOSE instruction should be lowercase", fix=fix)
