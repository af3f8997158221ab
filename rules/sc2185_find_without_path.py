from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class FindWithoutPath(Rule):
    r"""
    ## What it does
    Finds `find` called without a starting path: `find -name '*.a' -delete`.

    ## Why is this bad?
    GNU find searches the current directory when no path is given, but BSD and busybox find
    require one, and what `find -delete` deletes then depends on the `WORKDIR` the RUN happens
    to have. Name the directory, even if it is `.`. Leading options such as `-L` or `-O3` are
    allowed before the path.

    ShellCheck's SC2185, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2185` inside the RUN and
    `# hadolint ignore=SC2185` above it silence it.

    ## Example
    ```dockerfile
    RUN find -type f -name '*.a' -delete
    ```

    ## Use instead
    ```dockerfile
    RUN find /usr/local -type f -name '*.a' -delete
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2185"
    name = "find-without-path"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2185", "ShellCheck:SC2185")
    examples = [
        ok("FROM php:8.2\nRUN find /usr/local -type f -name '*.a' -delete\n"),
        ok("FROM php:8.2\nRUN find -L . -name '*.so'\n"),
        bad("FROM php:8.2\nRUN find -type f -name '*.a' -delete\n", at=(2, 5), message="Specify '.' explicitly"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
