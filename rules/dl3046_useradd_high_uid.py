from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts
from dockerlint.rulekit.package_managers import Unknown, _expand_joined, runs, variables

MESSAGE = "`useradd` without flag `-l` and high UID will result in excessively large Image"


def _resolve(ctx, rs, value: str) -> str | None:
    """A `-u` value with its `$VAR`s resolved from ARG/ENV; None when it cannot be known."""
    if "$" not in value:
        return value
    run = next((r for r in runs(ctx) if r.outer is rs.outer), None)
    if run is None:
        return None
    try:
        return _expand_joined(value, variables(ctx, run).lookup)
    except Unknown:
        return None


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
    hadolint DL3046. We also read `--uid`, `--uid=N` and `-uN`, which hadolint misses. A UID
    given by a variable (`-u "$UID"`) is resolved from `ARG`/`ENV` (`ARG UID=1000` is fine,
    `ARG APP_UID=1000000` is flagged) and not flagged when it cannot be known; hadolint flags
    every variable UID, even `ARG UID=1000` (a false positive).
    """

    code = "DL3046"
    name = "useradd-high-uid"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3046",)
    examples = [
        bad("FROM debian:12\nRUN useradd -u 123456 app\n", at=(2, 5)),
        bad("FROM debian:12\nRUN useradd --uid=1000000 --create-home app\n", at=(2, 5)),
        ok("FROM debian:12\nRUN useradd -l -u 123456 app\n"),
        ok("FROM debian:12\nRUN useradd --no-log-init --uid 123456 app\n"),
        ok("FROM debian:12\nRUN useradd -u 10001 app\n"),
        ok('FROM debian:12\nARG UID=1000\nRUN useradd -u "$UID" app\n'),
        bad("FROM debian:12\nARG APP_UID=1000000\nRUN useradd -u ${APP_UID} app\n", at=(3, 5)),
        ok("FROM debian:12\nARG UID\nRUN useradd -u ${UID} app\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd, eff in commands(rs):
                if eff.basename != "useradd" or eff.has_flag("-l", "--no-log-init"):
                    continue
                uids = [(u, _resolve(ctx, rs, u)) for u in eff.flag_values("-u", "--uid")]
                uids = [(u, v) for u, v in uids if v is not None and v.isdigit() and len(v) > 5]
                if uids:
                    written, value = uids[-1]
                    via = f" from `{written}`" if written != value else ""
                    ctx.report(rs.command_span(cmd), f"{MESSAGE} (UID {value}{via})")
