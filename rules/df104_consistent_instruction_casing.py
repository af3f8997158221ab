from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class ConsistentInstructionCasing(Rule):
    """All instructions should use the same casing, upper or lower.

    ## What it does
    Counts the instruction keywords written all upper case and all lower case, and flags every
    keyword that does not follow the majority (upper case wins a tie), including mixed-case
    keywords such as `Run`.

    ## Why is this bad?
    Keywords are case-insensitive, so mixed casing carries no meaning; it only makes the
    Dockerfile harder to scan and review, and usually marks copy-pasted fragments.

    ## Scope
    Instructions from the first `FROM` on, as BuildKit counts them: `ARG`s before the first
    `FROM` are neither counted nor flagged, and for `ONBUILD` only the `ONBUILD` keyword itself
    is (not the instruction it wraps).

    ## Fix safety
    Safe: the keyword is rewritten in the majority casing; keyword case never changes meaning.

    ## Compared with other tools
    Docker build check `ConsistentInstructionCasing` (same meaning). hadolint has no
    equivalent.
    """

    code = "DF104"
    name = "consistent-instruction-casing"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:ConsistentInstructionCasing",)
    examples = [
        bad(
            "FROM alpine:3.20\nrun echo hello\nCMD [\"sh\"]\n",
            fixed="FROM alpine:3.20\nRUN echo hello\nCMD [\"sh\"]\n",
            at=(2, 1),
        ),
        bad(
            "from alpine:3.20\nRun echo hello\ncmd [\"sh\"]\n",
            fixed="from alpine:3.20\nrun echo hello\ncmd [\"sh\"]\n",
            at=(2, 1),
        ),
        ok("FROM alpine:3.20\nRUN echo hello\n"),
        ok("arg BASE=alpine:3.20\nFROM $BASE\nRUN echo hello\n"),
    ]

    def check(self, ctx):
        keywords = [ins for ins in ctx.dockerfile.instructions if ins.stage >= 0]
        lower = sum(1 for ins in keywords if ins.keyword_raw == ins.keyword_raw.lower())
        upper = sum(1 for ins in keywords if ins.keyword_raw == ins.keyword_raw.upper())
        majority_lower = lower > upper
        casing = "lowercase" if majority_lower else "uppercase"
        for ins in keywords:
            raw = ins.keyword_raw
            wanted = raw.lower() if majority_lower else raw.upper()
            if raw == wanted:
                continue
            span = ins.keyword_span
            ctx.report(
                span,
                f"Command '{raw}' should match the case of the command majority ({casing})",
                fix=make_fix([Edit(span.start, span.end, wanted)], Applicability.SAFE, f"write `{wanted}`"),
            )
