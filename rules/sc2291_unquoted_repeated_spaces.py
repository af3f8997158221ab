from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UnquotedRepeatedSpaces(Rule):
    r"""
    ## What it does
    Finds `echo` arguments separated by four or more columns of unquoted blanks on one line.

    ## Why is this bad?
    The shell splits on the blanks and echo joins its arguments with one space, so the
    alignment is lost: `echo version:    1.2` prints `version: 1.2`. Quote the text to keep the
    spaces.

    Unlike ShellCheck as hadolint runs it, blanks that hold a line continuation (`echo a \`,
    then an indented `b`) are not reported: Docker joins the lines before the shell runs, so
    ShellCheck sees the indentation as repeated spaces, but it is layout nobody meant to print
    (every SC2291 ShellCheck reports on our Dockerfile corpus is of that kind, and
    `dockerlint format` changes that indentation).

    ShellCheck's SC2291, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2291` inside the RUN and
    `# hadolint ignore=SC2291` above it silence it.

    ## Example
    ```dockerfile
    RUN echo "version:"    "$(node -v)"
    ```

    ## Use instead
    ```dockerfile
    RUN echo "version:    $(node -v)"
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2291"
    name = "unquoted-repeated-spaces"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2291", "ShellCheck:SC2291")
    examples = [
        ok('FROM node:22\nRUN echo "version:    $(node -v)"\n'),
        ok('FROM node:22\nRUN echo "node:" \\\n        "$(node -v)"\n'),
        bad('FROM node:22\nRUN echo "version:"    "$(node -v)"\n', at=(2, 5), message='Quote repeated spaces'),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
