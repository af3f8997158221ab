from dockerlint.rulekit.labels import label_pairs, schema
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_CONFIG = {"label-schema": {"org.opencontainers.image.version": "semver"}, "strict-labels": True}


class SuperfluousLabel(Rule):
    """Superfluous label(s) present.

    ## What it does
    With `strict-labels = true`, flags every `LABEL` key that `label-schema` does not declare.

    ## Why is this bad?
    Teams that keep a label schema want every label in it: an undeclared label is a typo of
    a declared one or metadata nobody maintains.

    ## Scope
    Every top-level `LABEL`; inactive unless `strict-labels` is on.

    ## Compared with other tools
    hadolint DL3050 (same meaning; hadolint reports the instruction once).
    """

    code = "DL3050"
    name = "superfluous-label"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3050",)
    examples = [
        bad("FROM debian:12\nLABEL org.opencontainers.image.version=1.0.0 team=web\n", config=_CONFIG, at=(2, 46)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.version=1.0.0\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL team=web\n"),
    ]

    def check(self, ctx):
        if not ctx.settings.strict_labels:
            return
        known = schema(ctx.settings)
        for _ins, pair in label_pairs(ctx.dockerfile):
            if pair.key not in known:
                ctx.report(pair.key_span, f"Superfluous label(s) present: `{pair.key}` is not in the label schema")
