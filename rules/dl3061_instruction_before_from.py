from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class InstructionBeforeFrom(Rule):
    """Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment.

    ## What it does
    Flags every instruction other than `ARG` that comes before the first `FROM`.

    ## Why is this bad?
    Only `ARG` may precede the first `FROM` (parser directives such as `# syntax=` and
    comments are not instructions). BuildKit refuses anything else, so the file does not build.

    ## Scope
    The instructions before the first `FROM`. Parser directives (`# syntax=`, `# escape=`,
    `# check=`) and comments are always fine.

    ## Compared with other tools
    hadolint DL3061 (same meaning).
    """

    code = "DL3061"
    name = "instruction-before-from"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3061",)
    examples = [
        bad("LABEL org.opencontainers.image.title=app\nFROM debian:12\n", at=(1, 1)),
        ok("# syntax=docker/dockerfile:1\n# a comment\nARG BASE=debian:12\nFROM ${BASE}\nLABEL a=b\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword == "FROM":
                return
            if ins.keyword != "ARG":
                ctx.report(
                    ins.keyword_span,
                    f"Invalid instruction order. Dockerfile must begin with `FROM`, `ARG` or comment, not `{ins.keyword}`",
                )
