
from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CONFIG = {"label-schema": {"maintainer": "email"}}

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_QUOTED = r'"(?:[^"\\\r\n]|\\.)*"'
_DOMAIN_LITERAL = r"\[[^\[\]\\\s]*\]"
_EMAIL = lazy(rf"^(?:{_DOT_ATOM}|{_QUOTED})@(?:{_DOT_ATOM}|{_DOMAIN_LITERAL})$")


def is_email(value: str) -> bool:
    """An RFC 5322 addr-spec (`local@domain`), without comments or folding whitespace."""
    return bool(_EMAIL.match(value))


class LabelNotEmail(Rule):
    """Label `<label>` is not a valid email format - must conform to RFC5322.

    ## What it does
    Flags a label of type `email` in `label-schema` whose value is not an RFC 5322 address
    (`local@domain`; no display name).

    ## Why is this bad?
    Tools that contact an image's maintainers need an address they can use.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `email`; nothing is
    checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known at
    build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3058 (same meaning).
    """

    code = "DL3058"
    name = "label-not-email"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3058",)
    examples = [
        bad('FROM debian:12\nLABEL maintainer="Jane Doe"\n', config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL maintainer=jane.doe+docker@example.com\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "email", is_email, "is not a valid email format - must conform to RFC5322")
