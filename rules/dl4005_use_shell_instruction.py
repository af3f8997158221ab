from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts

MESSAGE = "Use SHELL to change the default shell"


class UseShellInstruction(Rule):
    """Use SHELL to change the default shell.

    ## What it does
    Flags `ln` commands that replace `/bin/sh` with a link (`ln -sf /bin/bash /bin/sh`).

    ## Why is this bad?
    Relinking `/bin/sh` changes the shell of every script in the image, including the
    distribution's own maintainer scripts that expect `dash` or `busybox`, and it hides the
    choice from anyone reading the Dockerfile. The `SHELL` instruction changes the shell for
    the Dockerfile's `RUN`s only, visibly.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does).

    ## Compared with other tools
    hadolint DL4005. hadolint flags any `ln` with a `/bin/sh` argument, also
    `ln -s /bin/sh /usr/local/bin/sh`, which only adds a link to the shell; we flag only an
    `ln` whose link name (the last argument) is `/bin/sh`.
    """

    code = "DL4005"
    name = "use-shell-instruction"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL4005",)
    examples = [
        bad("FROM debian:12\nRUN ln -sfv /bin/bash /bin/sh\n", at=(2, 5)),
        bad("FROM debian:12\nONBUILD RUN ln -sf bash /bin/sh\n", count=1, at=(2, 13)),
        ok("FROM debian:12\nRUN ln -sf /bin/true /sbin/initctl\n"),
        ok("FROM debian:12\nRUN ln -s /bin/sh /usr/local/bin/sh\n"),
        ok('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd, eff in commands(rs):
                if eff.basename != "ln":
                    continue
                positional = [w for w in eff.args if not w.value.startswith("-")]
                if len(positional) >= 2 and positional[-1].value == "/bin/sh":
                    ctx.report(rs.command_span(cmd), MESSAGE)
