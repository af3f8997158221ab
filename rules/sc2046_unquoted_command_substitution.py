from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UnquotedCommandSubstitution(Rule):
    r"""
    ## What it does
    Finds `$(...)` and backtick substitutions left unquoted in command arguments.

    ## Why is this bad?
    The command's output is split on whitespace and glob-expanded before it becomes arguments: output
    with spaces or `*` turns into several or unexpected arguments.

    ShellCheck's SC2046, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2046` inside the RUN and
    `# hadolint ignore=SC2046` above it silence it.

    ## Example
    ```dockerfile
    RUN tar -C $(pwd) -xzf app.tgz
    ```

    ## Use instead
    ```dockerfile
    RUN tar -C "$(pwd)" -xzf app.tgz
    ```

    ## Fix safety
    Unsafe: `apt-get install $(cat packages.txt)` relies on the splitting; quoting it passes one
    argument.
    """

    code = "SC2046"
    name = "unquoted-command-substitution"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC2046", "ShellCheck:SC2046")
    examples = [
        ok('FROM alpine:3.22\nRUN DIR="$(pwd)" && echo "$(date)"\n'),
        bad('FROM alpine:3.22\nRUN chown $(id -u) /app\n', fixed='FROM alpine:3.22\nRUN chown "$(id -u)" /app\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
