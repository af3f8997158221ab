from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class MissingHealthcheck(Rule):
    """`HEALTHCHECK` instruction missing.

    ## What it does
    Flags a stage that has no `HEALTHCHECK` (not even `HEALTHCHECK NONE`) and does not inherit
    one from the stage it is built `FROM`.

    ## Why is this bad?
    Without a health check, Docker and Swarm only know whether the process runs, not whether
    it works: a hung server stays "up".

    ## Scope
    Every stage, with hadolint's inheritance rules: a stage built `FROM` a stage that has a
    `HEALTHCHECK` inherits it, and once a stage has one, the stages it is built on count as
    having one too. In addition, stages used only by `COPY --from` are never reported (their
    health check would not end up in any image). Off by default (hadolint's default severity
    is `ignore`): Kubernetes ignores `HEALTHCHECK` and uses its own probes. Selected, it
    reports at `info`.

    ## Compared with other tools
    hadolint DL3057 (same meaning). Trivy DS026 and Checkov CKV_DOCKER_2 ask for one
    `HEALTHCHECK` anywhere in the file rather than per image.
    """

    code = "DL3057"
    name = "missing-healthcheck"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = ("hadolint:DL3057",)
    examples = [
        bad("FROM debian:12\nCMD [\"serve\"]\n"),
        bad("FROM debian:12 AS base\nHEALTHCHECK CMD [\"check\"]\nFROM debian:12\n", count=1),
        ok("FROM debian:12 AS base\nHEALTHCHECK NONE\nFROM base\n"),
        ok("FROM golang:1.22 AS build\nFROM debian:12\nCOPY --from=build /app /app\nHEALTHCHECK CMD [\"/app\", \"check\"]\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        parent = {i.stage.index: i.parent for i in infos}
        names = {}
        for s in df.stages:
            names[str(s.index)] = s.index
            if s.alias:
                names.setdefault(s.alias.lower(), s.index)
        good: set[int] = set()
        copied: set[int] = set()
        for ins in df.instructions:
            if ins.stage < 0:
                continue
            if ins.keyword == "FROM":
                if parent.get(ins.stage) in good:
                    good.add(ins.stage)
            elif ins.keyword == "HEALTHCHECK":
                stage: int | None = ins.stage
                while stage is not None and stage not in good:
                    good.add(stage)
                    stage = parent.get(stage)
            elif ins.keyword == "COPY" and ins.flag("from") is not None:
                source = names.get((ins.flag("from").value or "").strip("\"'").lower())
                if source is not None and source < ins.stage:
                    copied.add(source)
        for stage in df.stages:
            if stage.index in good or stage.index in copied:
                continue
            word = next((w for w in stage.from_.words() if not w.value.startswith("--")), None)
            ctx.report(word.span if word else stage.from_.keyword_span, "`HEALTHCHECK` instruction missing.")
