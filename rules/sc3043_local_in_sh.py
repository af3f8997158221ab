from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class LocalInPosixSh(Rule):
    r"""
    ## What it does
    Finds `local` in a script run by `/bin/sh` (Docker's default shell).

    ## Why is this bad?
    POSIX sh has no `local`. dash and busybox ash accept it, but other `/bin/sh` implementations do
    not; set `SHELL ["/bin/bash", "-c"]` when the script needs bash.

    ShellCheck's SC3043, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3043` inside the RUN and
    `# hadolint ignore=SC3043` above it silence it.

    ## Example
    ```dockerfile
    RUN f() { local x="$1"; echo "$x"; }; f a
    ```

    ## Use instead
    ```dockerfile
    SHELL ["/bin/bash", "-c"]
    RUN f() { local x="$1"; echo "$x"; }; f a
    ```

    ## Fix safety
    No fix.
    """

    code = "SC3043"
    name = "local-in-posix-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3043", "ShellCheck:SC3043")
    examples = [
        ok('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN f() { local x="$1"; echo "$x"; }; f a\n'),
        bad('FROM debian:12\nRUN f() { local x="$1"; echo "$x"; }; f a\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
