import re

from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.patterns import lazy

_MOUNT_FROM = lazy(r"(?:(?<=^)|(?<=[,=\s\"']))from=([^,\s\"']+)", re.I)


class StageNameCasing(Rule):
    """Stage names should be lowercase.

    ## What it does
    Flags a stage name that is not all lower case: `FROM golang:1.22 AS Builder`.

    ## Why is this bad?
    BuildKit lower-cases stage names: `Builder`, `builder` and `BUILDER` are one stage, so the
    mixed-case spelling suggests a distinction that does not exist, and the same name ends up
    written several ways across `FROM`, `COPY --from` and `--target`.

    ## Scope
    Every stage. Instructions inside `ONBUILD` are not rewritten: their stage names belong to
    the build that triggers them.

    ## Fix safety
    Safe: the name is lower-cased where the stage is defined and wherever this Dockerfile
    refers to it (a later `FROM <stage>`, `COPY --from=<stage>`, `RUN --mount=...,from=<stage>`).
    BuildKit matches stage names case-insensitively, `docker build --target` included, so
    nothing changes meaning.

    ## Compared with other tools
    Docker build check `StageNameCasing` (same meaning). hadolint has no equivalent.
    """

    code = "DF101"
    name = "stage-name-casing"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:StageNameCasing",)
    examples = [
        bad(
            "FROM golang:1.22 AS Builder\nRUN go build -o /app .\nFROM scratch\nCOPY --from=Builder /app /app\n",
            fixed="FROM golang:1.22 AS builder\nRUN go build -o /app .\nFROM scratch\nCOPY --from=builder /app /app\n",
            at=(1, 21),
        ),
        bad(
            "FROM alpine AS Base\nFROM base AS test\nRUN --mount=type=cache,from=BASE,target=/c true\n",
            fixed="FROM alpine AS base\nFROM base AS test\nRUN --mount=type=cache,from=base,target=/c true\n",
            at=(1, 16),
        ),
        ok("FROM golang:1.22 AS builder\nFROM scratch\nCOPY --from=builder /app /app\n"),
        ok("FROM alpine\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        for stage in df.stages:
            alias = stage.alias
            if not alias or alias == alias.lower():
                continue
            words = stage.from_.words()
            if len(words) != 3:
                continue
            name_word = words[2]
            lower = alias.lower()
            edits = [Edit(name_word.span.start, name_word.span.end, lower)]
            edits += self._references(df, lower)
            ctx.report(
                name_word.span,
                f"Stage name '{alias}' should be lowercase",
                fix=make_fix(edits, Applicability.SAFE, f"rename the stage to `{lower}`"),
            )

    @staticmethod
    def _references(df, lower: str) -> list:
        text = df.source.text
        edits = []
        for ins in df.instructions:
            if ins.keyword == "FROM":
                words = ins.words()
                if words and words[0].value.lower() == lower and words[0].value != lower and words[0].text == words[0].value:
                    edits.append(Edit(words[0].span.start, words[0].span.end, lower))
            for flag in ins.flags:
                raw = text[flag.span.start : flag.span.end]
                if ins.keyword in ("COPY", "ADD") and flag.name == "from" and flag.value:
                    if flag.value.lower() == lower and flag.value != lower:
                        at = raw.find(flag.value, raw.find("=") + 1)
                        if at >= 0:
                            edits.append(Edit(flag.span.start + at, flag.span.start + at + len(flag.value), lower))
                elif ins.keyword == "RUN" and flag.name == "mount":
                    for m in _MOUNT_FROM.finditer(raw):
                        if m.group(1).lower() == lower and m.group(1) != lower:
                            edits.append(Edit(flag.span.start + m.start(1), flag.span.start + m.end(1), lower))
        return edits
