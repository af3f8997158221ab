from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class BashVariableInPosixSh(Rule):
    r"""
    ## What it does
    Finds bash's own variables (`$RANDOM`, `$UID`, `$HOSTNAME`, `$PIPESTATUS`...) in a script run by
    `/bin/sh`.

    ## Why is this bad?
    POSIX sh does not set them: under dash they are empty.

    ShellCheck's SC3028, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3028` inside the RUN and
    `# hadolint ignore=SC3028` above it silence it.

    ## Example
    ```dockerfile
    RUN echo "$RANDOM" > /seed
    ```

    ## Use instead
    ```dockerfile
    SHELL ["/bin/bash", "-c"]
    RUN echo "$RANDOM" > /seed
    ```

    ## Fix safety
    No fix.
    """

    code = "SC3028"
    name = "bash-variable-in-posix-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3028", "ShellCheck:SC3028")
    examples = [
        ok('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN echo "$RANDOM" > /seed\n'),
        bad('FROM debian:12\nRUN echo "$RANDOM" > /seed\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
