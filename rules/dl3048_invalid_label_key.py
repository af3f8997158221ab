
from dockerlint.rulekit.labels import label_pairs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_VALID = lazy(r"^[a-z](?:[a-z0-9._-]*[a-z0-9])?$")
_RESERVED = ("com.docker.", "io.docker.", "org.dockerproject.")


def key_problem(key: str) -> str | None:
    if key.startswith(_RESERVED):
        return "uses a namespace reserved by Docker"
    if not _VALID.match(key):
        return "must start with a lower-case letter, end with a letter or digit, and use only a-z, 0-9, `.`, `-` and `_`"
    if ".." in key or "--" in key:
        return "has consecutive separators"
    return None


class InvalidLabelKey(Rule):
    """Invalid label key.

    ## What it does
    Flags a `LABEL` key that breaks Docker's label-key guidelines: it must start with a
    lower-case letter and end with a lower-case letter or digit, contain only `a-z`, `0-9`,
    `.`, `-` (and `_`, which hadolint accepts), have no `..` or `--`, and not use the reserved
    `com.docker.`, `io.docker.` or `org.dockerproject.` namespaces.

    ## Why is this bad?
    Tools that read labels (registries, scanners, orchestrators) expect reverse-DNS,
    lower-case keys; keys in Docker's own namespaces may clash with Docker's labels.

    ## Scope
    Every top-level `LABEL`; each bad key is reported.

    ## Compared with other tools
    hadolint DL3048 (same meaning; hadolint reports the instruction once).
    """

    code = "DL3048"
    name = "invalid-label-key"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.STYLE
    aliases = ("hadolint:DL3048",)
    examples = [
        bad('FROM debian:12\nLABEL com.docker.label="foo"\n', at=(2, 7)),
        bad('FROM debian:12\nLABEL Maintainer="me" build_date_=2024 -x=1\n', count=3, at=[(2, 7), (2, 23), (2, 40)]),
        ok('FROM debian:12\nLABEL org.opencontainers.image.title="app" build_date=1\n'),
    ]

    def check(self, ctx):
        for _ins, pair in label_pairs(ctx.dockerfile):
            problem = key_problem(pair.key)
            if problem:
                ctx.report(pair.key_span, f"Invalid label key `{pair.key}`: {problem}")
