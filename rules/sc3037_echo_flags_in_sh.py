from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class EchoFlagsInSh(Rule):
    r"""
    ## What it does
    Finds `echo -n`, `echo -e` (and `-E`, `-s`) in a script run by `/bin/sh`.

    ## Why is this bad?
    POSIX leaves echo's flags undefined: dash's echo knows `-n` but prints `-e` literally and
    always expands backslash escapes, bash's needs `-e` for them. Use `printf` (`printf '%s'`
    for `-n`, `printf 'a\tb\n'` for `-e`), or set `SHELL ["/bin/bash", "-c"]`.

    ShellCheck's SC3037, checked natively on every RUN script (hadolint runs ShellCheck by
    default; so do we, without the binary). `# shellcheck disable=SC3037` inside the RUN and
    `# hadolint ignore=SC3037` above it silence it.

    ## Example
    ```dockerfile
    RUN echo -e "Port 22\n" >> /etc/ssh/sshd_config
    ```

    ## Use instead
    ```dockerfile
    RUN printf 'Port 22\n\n' >> /etc/ssh/sshd_config
    ```

    ## Fix safety
    No fix (ShellCheck offers none).
    """

    code = "SC3037"
    name = "echo-flags-in-sh"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:SC3037", "ShellCheck:SC3037")
    examples = [
        ok("FROM debian:12\nRUN printf 'Port 22\\n' >> /etc/ssh/sshd_config\n"),
        ok('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN echo -n hello > /etc/name\n'),
        bad('FROM debian:12\nRUN echo -n hello > /etc/name\n', at=(2, 10), message='echo flags are undefined'),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
