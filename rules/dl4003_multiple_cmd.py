from dockerlint.rulekit.analysis import repeated_in_stage
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class MultipleCmd(Rule):
    """Multiple `CMD` instructions found.

    ## What it does
    Flags every `CMD` after the first one in the same stage.

    ## Why is this bad?
    Only the last `CMD` of a stage takes effect, so the earlier ones are dead code that
    misleads readers about what the container runs.

    ## Scope
    Every stage; the count restarts at each `FROM`. `CMD` inside `ONBUILD` is not counted.
    The later instructions are reported (as hadolint does, so its pragmas keep working).

    ## Compared with other tools
    hadolint DL4003, Trivy DS016 and Docker's build check MultipleInstructionsDisallowed
    (same meaning; BuildKit's check covers `CMD`, `ENTRYPOINT` and `HEALTHCHECK` at once and
    reports the earlier instructions).
    """

    code = "DL4003"
    name = "multiple-cmd"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL4003", "AVD-DS-0016", "BuildKit:MultipleInstructionsDisallowed")
    examples = [
        bad('FROM debian:12\nCMD ["serve"]\nRUN true\nCMD ["serve", "--debug"]\n', count=1, at=(4, 1)),
        ok('FROM debian:12 AS one\nCMD ["serve"]\nFROM debian:12\nCMD ["serve", "--debug"]\n'),
        ok('FROM debian:12\nONBUILD CMD ["serve"]\nCMD ["serve", "--debug"]\n'),
    ]

    def check(self, ctx):
        for ins in repeated_in_stage(ctx.dockerfile, "CMD"):
            ctx.report(ins.keyword_span, "Multiple `CMD` instructions found. If you list more than one `CMD` "
                        "then only the last `CMD` will take effect")
