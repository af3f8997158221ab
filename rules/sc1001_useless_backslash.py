from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UselessBackslash(Rule):
    r"""
    ## What it does
    Finds a backslash in an unquoted word before a character it does not make special: `C:\tmp`,
    `\d`, `\-`.

    ## Why is this bad?
    Outside quotes the shell just drops the backslash: `mkdir C:\bin` makes `C:bin`. It is usually a
    Windows path or a regular expression that needed quotes.

    ShellCheck's SC1001, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC1001` inside the RUN and
    `# hadolint ignore=SC1001` above it silence it.

    ## Example
    ```dockerfile
    RUN grep -E \d+ file
    ```

    ## Use instead
    ```dockerfile
    RUN grep -E '\d+' file
    ```

    ## Fix safety
    No fix: quoting or doubling the backslash are both plausible intents.
    """

    code = "SC1001"
    name = "useless-backslash"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC1001", "ShellCheck:SC1001")
    examples = [
        ok("FROM alpine:3.22\nRUN grep -E '\\d+' file\n"),
        bad('FROM alpine:3.22\nRUN grep -E \\d+ file\n', at=(2, 13)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
