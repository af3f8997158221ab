
from dockerlint.rulekit.labels import report_invalid
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_CONFIG = {"label-schema": {"org.opencontainers.image.revision": "hash"}}

_HASH = lazy(r"^(?:[0-9a-f]{7}|[0-9a-f]{40})$")


def is_git_hash(value: str) -> bool:
    return bool(_HASH.match(value))


class LabelNotGitHash(Rule):
    """Label `<label>` is not a valid git hash.

    ## What it does
    Flags a label of type `hash` in `label-schema` whose value is not a git commit hash: 7
    (short) or 40 lower-case hexadecimal characters.

    ## Why is this bad?
    `org.opencontainers.image.revision` ties the image to its source; a value that is not a
    commit hash cannot be looked up.

    ## Scope
    Every top-level `LABEL` whose name `label-schema` declares with type `hash`; nothing is
    checked without a schema. Values that use a variable (`$BUILD_DATE`) are only known at
    build time and are not checked (hadolint checks the literal text and so flags them).

    ## Compared with other tools
    hadolint DL3055 (same meaning).
    """

    code = "DL3055"
    name = "label-not-git-hash"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3055",)
    examples = [
        bad("FROM debian:12\nLABEL org.opencontainers.image.revision=main\n", config=_CONFIG, at=(2, 7)),
        ok("FROM debian:12\nLABEL org.opencontainers.image.revision=43c572f1272b6b3171dd1db9e41b7027128ce080\n", config=_CONFIG),
        ok("FROM debian:12\nLABEL other=1\n", config=_CONFIG),
    ]

    def check(self, ctx):
        report_invalid(ctx, "hash", is_git_hash, "is not a valid git hash")
