from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class BashBuiltinInSh(Rule):
    r"""
    ## What it does
    Finds bash builtins POSIX sh does not have, in a script run by `/bin/sh`: `pushd`, `popd`, `dirs`, `declare`, `typeset`, `shopt`, `mapfile`, `readarray`, `compgen`, `complete`, `disown`, `enable`, `caller`, `builtin`, `suspend`.

    ## Why is this bad?
    These are bash (and ksh) builtins; under dash or busybox sh the RUN fails with
    `pushd: not found`. Use POSIX forms (`cd dir && ... && cd -`, or a subshell `(cd dir && ...)`,
    plain assignments instead of `declare`) or set `SHELL ["/bin/bash", "-c"]`. (`let` is
    ShellCheck's SC3039 and `local` SC3043.)

    ShellCheck's SC3044, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3044` inside the RUN and
    `# hadolint ignore=SC3044` above it silence it.

    ## Example
    ```dockerfile
    RUN pushd /tmp/build && make && popd
    ```

    ## Use instead
    ```dockerfile
    RUN (cd /tmp/build && make)
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC3044"
    name = "bash-builtin-in-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3044", "ShellCheck:SC3044")
    examples = [
        ok('FROM amazonlinux:2023\nRUN (cd /tmp && ls)\n'),
        ok('FROM amazonlinux:2023\nSHELL ["/bin/bash", "-c"]\nRUN pushd /tmp && ls && popd\n'),
        bad('FROM amazonlinux:2023\nRUN pushd /tmp && ls && popd\n', at=[(2, 5), (2, 25)], message="'p"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
