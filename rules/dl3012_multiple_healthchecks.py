from dockerlint.rulekit.analysis import repeated_in_stage
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class MultipleHealthchecks(Rule):
    """Multiple `HEALTHCHECK` instructions.

    ## What it does
    Flags every `HEALTHCHECK` after the first one in the same stage.

    ## Why is this bad?
    Only the last `HEALTHCHECK` of a stage takes effect, so the earlier ones are dead code
    that misleads readers about how the container is probed.

    ## Scope
    Every stage; the count restarts at each `FROM`. `HEALTHCHECK` inside `ONBUILD` is not counted.
    The later instructions are reported (as hadolint does, so its pragmas keep working).

    ## Compared with other tools
    hadolint DL3012, Trivy DS023 and Docker's build check MultipleInstructionsDisallowed
    (same meaning; BuildKit's check covers `CMD`, `ENTRYPOINT` and `HEALTHCHECK` at once and
    reports the earlier instructions).
    """

    code = "DL3012"
    name = "multiple-healthchecks"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3012", "AVD-DS-0023", "BuildKit:MultipleInstructionsDisallowed")
    examples = [
        bad("FROM debian:12\nHEALTHCHECK CMD curl -f http://localhost/\nRUN true\nHEALTHCHECK NONE\n", count=1, at=(4, 1)),
        ok("FROM debian:12 AS one\nHEALTHCHECK CMD curl -f http://localhost/\nFROM debian:12\nHEALTHCHECK NONE\n"),
        ok("FROM debian:12\nONBUILD HEALTHCHECK CMD curl -f http://localhost/\nHEALTHCHECK NONE\n"),
    ]

    def check(self, ctx):
        for ins in repeated_in_stage(ctx.dockerfile, "HEALTHCHECK"):
            ctx.report(ins.keyword_span, "Multiple `HEALTHCHECK` instructions")
