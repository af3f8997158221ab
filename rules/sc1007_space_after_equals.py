from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class SpaceAfterEquals(Rule):
    r"""
    ## What it does
    Finds `name= value`: an assignment followed by a blank and more words.

    ## Why is this bad?
    The blank ends the assignment: `ARCH= amd64` runs the command `amd64` with `ARCH` set to
    the empty string, which is rarely what was meant. To assign a value, remove the blank; to
    set a variable to the empty string for one command, write `name='' command`. `IFS= read`,
    the usual idiom, is not reported, nor `name=` at the end of a command (`ARCH= && ...`).

    ShellCheck's SC1007, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC1007` inside the RUN and
    `# hadolint ignore=SC1007` above it silence it.

    ## Example
    ```dockerfile
    RUN VERSION= 1.2 && echo "$VERSION"
    ```

    ## Use instead
    ```dockerfile
    RUN VERSION=1.2 && echo "$VERSION"
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC1007"
    name = "space-after-equals"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC1007", "ShellCheck:SC1007")
    examples = [
        ok('FROM alpine:3.22\nRUN VERSION=1.2 && echo "$VERSION"\n'),
        ok('FROM alpine:3.22\nRUN IFS= read -r line < /etc/hostname && ARCH= && echo "$line$ARCH"\n'),
        bad('FROM alpine:3.22\nRUN VERSION= 1.2 && echo "$VERSION"\n', at=(2, 13), message='Remove space after ='),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
