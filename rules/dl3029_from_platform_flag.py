from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class FromPlatformFlag(Rule):
    """Do not use --platform flag with FROM.

    ## What it does
    Flags `FROM --platform=<value>` unless the value uses `BUILDPLATFORM` or
    `TARGETPLATFORM` (`FROM --platform=$BUILDPLATFORM golang AS build` is the usual
    cross-compilation idiom and is fine).

    ## Why is this bad?
    A fixed platform pins the stage to one architecture: the image can no longer be built for
    several platforms, and on another host it runs under emulation or not at all.

    ## Scope
    Every `FROM`.

    ## Compared with other tools
    hadolint DL3029 (same meaning). Docker's build check FromPlatformFlagConstDisallowed is
    related but not the same: it accepts any variable (`--platform=$MYPLATFORM`) and a
    constant platform in a stage whose name mentions that platform's OS or architecture.
    """

    code = "DL3029"
    name = "from-platform-flag"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3029",)
    examples = [
        bad("FROM --platform=linux/amd64 debian:12\n", at=(1, 6)),
        ok("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\nFROM debian:12\n"),
        ok('FROM --platform="${TARGETPLATFORM:-linux/amd64}" debian:12\n'),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            flag = stage.from_.flag("platform")
            if flag is None:
                continue
            value = flag.value or ""
            if not value.strip("\"'") or "BUILDPLATFORM" in value or "TARGETPLATFORM" in value:
                continue
            ctx.report(flag.span, f"Do not use --platform flag with FROM: `{flag.value}`")
