from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class EchoEscapes(Rule):
    r"""
    ## What it does
    Finds `echo` arguments with backslash escapes (`\n`, `\t`...) and no `-e`.

    ## Why is this bad?
    Whether `echo` expands escapes depends on the shell: dash's does, bash's does not. `printf`
    behaves the same everywhere.

    ShellCheck's SC2028, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2028` inside the RUN and
    `# hadolint ignore=SC2028` above it silence it.

    ## Example
    ```dockerfile
    RUN echo "a\nb" > /etc/list
    ```

    ## Use instead
    ```dockerfile
    RUN printf 'a\nb\n' > /etc/list
    ```

    ## Fix safety
    No fix: `printf` takes a format, so the rewrite depends on the text.
    """

    code = "SC2028"
    name = "echo-escapes"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2028", "ShellCheck:SC2028")
    examples = [
        ok("FROM alpine:3.22\nRUN printf 'a\\nb\\n' > /etc/list\n"),
        bad('FROM alpine:3.22\nRUN echo "a\\nb" > /etc/list\n', at=(2, 10)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
