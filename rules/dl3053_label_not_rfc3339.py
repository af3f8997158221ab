from datetime import datetime

from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CONFIG = {"label-schema": {"org.opencontainers.image.created": "rfc3339"}}

_RFC3339 = lazy(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|[+-](\d{2}):(\d{2}))$"
)


def is_rfc3339(value: str) -> bool:
    m = _RFC3339.match(value)
    if not m:
        return False
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    try:
        datetime(year, month, day, hour, minute, min(second, 59))  # 60: a leap second
    except ValueError:
        return False
    offset_h, offset_m = m.group(7), m.group(8)
    return second <= 60 and (offset_h is None or (int(offset_h) < 24 and int(offset_m) < 60))


class LabelNotRfc3339(Rule):
    """Label `<label>` is not a valid time format - must conform to RFC3339.

    ## What it does
    Flags a label of type `rfc3339` in `label-schema` whose value is not an RFC 3339
    timestamp such as `2024-05-01T12:00:00Z`.

    ## Why is this bad?
    `org.opencontainers.image.created` and similar labels are parsed by tools; another date
    format is unreadable to them.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `rfc3339`; nothing
    is checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known
    at build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3053 (same meaning).
    """

    code = "DL3053"
    name = "label-not-rfc3339"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3053",)
    examples = [
        bad('FROM debian:12\nLABEL org.opencontainers.image.created="2024-05-01 12:00"\n', config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.created=2024-05-01T12:00:00.5+02:00\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "rfc3339", is_rfc3339, "is not a valid time format - must conform to RFC3339")
