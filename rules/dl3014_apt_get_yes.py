from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.rulekit.package_managers import APT_VALUE_OPTS, invocations, runs

# apt-get subcommands that ask "Do you want to continue? [Y/n]" (and abort without a tty).
PROMPTING = frozenset({
    "install", "reinstall", "remove", "purge", "upgrade", "dist-upgrade", "full-upgrade",
    "autoremove", "build-dep", "satisfy",
})
# Of those, the ones that act only on the packages they are given: with no package names
# (`apt-get clean && apt-get purge && rm -rf ...`) they have nothing to confirm and never
# prompt. `install` stays flagged even bare, as in hadolint (`apt-get install -f` can prompt).
OPERAND_ONLY = frozenset({"remove", "purge", "reinstall", "build-dep", "satisfy"})
_TRUE = frozenset({"1", "true", "yes", "on"})


def _count(digits: str) -> int:
    """A decimal count, capped: int() refuses more than 4,300 digits (`-q=000...`)."""
    digits = digits.lstrip("0") or "0"
    return int(digits) if len(digits) < 10 else 10**9


def quiet_level(cmd) -> int:
    """apt's -q count: `-qq`, `-q -q`, `-q=2`, `--quiet --quiet`, `--quiet=2`."""
    level = 0
    for word in cmd.args:
        v = word.value
        if v == "--":
            break
        if v.startswith("--quiet"):
            _, eq, n = v.partition("=")
            level = _count(n) if eq and n.isascii() and n.isdigit() else level + (0 if eq else 1)
        elif v.startswith("-") and not v.startswith("--") and len(v) > 1:
            cluster, eq, n = v[1:].partition("=")
            if eq and cluster.endswith("q") and n.isascii() and n.isdigit():
                level += cluster.count("q") - 1 + _count(n)
            else:
                level += cluster.count("q")
    return level


def assumes_yes(cmd) -> bool:
    """-y/--yes/--assume-yes, -qq (which implies -y), or -o APT::Get::Assume-Yes=true."""
    if cmd.has_flag("-y", "--yes", "--assume-yes") or quiet_level(cmd) >= 2:
        return True
    for value in cmd.flag_values("-o", "--option"):
        key, _, val = value.partition("=")
        if key.strip().lower() == "apt::get::assume-yes" and val.strip().strip("\"'").lower() in _TRUE:
            return True
    return False


class AptGetYes(Rule):
    """Use the `-y` switch with `apt-get install`.

    ## What it does
    Flags an `apt-get install` (and the other subcommands that ask for confirmation:
    `upgrade`, `dist-upgrade`, `remove`, `purge`, `autoremove`, `build-dep`...) run without
    `-y`/`--yes`/`--assume-yes`. `-qq` (quiet level 2) implies `-y` and is accepted; a single
    `-q` is not. `remove`/`purge`/`reinstall`/`build-dep` with no package names have nothing to
    confirm and are not flagged (`apt-get clean && apt-get purge && rm -rf ...`).

    ## Why is this bad?
    A build has no terminal to answer "Do you want to continue? [Y/n]": apt-get reads end of
    input and aborts, and the build fails as soon as the step has anything to confirm.

    ## Scope
    Every stage, `sudo apt-get` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.

    ## Fix safety
    Inserts ` -y` right after the subcommand (`apt-get install -y curl`). Safe: it only
    answers the prompt that would otherwise abort the build.

    ## Compared with other tools
    hadolint DL3014 checks `install` only; the other prompting subcommands are reported here
    too. Trivy AVD-DS-0021.
    """

    code = "DL3014"
    name = "apt-get-yes"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3014", "AVD-DS-0021")
    examples = [
        bad(
            "FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends curl=7.88.1-10\n",
            fixed="FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10\n",
        ),
        bad("FROM debian:12\nRUN apt-get install -q python3\n", fixed="FROM debian:12\nRUN apt-get install -y -q python3\n"),
        bad(
            "FROM debian:12\nRUN sudo apt-get \\\n    upgrade\n",
            fixed="FROM debian:12\nRUN sudo apt-get \\\n    upgrade -y\n",
        ),
        ok("FROM debian:12\nRUN apt-get -y install python3\n"),
        ok("FROM debian:12\nRUN apt-get install -qq python3 && apt-get install -q=2 git\n"),
        ok("FROM debian:12\nRUN apt-get --assume-yes install python3 && apt-get update\n"),
        ok("FROM debian:12\nRUN apt-get clean && apt-get purge && rm -rf /var/lib/apt/lists/*\n"),
        bad("FROM debian:12\nRUN apt-get purge curl\n", fixed="FROM debian:12\nRUN apt-get purge -y curl\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for inv in invocations(run, ("apt-get",), APT_VALUE_OPTS):
                if inv.verb not in PROMPTING or assumes_yes(inv.command):
                    continue
                if inv.verb in OPERAND_ONLY and len(inv.words) == 1:
                    continue
                verb = inv.words[0]
                edit = insert_after_word(inv.script, verb, " -y")
                fix = make_fix([edit], Applicability.SAFE, f"Add -y to `apt-get {verb.value}`") if edit else None
                message = "Use the `-y` switch to avoid manual input `apt-get -y install <package>`"
                if verb.value != "install":
                    message += f" (`apt-get {verb.value}`)"
                ctx.report(inv.script.span(inv.command.name_word.start, verb.end), message, fix=fix)
