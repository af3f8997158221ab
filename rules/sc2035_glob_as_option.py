from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class GlobAsOption(Rule):
    r"""
    ## What it does
    Finds an argument that starts with a glob, `*` or `?` (`rm *.log`, `tar czf a.tgz *`), before
    any `--`, in a command other than `echo` and `printf`.

    ## Why is this bad?
    The glob expands to file names, and a file named `-rf` or `--help` becomes an option of the
    command. `./*.log` (or `-- *.log`) keeps every name an operand.

    ShellCheck's SC2035, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2035` inside the RUN and
    `# hadolint ignore=SC2035` above it silence it.

    ## Example
    ```dockerfile
    RUN chmod +x *.sh
    ```

    ## Use instead
    ```dockerfile
    RUN chmod +x ./*.sh
    ```

    ## Fix safety
    No fix: the finding is on where the files come from, which the author knows.
    """

    code = "SC2035"
    name = "glob-as-option"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2035", "ShellCheck:SC2035")
    examples = [
        ok("FROM alpine:3.22\nRUN chmod +x ./*.sh && rm -- *.tmp && echo *\n"),
        bad("FROM alpine:3.22\nRUN chmod +x *.sh\n", at=(2, 14), message="./*glob*"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
