from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class ElseIf(Rule):
    r"""
    ## What it does
    Finds `else if` on one line (the two words separated only by blanks or a line continuation,
    as in a RUN's `else \` followed by `if`).

    ## Why is this bad?
    The shell has `elif`; `else if` opens a second `if` that needs its own `fi`. When the `fi`s
    add up the script works, but it reads like an `elif` chain that it is not, and a missing
    `fi` turns into a syntax error far away. Nesting on purpose reads better with the `if` on a
    line of its own.

    ShellCheck's SC1075, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC1075` inside the RUN and
    `# hadolint ignore=SC1075` above it silence it.

    ## Example
    ```dockerfile
    RUN if [ -f a ]; then echo a; else if [ -f b ]; then echo b; fi; fi
    ```

    ## Use instead
    ```dockerfile
    RUN if [ -f a ]; then echo a; elif [ -f b ]; then echo b; fi
    ```

    ## Fix safety
    No fix: turning the nested `if` into `elif` also means removing its `fi`.
    """

    code = "SC1075"
    name = "else-if"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:SC1075", "ShellCheck:SC1075")
    examples = [
        ok("FROM alpine:3.22\nRUN if [ -f a ]; then echo a; elif [ -f b ]; then echo b; fi\n"),
        bad("FROM alpine:3.22\nRUN if [ -f a ]; then echo a; else if [ -f b ]; then echo b; fi; fi\n", at=(2, 31)),
        bad("FROM alpine:3.22\nRUN if [ -f a ]; then \\\n      echo a; \\\n    else \\\n      if [ -f b ]; then echo b; fi; \\\n    fi\n",
            at=(4, 5)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
