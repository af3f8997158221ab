from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import scripts

MESSAGE = "Do not use sudo as it leads to unpredictable behavior. Use a tool like gosu to enforce root"


class Sudo(Rule):
    """Do not use sudo in RUN.

    ## What it does
    Flags `sudo` used as a command in a `RUN`, also behind other wrappers
    (`env FOO=1 sudo make install`).

    ## Why is this bad?
    Build steps already run as the current `USER`. `sudo` needs a TTY and a sudoers setup,
    behaves differently across base images, and keeps signals and environment from passing
    through cleanly. Switch with `USER root` ... `USER app` during the build, and use a tool
    such as `gosu` or `su-exec` in entrypoints.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does). Installing the package
    (`apt-get install sudo`) is fine.

    ## Compared with other tools
    hadolint DL3004, Trivy AVD-DS-0010 (which only looks at the start of `&&`-separated
    parts), Checkov CKV2_DOCKER_1.
    """

    code = "DL3004"
    name = "no-sudo"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3004", "AVD-DS-0010", "CKV2_DOCKER_1")
    security = True
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad("FROM debian:12\nRUN sudo apt-get update\n", at=(2, 5)),
        bad("FROM debian:12\nRUN apt-get update && sudo apt-get install -y curl\n", at=(2, 23)),
        bad("FROM debian:12\nONBUILD RUN sudo make install\n", count=1, at=(2, 13)),
        ok("FROM debian:12\nRUN apt-get install -y sudo\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd in rs.script.commands:
                if cmd.basename == "sudo":
                    ctx.report(rs.word_span(cmd.name_word), MESSAGE)
                    continue
                eff = cmd.effective()
                if "sudo" in eff.wrappers:
                    word = next((w for w in cmd.args if w.value.rsplit("/", 1)[-1] == "sudo"), None)
                    ctx.report(rs.word_span(word) if word else rs.command_span(cmd), MESSAGE)
