from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class PossibleMisspelling(Rule):
    r"""
    ## What it does
    Finds an all-uppercase variable the script never assigns whose name is one or two letters away
    from one that is assigned (or defined by ARG/ENV).

    ## Why is this bad?
    Uppercase names usually come from the environment, so an unassigned one is only suspicious when
    it looks like a typo of a known one: `$RTTP_PROXY` for `$HTTP_PROXY`.

    ShellCheck's SC2153, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2153` inside the RUN and
    `# hadolint ignore=SC2153` above it silence it.

    ## Example
    ```dockerfile
    ENV APP_HOME=/app
    RUN cd "$APP_HOMe"
    ```

    ## Use instead
    ```dockerfile
    ENV APP_HOME=/app
    RUN mkdir -p "$APP_HOME"
    ```

    ## Fix safety
    No fix: the intended name is a guess.
    """

    code = "SC2153"
    name = "possible-misspelling"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2153", "ShellCheck:SC2153")
    examples = [
        ok('FROM alpine:3.22\nENV APP_HOME=/app\nRUN mkdir -p "$APP_HOME"\n'),
        bad('FROM alpine:3.22\nENV APP_HOME=/app\nRUN cd "$APP_HOMX"\n', at=(3, 9)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
