from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import (
    ZYPPER_CACHE, ZYPPER_INSTALLING, ZYPPER_VALUE_OPTS, append_cleanup_fix, cache_mounted,
    command_span, invocations, missing_cleanup, removes_path, runs,
)


def zypper_cleans(cmd) -> bool:
    if cmd.is_named("zypper"):
        pos = cmd.positional(ZYPPER_VALUE_OPTS)
        if pos and pos[0].value in ("clean", "cc"):
            return True
    return removes_path(cmd, *ZYPPER_CACHE)


class ZypperClean(Rule):
    """`zypper clean` missing after zypper use.

    ## What it does
    Flags a RUN that installs or updates packages with `zypper` (`install`/`in`, `update`,
    `patch`, `dist-upgrade`) and does not run `zypper clean` (`zypper cc`) or remove
    `/var/cache/zypp` after the last of them. A cache or tmpfs mount on `/var/cache/zypp` is
    fine too.

    ## Why is this bad?
    zypper keeps repository metadata and downloaded packages in `/var/cache/zypp`, which then
    ships in the layer; no later instruction can take it back out.

    ## Scope
    Each RUN on its own, every stage, RUNs inside `ONBUILD` and heredoc RUN bodies too. The
    clean-up must come after the last install.

    ## Fix safety
    Appends ` && zypper clean --all` (packages and metadata) to the RUN, on a new
    continuation line when the RUN already spans lines. Safe when the RUN is a plain `a && b`
    chain with the zypper command one of its items: the clean-up runs exactly when everything
    before it succeeded and only removes caches. Unsafe otherwise.

    ## Compared with other tools
    hadolint DL3036 (which checks `install`/`in` only). Trivy AVD-DS-0020.
    """

    code = "DL3036"
    name = "zypper-clean"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3036", "AVD-DS-0020")
    examples = [
        bad(
            "FROM opensuse/leap:15.6\nRUN zypper install -y mariadb=10.11.9\n",
            fixed="FROM opensuse/leap:15.6\nRUN zypper install -y mariadb=10.11.9 && zypper clean --all\n",
            at=(2, 5),
        ),
        bad("FROM opensuse/leap:15.6\nRUN zypper clean && zypper install -y mariadb=10.11.9\n", at=(2, 21)),
        ok("FROM opensuse/leap:15.6\nRUN zypper install -y mariadb=10.11.9 && zypper cc\n"),
        ok("FROM opensuse/leap:15.6\nRUN --mount=type=cache,target=/var/cache/zypp zypper install -y mariadb=10.11.9\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            if cache_mounted(run.instruction, *ZYPPER_CACHE):
                continue
            installs = [i for i in invocations(run, ("zypper",), ZYPPER_VALUE_OPTS) if i.verb in ZYPPER_INSTALLING]
            last = missing_cleanup(run, installs, zypper_cleans)
            if last is None:
                continue
            ctx.report(
                command_span(last),
                "`zypper clean` missing after zypper use.",
                fix=append_cleanup_fix(ctx, last, "zypper clean --all", "Add `zypper clean --all`"),
            )
