from dockerlint.rulekit.insecure import commands
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_APT_VALUE_OPTS = {"-o", "-c", "-t", "--option", "--config-file", "--target-release", "--default-release"}


class AptGetDistUpgrade(Rule):
    """`apt-get dist-upgrade` should not be used in a Dockerfile.

    ## What it does
    Flags `apt-get dist-upgrade` and `apt full-upgrade` / `apt-get full-upgrade` (the same
    operation under its newer name).

    ## Why is this bad?
    `dist-upgrade` may install new packages and remove others to resolve changed
    dependencies, which can move the image across a distribution point release in an
    unplanned way and makes the result depend on the day of the build. To pick up security
    fixes, `apt-get upgrade` (which never removes packages) or a newer base image tag are the
    predictable choices.

    ## Scope
    Every stage, `RUN` inside `ONBUILD` included; only POSIX-shell `RUN`s are read. Plain
    `apt-get upgrade` is fine (hadolint dropped DL3005 for the same reason).

    ## Compared with other tools
    Trivy DS024 (AVD-DS-0024, deprecated there; its pattern needs another word between
    `apt-get` and `dist-upgrade`, so it misses the plain form). hadolint DL3035 is the same check
    for `zypper dist-upgrade`.
    """

    code = "DF206"
    name = "apt-get-dist-upgrade"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("AVD-DS-0024",)
    examples = [
        bad("FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y\n", at=(2, 31)),
        bad("FROM ubuntu:24.04\nRUN apt -y full-upgrade\n", at=(2, 12)),
        ok("FROM debian:12\nRUN apt-get update && apt-get upgrade -y && rm -rf /var/lib/apt/lists/*\n"),
    ]

    def check(self, ctx):
        for rs, cmd in commands(ctx):
            if cmd.basename not in ("apt-get", "apt", "aptitude"):
                continue
            args = cmd.positional(_APT_VALUE_OPTS)
            if args and args[0].value in ("dist-upgrade", "full-upgrade"):
                ctx.report(rs.word_span(args[0]), f"'{cmd.basename} {args[0].value}' should not be used in a Dockerfile: it can add and remove packages; use `apt-get upgrade` or a newer base image")
