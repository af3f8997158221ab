from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._run_helpers import commands, scripts

MESSAGE = "`useradd` without flag `-l` and high UID will result in excessively large Image"


class UseraddHighUid(Rule):
    """`useradd` without `-l` and a high UID makes the image excessively large.

    ## What it does
    Flags `useradd -u <uid>` with a UID longer than five digits and without `-l`
    (`--no-log-init`).

    ## Why is this bad?
    Without `-l`, `useradd` records the user in `/var/log/lastlog` and `faillog`, sparse files
    indexed by UID. Docker's layer storage does not keep them sparse, so a UID such as
    `123456789` writes a file of hundreds of MB (or GB) into the image.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does).

    ## Compared with other tools
    hadolint DL3046. We also read `--uid`, `--uid=N` and `-uN`, which hadolint misses, and
    do not flag a UID given by a variable (`-u "$UID"`), whose length we cannot know
    (hadolint counts the characters of `${UID}`).
    """

    code = "DL3046"
    name = "useradd-high-uid"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3046",)
    examples = [
        bad("FROM debian:12\nRUN useradd -u 123456 app\n"),
        bad("FROM debian:12\nRUN useradd --uid=1000000 --create-home app\n"),
        ok("FROM debian:12\nRUN useradd -l -u 123456 app\n"),
        ok("FROM debian:12\nRUN useradd --no-log-init --uid 123456 app\n"),
        ok("FROM debian:12\nRUN useradd -u 10001 app\n"),
        ok('FROM debian:12\nARG UID=1000\nRUN useradd -u "$UID" app\n'),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd, eff in commands(rs):
                if eff.basename != "useradd" or eff.has_flag("-l", "--no-log-init"):
                    continue
                uids = [u for u in eff.flag_values("-u", "--uid") if u.isdigit() and len(u) > 5]
                if uids:
                    ctx.report(rs.command_span(cmd), f"{MESSAGE} (UID {uids[-1]})")
