from dockerlint.rulekit.analysis import is_root_user, last_user
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class LastUserRoot(Rule):
    """Last USER should not be root.

    ## What it does
    Flags a stage whose last `USER` instruction switches to `root` (or UID 0, with or without
    a group).

    ## Why is this bad?
    A container whose process runs as root turns any escape from the application into root
    on the container, and often a step towards the host.

    ## Scope
    Every stage, exactly as hadolint's DL3002 (so `.hadolint.yaml` and pragmas written for
    hadolint mean the same here): a builder stage that ends as root is reported too, although
    it never ships. **Do better with DF001**, which looks only at the final image, follows
    `FROM <stage>` inheritance, and also catches a final image that never sets `USER` at all.

    ## Compared with other tools
    hadolint DL3002 (same meaning), Checkov CKV_DOCKER_8, Trivy DS002 (final stage only).
    """

    code = "DL3002"
    name = "last-user-root"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3002", "CKV_DOCKER_8")
    security = True
    examples = [
        ok("FROM debian:12\nUSER 0\nRUN useradd --uid 10001 app\nUSER 10001\n"),  # shown as "Use instead": lints clean
        bad("FROM debian:12\nUSER root\n", at=(2, 1)),
        bad("FROM debian:12\nUSER 0:0\n", at=(2, 1)),
        bad("FROM debian:12 AS base\nUSER root\nFROM scratch\nUSER app\n", at=(2, 1)),
        ok("FROM debian:12\nUSER root\nRUN apt-get update\nUSER app\n"),
        ok("FROM debian:12\nUSER app\n"),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            user = last_user(stage)
            if user is not None and is_root_user(user):
                ctx.report(user.span, "Last USER should not be root")
