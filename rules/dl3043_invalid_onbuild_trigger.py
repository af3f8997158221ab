from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_FORBIDDEN = ("ONBUILD", "FROM", "MAINTAINER")


class InvalidOnbuildTrigger(Rule):
    """`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction.

    ## What it does
    Flags `ONBUILD ONBUILD ...`, `ONBUILD FROM ...` and `ONBUILD MAINTAINER ...`.

    ## Why is this bad?
    Docker does not allow these triggers: the build of every image that uses this one as its
    base fails when the trigger fires.

    ## Scope
    Every `ONBUILD` instruction.

    ## Compared with other tools
    hadolint DL3043 (same meaning). BuildKit rejects these triggers only when a child image
    is built, long after this Dockerfile was published.
    """

    code = "DL3043"
    name = "invalid-onbuild-trigger"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3043",)
    examples = [
        bad("FROM debian:12\nONBUILD ONBUILD RUN make\n", at=(2, 9)),
        bad("FROM debian:12\nONBUILD FROM debian:12\n", at=(2, 9)),
        bad('FROM debian:12\nONBUILD MAINTAINER "BoJack Horseman"\n', at=(2, 9)),
        ok("FROM debian:12\nONBUILD RUN make\nONBUILD COPY . /app\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            inner = ins.inner
            if ins.keyword == "ONBUILD" and inner is not None and inner.keyword in _FORBIDDEN:
                ctx.report(
                    inner.keyword_span,
                    f"`ONBUILD`, `FROM` or `MAINTAINER` triggered from within `ONBUILD` instruction (`ONBUILD {inner.keyword}`)",
                )
