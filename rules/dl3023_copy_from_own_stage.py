from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class CopyFromOwnStage(Rule):
    """`COPY --from` cannot reference its own `FROM` alias.

    ## What it does
    Flags `COPY --from=<name>` inside the stage called `<name>`, or `--from=<index>` naming
    the stage itself.

    ## Why is this bad?
    A stage cannot copy from itself: BuildKit fails with a circular dependency error.

    ## Scope
    Every `COPY --from` outside `ONBUILD`. Names compare case-insensitively, as in BuildKit.

    ## Compared with other tools
    hadolint DL3023 and Trivy DS006 (same meaning; they check the name only).
    """

    code = "DL3023"
    name = "copy-from-own-stage"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3023", "AVD-DS-0006")
    examples = [
        bad("FROM node:22 AS build\nCOPY --from=build /app /app\n", at=(2, 6)),
        bad("FROM node:22 AS build\nFROM debian:12\nCOPY --from=1 /app /app\n", at=(3, 6)),
        ok("FROM node:22 AS build\nFROM debian:12 AS run\nCOPY --from=build /app /app\n"),
    ]

    def check(self, ctx):
        stages = ctx.dockerfile.stages
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "COPY" or ins.stage < 0:
                continue
            flag = ins.flag("from")
            if flag is None or not flag.value:
                continue
            value = flag.value.strip("\"'")
            stage = stages[ins.stage]
            if (stage.alias and value.lower() == stage.alias.lower()) or value == str(stage.index):
                ctx.report(flag.span, f"`COPY --from` cannot reference its own `FROM` alias: `{value}`")
