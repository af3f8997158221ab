from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class SubstringInPosixSh(Rule):
    r"""
    ## What it does
    Finds `${var:offset:length}` string indexing in a script run by `/bin/sh`.

    ## Why is this bad?
    Substring expansion is a bash/ksh feature; dash fails with "Bad substitution".

    ShellCheck's SC3057, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3057` inside the RUN and
    `# hadolint ignore=SC3057` above it silence it.

    ## Example
    ```dockerfile
    RUN V="${VERSION:0:3}" && echo "$V"
    ```

    ## Use instead
    ```dockerfile
    RUN V="$(echo "$VERSION" | cut -c1-3)" && echo "$V"
    ```

    ## Fix safety
    No fix.
    """

    code = "SC3057"
    name = "substring-in-posix-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3057", "ShellCheck:SC3057")
    examples = [
        ok('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN V="${VERSION:0:3}" && echo "$V"\n'),
        bad('FROM debian:12\nRUN V="${VERSION:0:3}" && echo "$V"\n', at=(2, 8)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
