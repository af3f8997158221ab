from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class LiteralEscape(Rule):
    r"""
    ## What it does
    Finds `\t`, `\n` or `\r` in an unquoted word.

    ## Why is this bad?
    Outside quotes the shell drops the backslash and keeps the letter: `\t` is a `t`, not a tab.

    ShellCheck's SC1012, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC1012` inside the RUN and
    `# hadolint ignore=SC1012` above it silence it.

    ## Example
    ```dockerfile
    RUN sed s/\t/,/g in > out
    ```

    ## Use instead
    ```dockerfile
    RUN sed 's/\t/,/g' in > out
    ```

    ## Fix safety
    No fix.
    """

    code = "SC1012"
    name = "literal-escape"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC1012", "ShellCheck:SC1012")
    examples = [
        ok("FROM alpine:3.22\nRUN sed 's/\\t/,/g' in > out\n"),
        bad('FROM alpine:3.22\nRUN sed s/\\t/,/g in > out\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
