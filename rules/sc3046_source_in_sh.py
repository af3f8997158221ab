from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class SourceInPosixSh(Rule):
    r"""
    ## What it does
    Finds `source file` in a script run by `/bin/sh`.

    ## Why is this bad?
    `source` is a bash spelling; POSIX sh (dash) only has `.`: `/bin/sh: source: not found`.

    ShellCheck's SC3046, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3046` inside the RUN and
    `# hadolint ignore=SC3046` above it silence it.

    ## Example
    ```dockerfile
    RUN source /opt/venv/bin/activate && pip install .
    ```

    ## Use instead
    ```dockerfile
    RUN . /opt/venv/bin/activate && pip install .
    ```

    ## Fix safety
    No fix.
    """

    code = "SC3046"
    name = "source-in-posix-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3046", "ShellCheck:SC3046")
    examples = [
        ok('FROM debian:12\nRUN . /opt/venv/bin/activate\n'),
        bad('FROM debian:12\nRUN source /opt/venv/bin/activate\n', at=(2, 5)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
