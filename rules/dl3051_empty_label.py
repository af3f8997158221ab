from dockerlint.rulekit.labels import has_variable, label_pairs, schema
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_CONFIG = {"label-schema": {"org.opencontainers.image.title": "text"}}


def labels_of_any_type(ctx):
    declared = schema(ctx.settings)
    if not declared:
        return
    for ins, pair in ctx.cached("label_pairs", lambda: list(label_pairs(ctx.dockerfile))):
        if pair.key in declared:
            yield ins, pair


class EmptyLabel(Rule):
    """Label `<label>` is empty.

    ## What it does
    Flags a label declared in `label-schema` (any type) whose value is empty.

    ## Why is this bad?
    An empty label is as good as a missing one, but it looks as if the requirement were met.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares, with any type; nothing is
    checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known at
    build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3051 (same meaning).
    """

    code = "DL3051"
    name = "empty-label"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3051",)
    examples = [
        bad('FROM debian:12\nLABEL org.opencontainers.image.title=""\n', config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.title=app other=\"\"\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        for _ins, pair in labels_of_any_type(ctx):
            if has_variable(pair):
                continue
            if pair.value == "":
                ctx.report(pair.span, f"Label `{pair.key}` is empty.")
