from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import APK_VALUE_OPTS, expand_word, invocations, runs, shown, variables


def apk_version_pinned(package: str) -> bool:
    """`pkg=1.2-r0`, `pkg~1.2`, `pkg>=1.2`, `pkg<2`, or an `.apk` file."""
    return any(ch in package for ch in "=~<>") or package.endswith(".apk")


class ApkPin(Rule):
    """Pin versions in `apk add`.

    ## What it does
    Flags each package of an `apk add` that has no version constraint: `curl` instead of
    `curl=8.5.0-r0` (or `curl~8.5`, `curl>=8.5`). `.apk` files count as pinned; the name
    given to `--virtual`/`-t` and the value of `--repository`/`-X` are not packages.

    ## Why is this bad?
    Without a version the image gets whatever the repository serves on the day of the build,
    so two builds of the same Dockerfile differ and a new release can break the image.

    ## Scope
    Every stage, `sudo apk` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.
    Package words are read after `$VAR` expansion from `ARG` defaults and `ENV`.

    ## Compared with other tools
    hadolint DL3018, except that a package whose name cannot be known before the build (an
    `ARG` without default, a variable the script computes or sets twice, `$(...)`) is not reported; a
    variable the Dockerfile never sets expands to nothing.
    """

    code = "DL3018"
    name = "apk-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3018",)
    examples = [
        bad("FROM alpine:3.20\nRUN apk add --no-cache curl\n", at=(2, 24)),
        bad("FROM alpine:3.20\nRUN apk add --no-cache --virtual .build gcc=13.2.1-r0 musl-dev\n", count=1, at=(2, 55)),
        ok("FROM alpine:3.20\nRUN apk add --no-cache curl=8.5.0-r0 'git>=2.45' bash~5.2 ./local.apk\n"),
        ok("FROM alpine:3.20\nRUN apk add --no-cache -X https://dl-cdn.alpinelinux.org/alpine/edge/testing flow=0.78.0-r0\n"),
        ok("FROM alpine:3.20\nARG PACKAGES\nRUN apk add --no-cache $PACKAGES\n"),
        bad("FROM alpine:3.20\nRUN deps='curl git=2.45.2-r0' && apk add --no-cache $deps\n", count=1, at=(2, 53)),
        ok("FROM alpine:3.20\nRUN for p in curl git; do apk add --no-cache $p; done\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            vars_ = None
            for inv in invocations(run, ("apk",), APK_VALUE_OPTS):
                if inv.verb != "add":
                    continue
                for word in inv.words[1:]:
                    if vars_ is None:
                        vars_ = variables(ctx, run)
                    values = expand_word(word, vars_, inv.script)
                    for package in values or ():
                        if package and not apk_version_pinned(package):
                            ctx.report(
                                inv.script.word_span(word),
                                "Pin versions in apk add. Instead of `apk add <package>` use "
                                f"`apk add <package>=<version>`: {shown(package, word)}",
                            )
