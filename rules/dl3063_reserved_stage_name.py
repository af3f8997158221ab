from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

RESERVED = ("context", "scratch")


class ReservedStageName(Rule):
    """Stage name should not be a reserved word.

    ## What it does
    Flags a stage named `scratch` or `context` (`FROM node:22 AS scratch`), in any case.

    ## Why is this bad?
    `scratch` is the empty base image and `context` names the build context in BuildKit's
    `--build-context`; a stage with such a name shadows them, so `FROM scratch` or
    `COPY --from=context` no longer mean what readers expect.

    ## Scope
    Every `FROM ... AS <name>`.

    ## Compared with other tools
    hadolint DL3063 and Docker's build check ReservedStageName (same meaning).
    """

    code = "DL3063"
    name = "reserved-stage-name"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3063", "BuildKit:ReservedStageName")
    examples = [
        bad("FROM golang:1.22 AS scratch\n", at=(1, 21)),
        bad("FROM golang:1.22 AS Context\n", at=(1, 21)),
        ok("FROM golang:1.22 AS build\nFROM scratch\nCOPY --from=build /app /app\n"),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            if stage.alias and stage.alias.lower() in RESERVED:
                word = stage.from_.words()[-1]
                ctx.report(word.span, f"Stage name should not be a reserved word: `{stage.alias}`")
