from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class NonNumericUser(Rule):
    """Non-numeric user-id may not be resolvable by host system.

    ## What it does
    Flags a `USER` whose user part is a name (`USER app`, `USER app:app`) rather than a
    numeric UID (`USER 10001`, `USER 10001:10001`).

    ## Why is this bad?
    Kubernetes' `runAsNonRoot` and other host-side policies can only verify a numeric UID: a
    user name is resolved inside the image, so the platform cannot tell whether it is root.

    ## Scope
    Every `USER` outside `ONBUILD`. Users given through variables (`USER ${APP_UID}`) are not
    known and never flagged.

    ## Compared with other tools
    hadolint DL3066 (same meaning).
    """

    code = "DL3066"
    name = "non-numeric-user"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3066",)
    examples = [
        bad("FROM debian:12\nUSER app\n"),
        bad("FROM debian:12\nUSER app:app\n"),
        ok("FROM debian:12\nUSER 10001:10001\n"),
        ok("ARG APP_UID\nFROM debian:12\nUSER ${APP_UID}\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "USER":
                continue
            words = ins.words()
            if not words:
                continue
            user = words[0].value.split(":", 1)[0]
            if "$" in user or user.isdigit():
                continue
            ctx.report(words[0].span, f"Non-numeric user-id may not be resolvable by host system: `{user}`")
