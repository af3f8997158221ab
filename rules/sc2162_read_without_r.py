from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class ReadWithoutR(Rule):
    r"""
    ## What it does
    Finds `read` without the `-r` flag (except `read -t 0`, which reads nothing).

    ## Why is this bad?
    Without `-r`, `read` takes backslashes as escapes: `C:\new` is read as `C:new`, and a line
    ending in `\` is joined with the next one. `read -r` keeps the line as it is.

    ShellCheck's SC2162, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2162` inside the RUN and
    `# hadolint ignore=SC2162` above it silence it.

    ## Example
    ```dockerfile
    RUN while read line; do echo "$line"; done < /tmp/list
    ```

    ## Use instead
    ```dockerfile
    RUN while read -r line; do echo "$line"; done < /tmp/list
    ```

    ## Fix safety
    No fix: a script may rely on the escapes being processed.
    """

    code = "SC2162"
    name = "read-without-r"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2162", "ShellCheck:SC2162")
    examples = [
        ok('FROM alpine:3.22\nRUN while read -r line; do echo "$line"; done < /tmp/list\n'),
        bad('FROM alpine:3.22\nRUN while read line; do echo "$line"; done < /tmp/list\n', at=(2, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
