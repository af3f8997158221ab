from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import replace_word
from dockerlint.rulekit.package_managers import APT_VALUE_OPTS, invocations, runs

# apt subcommands that apt-get has too, with the same name.
APT_GET_HAS = frozenset({
    "install", "reinstall", "remove", "purge", "update", "upgrade", "dist-upgrade", "autoremove",
    "clean", "autoclean", "source", "build-dep", "download", "satisfy",
})


class Apt(Rule):
    """Do not use `apt`, use `apt-get` or `apt-cache`.

    ## What it does
    Flags every `apt` command in a RUN (`apt install`, `apt update`, `apt search`...).

    ## Why is this bad?
    `apt` is the interactive front end: its output and behaviour are tuned for people and
    may change between releases, and it warns "apt does not have a stable CLI interface. Use
    with caution in scripts." `apt-get` and `apt-cache` are the stable, scriptable tools.

    ## Scope
    Every stage, `sudo apt` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Fix safety
    Replaces `apt` with `apt-get` when the subcommand exists in apt-get under the same name
    (`install`, `update`, `remove`, `upgrade`...). Unsafe: the two differ in details —
    `apt upgrade` installs new dependencies while `apt-get upgrade` holds such packages back,
    and `apt` enables progress output and different defaults. Other subcommands (`search`,
    `list`, `show`, `full-upgrade`) get no fix.

    ## Compared with other tools
    hadolint DL3027; Checkov CKV_DOCKER_9 (which matches the text ` apt ` anywhere). hadolint
    does not look through `sudo`, so it misses `sudo apt install`.
    """

    code = "DL3027"
    name = "apt"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3027", "CKV_DOCKER_9")
    examples = [
        bad(
            "FROM debian:12\nRUN apt update && apt install -y curl\n",
            fixed="FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
            count=2,
            at=[(2, 5), (2, 19)],
        ),
        bad("FROM debian:12\nRUN apt list --installed\n", at=(2, 5)),
        ok("FROM debian:12\nRUN apt-get update && apt-cache policy curl\n"),
        ok("FROM debian:12\nRUN echo apt install\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, ("apt",), APT_VALUE_OPTS):
                fix = None
                if inv.verb in APT_GET_HAS and inv.command.name == "apt":
                    edit = replace_word(inv.script, inv.command.name_word, "apt-get")
                    if edit is not None:
                        fix = make_fix([edit], Applicability.UNSAFE, f"Use `apt-get {inv.verb}`")
                ctx.report(
                    inv.script.word_span(inv.command.name_word),
                    "Do not use apt as it is meant to be a end-user tool, use apt-get or apt-cache instead",
                    fix=fix,
                )
