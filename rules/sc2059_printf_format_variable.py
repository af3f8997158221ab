from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class PrintfFormatVariable(Rule):
    r"""
    ## What it does
    Finds `printf` whose format string holds a variable or command substitution and no `%`.

    ## Why is this bad?
    printf interprets its first argument: a `%` or a backslash in the variable's value becomes
    a format directive or an escape (`printf "$MSG"` with `MSG='100%'` fails). Pass the value as
    an argument of a fixed format instead. A format with its own `%` directives is not reported.

    ShellCheck's SC2059, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2059` inside the RUN and
    `# hadolint ignore=SC2059` above it silence it.

    ## Example
    ```dockerfile
    RUN printf "Building for ${TARGETPLATFORM}\n"
    ```

    ## Use instead
    ```dockerfile
    RUN printf 'Building for %s\n' "${TARGETPLATFORM}"
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2059"
    name = "printf-format-variable"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2059", "ShellCheck:SC2059")
    examples = [
        ok('FROM alpine:3.22\nARG TARGETPLATFORM\nRUN printf \'Building for %s\\n\' "$TARGETPLATFORM"\n'),
        bad('FROM alpine:3.22\nARG TARGETPLATFORM\nRUN printf "Building for $TARGETPLATFORM"\n', at=(3, 12), message="Don't use variables in the printf format"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
