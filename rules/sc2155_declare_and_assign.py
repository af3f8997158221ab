from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class DeclareAndAssignSeparately(Rule):
    r"""
    ## What it does
    Finds `export`, `local`, `declare` or `readonly` whose value is a command substitution:
    `export TMP="$(mktemp -d)"`.

    ## Why is this bad?
    The declaration's exit status replaces the command's: when `mktemp` fails, `export` still
    succeeds, so `set -e` and `&&` go on with an empty value.

    ShellCheck's SC2155, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC2155` inside the RUN and
    `# hadolint ignore=SC2155` above it silence it.

    ## Example
    ```dockerfile
    RUN export GNUPGHOME="$(mktemp -d)" && gpg --batch --recv-keys "$KEY"
    ```

    ## Use instead
    ```dockerfile
    RUN GNUPGHOME="$(mktemp -d)" && export GNUPGHOME && gpg --batch --recv-keys "$KEY"
    ```

    ## Fix safety
    No fix.
    """

    code = "SC2155"
    name = "declare-and-assign-separately"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC2155", "ShellCheck:SC2155")
    examples = [
        ok('FROM alpine:3.22\nRUN TMP="$(mktemp -d)" && export TMP\n'),
        bad('FROM alpine:3.22\nRUN export TMP="$(mktemp -d)" && ls "$TMP"\n', at=(2, 12)),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
