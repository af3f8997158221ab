from dockerlint.rulekit.analysis import stage_infos
from dockerlint.rulekit.keyvalues import pairs
from dockerlint.rulekit.labels import schema
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_CONFIG = {"label-schema": {"org.opencontainers.image.source": "url"}}


def _ancestors(stage: int, parent: dict[int, int | None]) -> list[int]:
    out: list[int] = []
    current = parent.get(stage)
    while current is not None and current not in out:
        out.append(current)
        current = parent.get(current)
    return out


class MissingLabel(Rule):
    """Label `<label>` is missing.

    ## What it does
    For every label that `label-schema` declares, flags each stage that neither sets it nor
    inherits it from the stage it is built `FROM`.

    ## Why is this bad?
    Teams declare the labels every image must carry (source, version, owner) so that
    registries and scanners can rely on them; an image without them is anonymous.

    ## Scope
    Every stage, except the stages that only feed another one: a stage that an image built
    `FROM` it, or a `COPY --from` in another stage, relies on is not reported, because its
    labels do not end up anywhere on their own. Nothing is checked without a schema.

    ## Compared with other tools
    hadolint DL3049 (same meaning). hadolint excuses only the direct parent of a labelled
    stage, and only when that stage has no name of its own; dockerlint excuses the whole chain
    of stages a labelled image or a `COPY --from` builds on.
    """

    code = "DL3049"
    name = "missing-label"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3049",)
    examples = [
        bad("FROM debian:12\n", config=_CONFIG, at=(1, 6)),
        bad("FROM golang:1.22 AS build\nFROM debian:12\n", config=_CONFIG, count=2, at=[(1, 6), (2, 6)]),
        ok(
            "FROM golang:1.22 AS build\nFROM debian:12\n"
            "LABEL org.opencontainers.image.source=https://github.com/acme/app\nCOPY --from=build /app /app\n",
            config=_CONFIG,
        ),
        ok(
            "FROM debian:12 AS base\nLABEL org.opencontainers.image.source=https://github.com/acme/app\nFROM base\n",
            config=_CONFIG,
        ),
        ok("FROM debian:12\n"),
    ]

    def check(self, ctx):
        required = sorted(schema(ctx.settings))
        if not required:
            return
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        parent = {i.stage.index: i.parent for i in infos}
        names = {}
        for s in df.stages:
            names[str(s.index)] = s.index
            if s.alias:
                names.setdefault(s.alias.lower(), s.index)
        labelled: dict[int, set[str]] = {s.index: set() for s in df.stages}
        feeds: set[int] = set()  # stages another stage builds on or copies from
        for ins in df.instructions:
            if ins.stage < 0:
                continue
            if ins.keyword == "LABEL":
                labelled[ins.stage].update(p.key for p in pairs(ins))
            elif ins.keyword == "COPY" and ins.flag("from") is not None:
                source = names.get((ins.flag("from").value or "").strip("\"'").lower())
                if source is not None and source < ins.stage:
                    feeds.add(source)
                    feeds.update(_ancestors(source, parent))
        for label in required:
            has: dict[int, bool] = {}
            excused: set[int] = set(feeds)
            for stage in df.stages:
                p = parent.get(stage.index)
                has[stage.index] = label in labelled[stage.index] or (p is not None and has.get(p, False))
                if label in labelled[stage.index]:
                    excused.update(_ancestors(stage.index, parent))
            for stage in df.stages:
                if has[stage.index] or stage.index in excused:
                    continue
                word = next((w for w in stage.from_.words() if not w.value.startswith("--")), None)
                ctx.report(word.span if word else stage.from_.keyword_span, f"Label `{label}` is missing.")
