from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import (
    RPM_CACHES, RPM_VALUE_OPTS, append_cleanup_fix, cache_mounted, command_span, invocations,
    missing_cleanup, rpm_action, rpm_cleans, rpm_installing, runs,
)


class YumCleanAll(Rule):
    """`yum clean all` missing after a yum command.

    ## What it does
    Flags a RUN that installs or updates packages with `yum` (`install`, `update`,
    `groupinstall`, `module install`...) and does not run `yum clean all` (or remove
    `/var/cache/yum`) after the last of them. A cache or tmpfs mount on `/var/cache/yum` (or
    `/var/cache/dnf`) is fine too.

    ## Why is this bad?
    yum keeps repository metadata and often the downloaded packages in `/var/cache/yum`: tens
    to hundreds of megabytes that ship in the layer and that no later instruction can take
    back out.

    ## Scope
    Each RUN on its own (a clean-up in a later RUN does not shrink the earlier layer), every
    stage, RUNs inside `ONBUILD` and heredoc RUN bodies too. The clean-up must come after the
    last install.

    ## Fix safety
    Appends ` && yum clean all` to the RUN (on a new continuation line when the RUN already
    spans lines). Safe when the RUN is a plain `a && b && c` chain with the yum command one
    of its items: the clean-up then runs exactly when everything before it succeeded, and only
    removes caches. Unsafe otherwise (`;`, `||`, the install inside `if`/a subshell).

    ## Compared with other tools
    hadolint DL3032, which checks `yum install` only and accepts a clean-up placed before the
    install; here the clean-up has to follow it. Trivy AVD-DS-0015.
    """

    code = "DL3032"
    name = "yum-clean-all"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3032", "AVD-DS-0015")
    examples = [
        bad(
            "FROM centos:7\nRUN yum install -y httpd-2.4.6\n",
            fixed="FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n",
            at=(2, 5),
        ),
        bad(
            "FROM centos:7\nRUN yum -y update \\\n    && yum install -y httpd-2.4.6\n",
            fixed="FROM centos:7\nRUN yum -y update \\\n    && yum install -y httpd-2.4.6 \\\n    && yum clean all\n",
            at=(3, 8),
        ),
        bad("FROM centos:7\nRUN yum clean all && yum install -y httpd-2.4.6\n", at=(2, 22)),
        bad(
            "FROM centos:7\nUSER app\nRUN sudo yum install -y httpd-2.4.6; echo done\n",
            fixed="FROM centos:7\nUSER app\nRUN sudo yum install -y httpd-2.4.6; echo done && sudo yum clean all\n",
            at=(3, 10),
        ),
        ok("FROM centos:7\nRUN yum install -y httpd-2.4.6 && yum clean all\n"),
        ok("FROM centos:7\nRUN yum install -y httpd-2.4.6 && rm -rf /var/cache/yum/*\n"),
        ok("FROM centos:7\nRUN --mount=type=cache,target=/var/cache/yum yum install -y httpd-2.4.6\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            if cache_mounted(run.instruction, *RPM_CACHES):
                continue
            installs = [i for i in invocations(run, ("yum",), RPM_VALUE_OPTS) if rpm_installing(i)]
            last = missing_cleanup(run, installs, lambda cmd: rpm_cleans(cmd, ("yum",)))
            if last is None:
                continue
            ctx.report(
                command_span(last, rpm_action(last)),
                "`yum clean all` missing after yum command.",
                fix=append_cleanup_fix(ctx, last, "yum clean all", "Add `yum clean all`"),
            )
