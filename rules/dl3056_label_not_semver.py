
from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CONFIG = {"label-schema": {"org.opencontainers.image.version": "semver"}}

# semver.org's regular expression for a version.
_SEMVER = lazy(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


def is_semver(value: str) -> bool:
    return bool(_SEMVER.match(value))


class LabelNotSemver(Rule):
    """Label `<label>` does not conform to semantic versioning.

    ## What it does
    Flags a label of type `semver` in `label-schema` whose value is not a semantic version
    (`1.4.2`, `2.0.0-rc.1+build.5`; no `v` prefix).

    ## Why is this bad?
    Tools sort and compare `org.opencontainers.image.version`; values that are not semantic
    versions break that.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `semver`; nothing
    is checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known
    at build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3056 (same meaning).
    """

    code = "DL3056"
    name = "label-not-semver"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3056",)
    examples = [
        bad("FROM debian:12\nLABEL org.opencontainers.image.version=v1.2\n", config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.version=2.0.1-rc1\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "semver", is_semver, "does not conform to semantic versioning")
