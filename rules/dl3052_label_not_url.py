
from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CONFIG = {"label-schema": {"org.opencontainers.image.source": "url"}}

_URI = lazy(
    r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=\[\]]|%[0-9A-Fa-f]{2})*"
    r"(?:#(?:[A-Za-z0-9\-._~:/?@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)?$"
)


def is_url(value: str) -> bool:
    return bool(_URI.match(value))


class LabelNotUrl(Rule):
    """Label `<label>` is not a valid URL.

    ## What it does
    Flags a label of type `url` in `label-schema` whose value is not an absolute URI (RFC
    3986: a scheme such as `https:` followed by valid URI characters).

    ## Why is this bad?
    Tools follow these labels (source repository, documentation); a malformed URL is a dead
    link.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `url`; nothing is
    checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known at
    build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3052 (same meaning).
    """

    code = "DL3052"
    name = "label-not-url"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3052",)
    examples = [
        bad("FROM debian:12\nLABEL org.opencontainers.image.source=github.com/acme/app\n", config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.source=https://github.com/acme/app\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "url", is_url, "is not a valid URL")
