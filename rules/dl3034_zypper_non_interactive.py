from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.rulekit.package_managers import (
    bare_removal,
    ZYPPER_PROMPTING, ZYPPER_VALUE_OPTS, command_span, invocations, runs, zypper_noninteractive,
)


class ZypperNonInteractive(Rule):
    """Use a non-interactive switch with `zypper install`.

    ## What it does
    Flags a `zypper install` (and `remove`, `patch`, `update`, `source-install`) run without
    `-n`/`--non-interactive` or `-y`/`--no-confirm`.

    ## Why is this bad?
    A build has no terminal to answer zypper's "Continue? [y/n/v/...? shows all options]":
    zypper gives up and the build fails.

    ## Scope
    Every stage, `sudo zypper` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Fix safety
    Inserts ` -y` after `install`/`in`, and the global ` -n` after `zypper` for the other
    subcommands. Safe: it only answers the prompt that would otherwise abort the build.

    ## Compared with other tools
    hadolint DL3034; `update` is checked here too.
    """

    code = "DL3034"
    name = "zypper-non-interactive"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3034",)
    examples = [
        bad(
            "FROM opensuse/leap:15.6\nRUN zypper install httpd=2.4.58 && zypper clean\n",
            fixed="FROM opensuse/leap:15.6\nRUN zypper install -y httpd=2.4.58 && zypper clean\n",
            at=(2, 5),
        ),
        bad(
            "FROM opensuse/leap:15.6\nRUN zypper rm vim && zypper clean\n",
            fixed="FROM opensuse/leap:15.6\nRUN zypper -n rm vim && zypper clean\n",
            at=(2, 5),
        ),
        ok("FROM opensuse/leap:15.6\nRUN zypper --non-interactive install httpd=2.4.58 && zypper clean\n"),
        ok("FROM opensuse/leap:15.6\nRUN zypper rm && echo no package names, nothing to confirm\n"),
        ok("FROM opensuse/leap:15.6\nRUN zypper in --no-confirm httpd=2.4.58 && zypper clean\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, ("zypper",), ZYPPER_VALUE_OPTS):
                if inv.verb not in ZYPPER_PROMPTING or zypper_noninteractive(inv.command) or bare_removal(inv):
                    continue
                verb = inv.words[0]
                if verb.value in ("install", "in"):
                    edit = insert_after_word(inv.script, verb, " -y")
                else:
                    edit = insert_after_word(inv.script, inv.command.name_word, " -n")
                fix = make_fix([edit], Applicability.SAFE, "Make zypper non-interactive") if edit else None
                ctx.report(
                    command_span(inv),
                    "Non-interactive switch missing from `zypper` command: `zypper install -y`",
                    fix=fix,
                )
