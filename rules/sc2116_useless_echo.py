from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class UselessEcho(Rule):
    r"""
    ## What it does
    Finds `$(echo words)` used as a word: `cmd $(echo $X)`.

    ## Why is this bad?
    The substitution gives back the words echo printed, so `cmd $(echo $X)` is `cmd $X` with an
    extra process (and with echo's own handling of `-n`, `-e` and backslashes). Not reported
    when the words hold a glob or brace expansion, when the first starts with `-`, or for
    `$(echo $(cmd))`, which is ShellCheck's SC2005.

    ShellCheck's SC2116, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2116` inside the RUN and
    `# hadolint ignore=SC2116` above it silence it.

    ## Example
    ```dockerfile
    RUN export ROOT="$(echo $HOME/share)"
    ```

    ## Use instead
    ```dockerfile
    RUN export ROOT="$HOME/share"
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC2116"
    name = "useless-echo"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.STYLE
    aliases = ("hadolint:SC2116", "ShellCheck:SC2116")
    examples = [
        ok('FROM alpine:3.22\nRUN export ROOT="$HOME/share" && echo "$ROOT"\n'),
        ok('FROM alpine:3.22\nRUN export FILES="$(echo /etc/*.conf)" && echo "$FILES"\n'),
        bad('FROM alpine:3.22\nRUN export ROOT="$(echo $HOME/share)" && echo "$ROOT"\n', at=(2, 18), message='Useless echo'),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
