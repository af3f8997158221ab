import re

from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.fixers.shell_edits import insert_after_word
from dockerlint.rulekit.package_managers import APT_VALUE_OPTS, invocations, runs
from dockerlint.rulekit.patterns import lazy

_OFF = frozenset({"0", "false", "no", "off"})
# `APT::Install-Recommends "0";` written to apt.conf.d by an earlier RUN turns it off for good.
# Packages installed for what they recommend: without it the next step breaks.
_RECOMMENDS_NEEDED = {
    "python3-pip": "build-essential, python3-setuptools and python3-wheel, which pip needs to build a package that has no wheel",
    "python-pip": "build-essential, python-setuptools and python-wheel, which pip needs to build a package that has no wheel",
}
_CONFIG_OFF = lazy(r"""APT::Install-Recommends\s*[ =]\s*\\?["']?\\?["']?(?:0|false|no|off)\b""", re.I)


def _recommends_needed(path: str, words: list[str]) -> str | None:
    """Why the recommended packages of this install are needed, or None."""
    if ".devcontainer" in re.split(r"[/\\]", path):
        return "a development container wants the recommended tools and documentation"
    for word in words:
        name = word.split("=", 1)[0]
        if name in _RECOMMENDS_NEEDED:
            return f"{name} recommends {_RECOMMENDS_NEEDED[name]}"
    return None


def recommends_off(cmd) -> bool:
    if cmd.has_flag("--no-install-recommends"):
        return True
    for value in cmd.flag_values("-o", "--option") + [w.value for w in cmd.args]:
        key, eq, val = value.partition("=")
        if eq and key.strip().lower() == "apt::install-recommends" and val.strip().strip("\"'").lower() in _OFF:
            return True
    return False


class AptNoInstallRecommends(Rule):
    """Avoid additional packages by specifying `--no-install-recommends`.

    ## What it does
    Flags an `apt-get install` without `--no-install-recommends` (or
    `-o APT::Install-Recommends=false`).

    ## Why is this bad?
    By default apt also installs every package the requested ones merely *recommend*:
    documentation, optional helpers, sometimes whole toolchains. They make the image larger,
    slower to pull and give it more to patch, for features the application does not use.

    ## Scope
    Every stage, `sudo apt-get` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.
    Not reported when an earlier RUN of the stage (or of a stage it is built `FROM`), or the
    same RUN, wrote `APT::Install-Recommends "0";` (or `"false"`) into apt's configuration.

    ## Fix safety
    Inserts ` --no-install-recommends` after `install`. Unsafe: the application may rely on a
    recommended package (a CA bundle, a locale, a plugin) that will no longer be installed;
    check the image still works, and list what it needs explicitly. Display-only, with the
    reason, where the recommends are what the install is for (`python3-pip`, whose recommended
    `build-essential`, `python3-setuptools` and `python3-wheel` pip needs to build a package
    without a wheel) and in a `.devcontainer/` Dockerfile (a development environment wants the
    recommended tools and documentation).

    ## Compared with other tools
    hadolint DL3015, which does not see an apt configuration written by an earlier RUN, and
    does not look through `sudo` (it misses `sudo apt-get install -y curl`).
    Trivy AVD-DS-0029.
    """

    code = "DL3015"
    name = "apt-no-install-recommends"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3015", "AVD-DS-0029")
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad(
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl=7.88.1-10\n",
            fixed="FROM debian:12\nRUN apt-get update && apt-get install --no-install-recommends -y curl=7.88.1-10\n",
            at=(2, 23),
        ),
        bad("FROM debian:12\nRUN apt-get -y install python3\n", at=(2, 5)),
        ok("FROM debian:12\nRUN apt-get install -y --no-install-recommends python3\n"),
        ok("FROM debian:12\nRUN apt-get -o APT::Install-Recommends=false install -y python3\n"),
        ok(
            "FROM debian:12\n"
            "RUN echo 'APT::Install-Recommends \"0\";' > /etc/apt/apt.conf.d/99norecommends\n"
            "RUN apt-get install -y python3\n"
        ),
    ]

    def check(self, ctx):
        configured: set[int] = set()  # stages whose apt config turns recommends off
        infos = None
        for run in runs(ctx):
            stage_off = False
            if not run.onbuild:
                if infos is None:
                    infos = ctx.cached("stage_infos", lambda: stage_infos(ctx.dockerfile, ctx.settings.build_args))
                stage, seen = run.stage, set()
                while stage is not None and stage >= 0 and stage not in seen:
                    seen.add(stage)
                    if stage in configured:
                        stage_off = True
                        break
                    stage = infos[stage].parent if stage < len(infos) else None
            for inv in invocations(run, ("apt-get",), APT_VALUE_OPTS):
                if inv.verb != "install" or recommends_off(inv.command) or stage_off:
                    continue
                before = inv.script.text[: inv.command.start]
                if _CONFIG_OFF.search(before):
                    continue
                verb = inv.words[0]
                edit = insert_after_word(inv.script, verb, " --no-install-recommends")
                why_not = _recommends_needed(ctx.path, [w.value for w in inv.words[1:]])
                if edit is None:
                    fix = None
                elif why_not:
                    fix = make_fix(
                        [edit], Applicability.DISPLAY_ONLY,
                        f"Add --no-install-recommends, listing what is needed; not applied because {why_not}",
                    )
                else:
                    fix = make_fix([edit], Applicability.UNSAFE, "Add --no-install-recommends")
                ctx.report(
                    inv.script.span(inv.command.name_word.start, verb.end),
                    "Avoid additional packages by specifying `--no-install-recommends`",
                    fix=fix,
                )
            if not run.onbuild and any(_CONFIG_OFF.search(s.text) for s in run.scripts):
                configured.add(run.stage)
