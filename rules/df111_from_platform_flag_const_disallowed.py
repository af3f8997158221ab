from dockerlint.rulekit.buildkit import LexError, parse_platform, process_word
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class FromPlatformFlagConstDisallowed(Rule):
    """`FROM --platform` should not use a constant value.

    ## What it does
    Flags `FROM --platform=<constant>` (`--platform=linux/amd64`), unless the stage name says
    which platform the stage is for (`AS build-amd64`, `AS base_linux`). Values built from
    variables (`$BUILDPLATFORM`, `${TARGETOS}/${TARGETARCH}`) are fine.

    ## Why is this bad?
    A constant platform pins the stage to one architecture: a multi-platform build
    (`--platform linux/amd64,linux/arm64`) silently produces amd64 binaries in the arm64 image,
    and on another host the stage runs under emulation. Use `--platform=$BUILDPLATFORM` for
    cross-compiling stages, or no flag at all.

    ## Scope
    Every `FROM`.

    ## Compared with other tools
    Docker build check `FromPlatformFlagConstDisallowed` (same meaning). hadolint DL3029 flags
    every `--platform` whose value does not mention `BUILDPLATFORM` or `TARGETPLATFORM`, also
    variable values such as `$TARGETOS/$TARGETARCH` and platform-named stages, which this rule
    accepts.
    Where DL3029 reports the same place too (both selected), one finding is shown: DL3029's,
    with DF111 and its aliases among the finding's aliases.
    """

    code = "DF111"
    name = "from-platform-flag-const-disallowed"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:FromPlatformFlagConstDisallowed",)
    same_finding_as = "DL3029"  # one finding where both report: theirs, with this code as an alias
    examples = [
        bad("FROM --platform=linux/amd64 alpine:3.20 AS base\n", at=(1, 6)),
        bad("FROM --platform=linux/arm64 alpine:3.20\n", at=(1, 6)),
        ok("FROM --platform=$BUILDPLATFORM golang:1.22 AS build\n"),
        ok("FROM --platform=linux/amd64 alpine:3.20 AS build_amd64\n"),
        ok("FROM --platform=${TARGETOS}/${TARGETARCH} alpine:3.20\n"),
        ok("FROM alpine:3.20\n"),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            flag = stage.from_.flag("platform")
            if flag is None or not flag.value:
                continue
            try:
                value, refs = process_word(flag.value, {}, stage.from_.escape)
            except LexError:
                continue
            if refs:
                continue
            platform = parse_platform(value)
            if platform is None:
                continue
            name = (stage.alias or "").lower()
            os_name, arch = platform
            if name and (os_name in name or arch in name):
                continue
            ctx.report(flag.span, f'FROM --platform flag should not use constant value "{value}"')
