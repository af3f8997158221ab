from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import ZYPPER_VALUE_OPTS, command_span, invocations, runs


class ZypperDistUpgrade(Rule):
    """Do not use `zypper dist-upgrade`.

    ## What it does
    Flags `zypper dist-upgrade` and its short form `zypper dup`.

    ## Why is this bad?
    A distribution upgrade inside an image build moves the whole system to whatever the
    repositories serve that day — possibly a new release — behind the base image's back. Use
    a newer base image instead, or `zypper update`/`zypper patch` for fixes within the
    release.

    ## Scope
    Every stage, `sudo zypper` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Compared with other tools
    hadolint DL3035.
    """

    code = "DL3035"
    name = "zypper-dist-upgrade"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3035",)
    examples = [
        bad("FROM opensuse/tumbleweed\nRUN zypper -n dist-upgrade\n", at=(2, 5)),
        bad("FROM opensuse/tumbleweed\nRUN zypper dup -y && zypper clean\n", at=(2, 5)),
        ok("FROM opensuse/leap:15.6\nRUN zypper -n patch && zypper clean\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, ("zypper",), ZYPPER_VALUE_OPTS):
                if inv.verb in ("dist-upgrade", "dup"):
                    ctx.report(command_span(inv), "Do not use `zypper dist-upgrade`.")
