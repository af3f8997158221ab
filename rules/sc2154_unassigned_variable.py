from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UnassignedVariable(Rule):
    r"""
    ## What it does
    Finds a variable with a lowercase letter in its name that the RUN script uses but never assigns,
    and that no ARG or ENV before it defines. Reported once per variable.

    ## Why is this bad?
    It expands to nothing: usually a typo, a variable set in another RUN (each RUN is a new shell),
    or an ARG declared before FROM and not again inside the stage.

    ShellCheck's SC2154, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2154` inside the RUN and
    `# hadolint ignore=SC2154` above it silence it.

    ## Example
    ```dockerfile
    ARG version=1.0
    FROM alpine
    RUN wget https://example.com/app-$version.tgz
    ```

    ## Use instead
    ```dockerfile
    FROM alpine
    ARG version=1.0
    RUN wget https://example.com/app-"$version".tgz
    ```

    ## Fix safety
    No fix.
    """

    code = "SC2154"
    name = "unassigned-variable"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC2154", "ShellCheck:SC2154")
    examples = [
        ok('FROM alpine:3.22\nARG version=1\nRUN echo "$version" "${other:-x}"\n'),
        bad('ARG version=1\nFROM alpine:3.22\nRUN echo "$version"\n', at=(3, 11)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
