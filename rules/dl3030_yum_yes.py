from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.rulekit.package_managers import (
    bare_removal,
    RPM_VALUE_OPTS, command_span, invocations, rpm_action, rpm_assumes_yes, runs,
)


class YumYes(Rule):
    """Use the `-y` switch with `yum install`.

    ## What it does
    Flags a `yum install` (and the other subcommands that ask for confirmation:
    `groupinstall`, `localinstall`, `update`, `remove`, `group install`...) run without
    `-y`/`--assumeyes`.

    ## Why is this bad?
    A build has no terminal to answer "Is this ok [y/N]": yum reads end of input, answers no,
    and the build fails.

    ## Scope
    Every stage, `sudo yum` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Fix safety
    Inserts ` -y` right after the subcommand. Safe: it only answers the prompt that would
    otherwise abort the build.

    ## Compared with other tools
    hadolint DL3030 checks `install`, `groupinstall` and `localinstall`; the other prompting
    subcommands are reported here too.
    """

    code = "DL3030"
    name = "yum-yes"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3030",)
    examples = [
        bad(
            "FROM centos:7\nRUN yum install httpd-2.4.6 && yum clean all\n",
            fixed="FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
            at=(2, 5),
        ),
        bad("FROM centos:7\nRUN yum group install 'Development Tools'\n", fixed="FROM centos:7\nRUN yum group install -y 'Development Tools'\n", at=(2, 5)),
        ok("FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"),
        ok("FROM centos:7\nRUN yum remove && echo no package names, nothing to confirm\n"),
        ok("FROM centos:7\nRUN yum --assumeyes update && yum clean all\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, ("yum",), RPM_VALUE_OPTS):
                action = rpm_action(inv)
                if action is None or rpm_assumes_yes(inv.command) or bare_removal(inv, action):
                    continue
                edit = insert_after_word(inv.script, action, " -y")
                fix = make_fix([edit], Applicability.SAFE, "Add -y") if edit else None
                ctx.report(
                    command_span(inv, action),
                    "Use the -y switch to avoid manual input `yum install -y <package>`",
                    fix=fix,
                )
