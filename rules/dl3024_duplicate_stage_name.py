from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class DuplicateStageName(Rule):
    """`FROM` aliases (stage names) must be unique.

    ## What it does
    Flags a stage whose name (`FROM ... AS <name>`) an earlier stage already uses, in any case.

    ## Why is this bad?
    `COPY --from=<name>` and `FROM <name>` can refer to only one of them; BuildKit rejects
    the file ("duplicate stage name").

    ## Scope
    Every `FROM ... AS <name>`. Names compare case-insensitively, as BuildKit does.

    ## Compared with other tools
    hadolint DL3024, Trivy DS012, Checkov CKV_DOCKER_11 and Docker's build check
    DuplicateStageName (same meaning; hadolint compares case-sensitively).
    """

    code = "DL3024"
    name = "duplicate-stage-name"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3024", "AVD-DS-0012", "CKV_DOCKER_11", "BuildKit:DuplicateStageName")
    examples = [
        bad("FROM node:22 AS build\nFROM golang:1.22 AS build\n", at=(2, 21)),
        bad("FROM node:22 AS build\nFROM golang:1.22 AS Build\n", at=(2, 21)),
        ok("FROM node:22 AS web\nFROM golang:1.22 AS api\n"),
    ]

    def check(self, ctx):
        seen: set[str] = set()
        for stage in ctx.dockerfile.stages:
            if not stage.alias:
                continue
            key = stage.alias.lower()
            if key in seen:
                ctx.report(stage.from_.words()[-1].span, f"`FROM` aliases (stage names) must be unique: `{stage.alias}`")
            seen.add(key)
