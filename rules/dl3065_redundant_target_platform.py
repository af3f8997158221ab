from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_REDUNDANT = ("$TARGETPLATFORM", "${TARGETPLATFORM}")


class RedundantTargetPlatform(Rule):
    """Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant.

    ## What it does
    Flags `FROM --platform=$TARGETPLATFORM` (or `${TARGETPLATFORM}`).

    ## Why is this bad?
    Stages are built for the target platform anyway: the flag adds noise and suggests to
    readers that something special happens.

    ## Scope
    Every `FROM`.

    ## Compared with other tools
    hadolint DL3065 and Docker's build check RedundantTargetPlatform (same meaning).
    """

    code = "DL3065"
    name = "redundant-target-platform"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3065", "BuildKit:RedundantTargetPlatform")
    examples = [
        bad("FROM --platform=$TARGETPLATFORM alpine:3.20\n", at=(1, 6)),
        bad('FROM --platform="${TARGETPLATFORM}" alpine:3.20\n', at=(1, 6)),
        ok("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM alpine:3.20\n"),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            flag = stage.from_.flag("platform")
            if flag is not None and (flag.value or "").strip("\"'") in _REDUNDANT:
                ctx.report(
                    flag.span,
                    "Setting `FROM --platform` to predefined `$TARGETPLATFORM` is redundant as this is the default behavior",
                )
