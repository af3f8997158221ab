from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts

POINTLESS = frozenset({"free", "ifconfig", "kill", "mount", "ps", "service", "shutdown", "ssh", "top", "vim"})

MESSAGE = (
    "For some bash commands it makes no sense running them in a Docker container like `ssh`, "
    "`vim`, `shutdown`, `service`, `ps`, `free`, `top`, `kill`, `mount`, `ifconfig`"
)


class PointlessCommand(Rule):
    """A RUN runs an interactive or system-management command that makes no sense in a build.

    ## What it does
    Flags `RUN` commands such as `ssh`, `vim`, `shutdown`, `service`, `ps`, `free`, `top`,
    `kill`, `mount` and `ifconfig`, also behind `sudo`/`env` wrappers
    (`sudo service nginx start`).

    ## Why is this bad?
    A build step has no terminal, no init system and no long-lived processes: starting a
    service, editing a file interactively or listing processes does nothing useful for the
    image, and usually means the command belongs in the container's entrypoint instead.

    ## Scope
    Every stage; commands inside `ONBUILD RUN` are checked too (as hadolint does). Only the
    command name counts, so `apt-get install ssh` is fine.

    ## Compared with other tools
    hadolint DL3001. hadolint's message lists `ifconfig` but its check leaves it out; we check
    it. We also see through `sudo`/`env`/`nohup` wrappers and match by basename
    (`/usr/bin/vim`).
    """

    code = "DL3001"
    name = "pointless-command"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3001",)
    examples = [
        bad("FROM debian:12\nRUN top\n", at=(2, 5)),
        bad("FROM debian:12\nRUN apt-get update && sudo service nginx start\n", at=(2, 28)),
        bad("FROM debian:12\nONBUILD RUN vim /etc/hosts\n", at=(2, 13)),
        ok("FROM debian:12\nRUN apt-get install -y ssh vim\n"),
        ok("FROM debian:12\nRUN echo top\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd, eff in commands(rs):
                if eff.basename in POINTLESS:
                    ctx.report(rs.word_span(eff.name_word), f"{MESSAGE} (`{eff.basename}`)")
