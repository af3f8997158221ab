from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.spdx import is_spdx_expression

_CONFIG = {"label-schema": {"org.opencontainers.image.licenses": "spdx"}}


class LabelNotSpdx(Rule):
    """Label `<label>` is not a valid SPDX license identifier.

    ## What it does
    Flags a label of type `spdx` in `label-schema` whose value is not an SPDX license
    identifier (`MIT`, `Apache-2.0`) or SPDX license expression (`MIT OR Apache-2.0`).

    ## Why is this bad?
    License scanners read `org.opencontainers.image.licenses`; a free-form value (`Apache
    2`) cannot be matched to a license.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `spdx`; nothing is
    checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known at
    build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3054 (same meaning).
    """

    code = "DL3054"
    name = "label-not-spdx"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3054",)
    examples = [
        bad('FROM debian:12\nLABEL org.opencontainers.image.licenses="Apache 2"\n', config=_CONFIG, at=(2, 7)),
        ok('FROM debian:12\nLABEL org.opencontainers.image.licenses="(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0"\n', config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "spdx", is_spdx_expression, "is not a valid SPDX identifier")
