from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.rulekit.package_managers import (
    bare_removal,
    RPM_VALUE_OPTS, command_span, invocations, rpm_action, rpm_assumes_yes, runs,
)

DNF_NAMES = ("dnf", "dnf5", "microdnf")
# microdnf only asks for confirmation on these (hadolint's list); its other subcommands do not.
MICRODNF_PROMPTING = frozenset({"install", "groupinstall", "localinstall"})


class DnfYes(Rule):
    """Use the `-y` switch with `dnf install`.

    ## What it does
    Flags a `dnf` command that asks for confirmation — `install`, `groupinstall`,
    `localinstall`, `upgrade`, `remove`, `group install`, `module install`... — or a
    `microdnf install`, run without `-y`/`--assumeyes`.

    ## Why is this bad?
    A build has no terminal to answer "Is this ok [y/N]": dnf reads end of input, answers no,
    and the build fails.

    ## Scope
    Every stage, `sudo dnf` and `dnf5` included; RUNs inside `ONBUILD` and heredoc RUN bodies
    too.

    ## Fix safety
    Inserts ` -y` right after the subcommand. Safe: it only answers the prompt that would
    otherwise abort the build.

    ## Compared with other tools
    hadolint DL3038 checks `install`, `groupinstall` and `localinstall`; the other prompting
    subcommands of dnf are reported here too (microdnf's are not: they do not prompt).
    """

    code = "DL3038"
    name = "dnf-yes"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3038",)
    examples = [
        bad(
            "FROM fedora:40\nRUN dnf install httpd-2.4.62 && dnf clean all\n",
            fixed="FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n",
            at=(2, 5),
        ),
        bad(
            "FROM ubi9-minimal\nRUN microdnf install tar-1.34 && microdnf clean all\n",
            fixed="FROM ubi9-minimal\nRUN microdnf install -y tar-1.34 && microdnf clean all\n",
            at=(2, 5),
        ),
        bad("FROM fedora:40\nRUN dnf upgrade && dnf clean all\n", fixed="FROM fedora:40\nRUN dnf upgrade -y && dnf clean all\n", at=(2, 5)),
        ok("FROM fedora:40\nRUN dnf install -y httpd-2.4.62 && dnf clean all\n"),
        ok("FROM fedora:40\nRUN dnf remove && echo no package names, nothing to confirm\n"),
        ok("FROM fedora:40\nRUN dnf --setopt=assumeyes=True upgrade && dnf clean all\n"),
        ok("FROM fedora:40\nRUN notdnf install httpd\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, DNF_NAMES, RPM_VALUE_OPTS):
                action = rpm_action(inv)
                if action is None or rpm_assumes_yes(inv.command) or bare_removal(inv, action):
                    continue
                if inv.command.basename == "microdnf" and action.value not in MICRODNF_PROMPTING:
                    continue
                edit = insert_after_word(inv.script, action, " -y")
                fix = make_fix([edit], Applicability.SAFE, "Add -y") if edit else None
                ctx.report(
                    command_span(inv, action),
                    "Use the -y switch to avoid manual input `dnf install -y <package>`.",
                    fix=fix,
                )
