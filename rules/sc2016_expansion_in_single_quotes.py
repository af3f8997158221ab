from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class ExpansionInSingleQuotes(Rule):
    r"""
    ## What it does
    Finds `$var`, `${...}`, `$(...)` or backticks inside single quotes in a command's arguments,
    except for commands that take code for another interpreter or for later (`sh -c`, `awk`,
    `sed`, `perl`, `jq`, `eval`, `trap`...).

    ## Why is this bad?
    Nothing expands inside single quotes: `echo '$HOME'` prints `$HOME`. When the value was meant,
    the quotes must be double.

    ShellCheck's SC2016, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2016` inside the RUN and
    `# hadolint ignore=SC2016` above it silence it.

    ## Example
    ```dockerfile
    RUN echo 'export PATH=$HOME/bin:$PATH' >> /etc/profile
    ```

    ## Use instead
    ```dockerfile
    RUN echo 'export PATH="$HOME/bin:$PATH"' >> /etc/profile  # intended: written literally
    ```

    ## Fix safety
    No fix: whether the text is meant literally (often, in Dockerfiles writing config files) is
    the author's call.
    """

    code = "SC2016"
    name = "expansion-in-single-quotes"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:SC2016", "ShellCheck:SC2016")
    examples = [
        ok("FROM alpine:3.22\nRUN sh -c 'echo $HOME'\n"),
        bad("FROM alpine:3.22\nRUN printf '%s' '$HOME'\n", at=(2, 17)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
