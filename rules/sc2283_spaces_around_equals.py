from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class SpacesAroundEquals(Rule):
    r"""
    ## What it does
    Finds a command whose first argument starts with `=`: `VERSION = 1.2`, `VERSION =1.2`.

    ## Why is this bad?
    With blanks around `=` the shell does not assign: it runs a command named `VERSION` with the
    arguments `=` and `1.2` ("VERSION: not found"). Remove the blanks to assign, use `[ a = b ]`
    to compare, or quote the `=` when it is a literal argument. Like ShellCheck this also
    reports a literal first argument such as `chmod =2775 dir`; quote it (`chmod '=2775' dir`)
    or use `chmod 2775 dir`.

    ShellCheck's SC2283, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2283` inside the RUN and
    `# hadolint ignore=SC2283` above it silence it.

    ## Example
    ```dockerfile
    RUN VERSION = 1.2 && echo "$VERSION"
    ```

    ## Use instead
    ```dockerfile
    RUN VERSION=1.2 && echo "$VERSION"
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2283"
    name = "spaces-around-equals"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:SC2283", "ShellCheck:SC2283")
    examples = [
        ok('FROM alpine:3.22\nRUN VERSION=1.2 && [ "$VERSION" = 1.2 ]\n'),
        bad('FROM alpine:3.22\nRUN VERSION = 1.2 && echo "$VERSION"\n', at=(2, 13), message='Remove spaces around ='),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
