from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class LoopRunsOnce(Rule):
    r"""
    ## What it does
    Finds a `for` loop over a single word that cannot expand to several: `for t in module-perl`.

    ## Why is this bad?
    The loop body runs exactly once, so either a list, a glob or an expansion is missing (a
    typo, lost quoting, a variable never substituted) or the loop is not needed. A single
    quoted string is ShellCheck's SC2041, a double-quoted expansion SC2066 and a word with
    commas SC2042 (other checks, not this one); `for x in $LIST`, `for f in *.conf` and
    `for i in {1..3}` can yield several words and are not reported.

    ShellCheck's SC2043, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2043` inside the RUN and
    `# hadolint ignore=SC2043` above it silence it.

    ## Example
    ```dockerfile
    RUN for target in module-perl; do make "$target"; done
    ```

    ## Use instead
    ```dockerfile
    RUN for target in module-perl module-njs; do make "$target"; done
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2043"
    name = "loop-runs-once"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC2043", "ShellCheck:SC2043")
    examples = [
        ok('FROM debian:12\nRUN for target in module-perl module-njs; do make "$target"; done\n'),
        ok('FROM debian:12\nARG MODULES\nRUN for target in $MODULES; do make "$target"; done\n'),
        bad('FROM debian:12\nRUN for target in module-perl; do make "$target"; done\n', at=(2, 19), message='only ever run once'),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
