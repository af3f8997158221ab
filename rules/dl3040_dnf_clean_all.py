from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import (
    RPM_CACHES, RPM_VALUE_OPTS, append_cleanup_fix, cache_mounted, command_span, invocations,
    missing_cleanup, rpm_action, rpm_cleans, rpm_installing, runs,
)

# Each family cleans its own cache: `microdnf clean all` does not count for `dnf install`.
FAMILIES = (("dnf", "dnf5"), ("microdnf",))


class DnfCleanAll(Rule):
    """`dnf clean all` missing after a dnf command.

    ## What it does
    Flags a RUN that installs or updates packages with `dnf` or `microdnf` (`install`, `in`,
    `upgrade`, `reinstall`, `group install`...) and does not run `dnf clean all` (resp.
    `microdnf clean all`), or remove `/var/cache/yum`, `/var/cache/dnf` or
    `/var/cache/libdnf5`, after the last of them. A cache or tmpfs mount on one of those
    directories is fine too.

    ## Why is this bad?
    dnf keeps repository metadata and downloaded packages in its cache directory: tens to
    hundreds of megabytes that ship in the layer and that no later instruction can remove.

    ## Scope
    Each RUN on its own, every stage, RUNs inside `ONBUILD` and heredoc RUN bodies too; `dnf`
    and `dnf5` form one family, `microdnf` another. The clean-up must come after the last
    install of its family.

    ## Fix safety
    Appends ` && dnf clean all` (or `microdnf clean all`, as the install used) to the RUN, on
    a new continuation line when the RUN already spans lines. Safe when the RUN is a plain
    `a && b` chain with the install one of its items: the clean-up runs exactly when
    everything before it succeeded and only removes caches. Unsafe otherwise.

    ## Compared with other tools
    hadolint DL3040, which compares the *first* install with the *first* clean-up; here the
    clean-up must follow the last install. So hadolint misses a second install after the
    clean-up, and flags `microdnf update -y && rm -rf /var/cache/yum; microdnf install -y x;
    microdnf clean all` (any `rm -rf` before the install counts as its clean-up there): a
    false positive. hadolint checks `install` only; `dnf groupinstall`, `upgrade` and the
    other downloading subcommands are read here too. Trivy AVD-DS-0019 (dnf) and
    AVD-DS-0027 (microdnf).
    """

    code = "DL3040"
    name = "dnf-clean-all"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3040", "AVD-DS-0019", "AVD-DS-0027")
    examples = [
        bad(
            "FROM fedora:40\nRUN dnf install -y mariadb-10.11.9\n",
            fixed="FROM fedora:40\nRUN dnf install -y mariadb-10.11.9 && dnf clean all\n",
            at=(2, 5),
        ),
        bad(
            "FROM ubi9-minimal\nRUN microdnf install -y \\\n      tar-1.34 \\\n      gzip-1.12\n",
            fixed="FROM ubi9-minimal\nRUN microdnf install -y \\\n      tar-1.34 \\\n      gzip-1.12 \\\n    && microdnf clean all\n",
            at=(2, 5),
        ),
        bad("FROM fedora:40\nRUN dnf install -y mariadb-10.11.9 && microdnf clean all\n", count=1, at=(2, 5)),
        ok("FROM fedora:40\nRUN dnf install -y mariadb-10.11.9 && dnf clean all\n"),
        ok("FROM fedora:40\nRUN --mount=type=cache,target=/var/cache/libdnf5 dnf install -y mariadb-10.11.9\n"),
        ok("FROM fedora:40\nRUN dnf -y upgrade && rm -rf /var/cache/dnf\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            if cache_mounted(run.instruction, *RPM_CACHES):
                continue
            for names in FAMILIES:
                installs = [i for i in invocations(run, names, RPM_VALUE_OPTS) if rpm_installing(i)]
                last = missing_cleanup(run, installs, lambda cmd, names=names: rpm_cleans(cmd, names))
                if last is None:
                    continue
                program = last.command.basename
                message = "`dnf clean all` missing after dnf command."
                if program != "dnf":
                    message += f" (`{program} clean all`)"
                ctx.report(
                    command_span(last, rpm_action(last)),
                    message,
                    fix=append_cleanup_fix(ctx, last, f"{program} clean all", f"Add `{program} clean all`"),
                )
