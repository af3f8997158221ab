from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class LegacyBackticks(Rule):
    r"""
    ## What it does
    Finds command substitutions written with backticks: `` `cmd` ``.

    ## Why is this bad?
    Backticks do not nest without escaping and treat backslashes specially inside; `$(...)` nests
    and reads plainly.

    ShellCheck's SC2006, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2006` inside the RUN and
    `# hadolint ignore=SC2006` above it silence it.

    ## Example
    ```dockerfile
    RUN export GOPATH=`pwd`
    ```

    ## Use instead
    ```dockerfile
    RUN export GOPATH="$(pwd)"
    ```

    ## Fix safety
    Safe when the substitution holds no backslash or backtick (then it means the same); otherwise
    no fix is offered.
    """

    code = "SC2006"
    name = "legacy-backticks"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.STYLE
    aliases = ("hadolint:SC2006", "ShellCheck:SC2006")
    examples = [
        ok('FROM alpine:3.22\nRUN echo "$(date)"\n'),
        bad('FROM alpine:3.22\nRUN echo "`date`"\n', fixed='FROM alpine:3.22\nRUN echo "$(date)"\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
