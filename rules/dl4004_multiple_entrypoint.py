from dockerlint.rulekit.analysis import repeated_in_stage
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class MultipleEntrypoint(Rule):
    """Multiple `ENTRYPOINT` instructions found.

    ## What it does
    Flags every `ENTRYPOINT` after the first one in the same stage.

    ## Why is this bad?
    Only the last `ENTRYPOINT` of a stage takes effect, so the earlier ones are dead code
    that misleads readers about what the container runs.

    ## Scope
    Every stage; the count restarts at each `FROM`. `ENTRYPOINT` inside `ONBUILD` is not counted.
    The later instructions are reported (as hadolint does, so its pragmas keep working).

    ## Compared with other tools
    hadolint DL4004, Trivy DS007 and Docker's build check MultipleInstructionsDisallowed
    (same meaning; BuildKit's check covers `CMD`, `ENTRYPOINT` and `HEALTHCHECK` at once and
    reports the earlier instructions).
    """

    code = "DL4004"
    name = "multiple-entrypoint"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL4004", "AVD-DS-0007", "BuildKit:MultipleInstructionsDisallowed")
    examples = [
        bad('FROM debian:12\nENTRYPOINT ["serve"]\nRUN true\nENTRYPOINT ["serve", "--debug"]\n', count=1, at=(4, 1)),
        ok('FROM debian:12 AS one\nENTRYPOINT ["serve"]\nFROM debian:12\nENTRYPOINT ["serve", "--debug"]\n'),
        ok('FROM debian:12\nONBUILD ENTRYPOINT ["serve"]\nENTRYPOINT ["serve", "--debug"]\n'),
    ]

    def check(self, ctx):
        for ins in repeated_in_stage(ctx.dockerfile, "ENTRYPOINT"):
            ctx.report(ins.keyword_span, "Multiple `ENTRYPOINT` instructions found. If you list more than one `ENTRYPOINT` "
                        "then only the last `ENTRYPOINT` will take effect")
