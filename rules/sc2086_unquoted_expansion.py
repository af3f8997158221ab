from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UnquotedExpansion(Rule):
    r"""
    ## What it does
    Finds `$var` and `${var...}` expansions left unquoted where the shell splits words and expands globs:
    command arguments, `[ ]` tests, redirection targets (and `export`/`local` values in sh).

    ## Why is this bad?
    An unquoted expansion is split on spaces and each piece is glob-expanded: a path with a space
    becomes two arguments, a value holding `*` becomes a file list. Variables whose value is
    certainly one plain word are not reported (`V=1.2`, `n=$((n+1))`, a `for` over literal words),
    nor ARG/ENV variables (the Dockerfile defines them; ShellCheck under hadolint sees them as
    `export NAME=1`).

    ShellCheck's SC2086, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2086` inside the RUN and
    `# hadolint ignore=SC2086` above it silence it.

    ## Example
    ```dockerfile
    RUN curl -o $HOME/app.tgz https://example.com/app.tgz
    ```

    ## Use instead
    ```dockerfile
    RUN curl -o "$HOME"/app.tgz https://example.com/app.tgz
    ```

    ## Fix safety
    Unsafe: quotes stop the splitting a script may rely on (`$FLAGS` meant to pass several options).
    """

    code = "SC2086"
    name = "unquoted-expansion"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2086", "ShellCheck:SC2086")
    examples = [
        ok('FROM alpine:3.22\nARG VERSION=1.2\nRUN V=3 && echo $V $VERSION "$HOME"\n'),
        bad('FROM alpine:3.22\nRUN cd $HOME && ls\n', fixed='FROM alpine:3.22\nRUN cd "$HOME" && ls\n', at=(2, 8)),
        bad('FROM alpine:3.22\nRUN for f in $(ls); do \\\n    rm $f; done\n', fixed='FROM alpine:3.22\nRUN for f in $(ls); do \\\n    rm "$f"; done\n', at=(3, 8)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
