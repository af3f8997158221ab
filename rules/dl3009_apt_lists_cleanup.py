from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.parse.shell import parse_shell
from dockerlint.fixers.shell_edits import item_index, top_level_chain
from dockerlint.rulekit.package_managers import (
    APT_VALUE_OPTS, append_cleanup_fix, cache_mounted, command_span, invocations, later_runs,
    position, removes_path, runs, stage_persists,
)

APT = ("apt-get", "apt", "aptitude")
LISTS = "/var/lib/apt/lists"
CLEANUP = "rm -rf /var/lib/apt/lists/*"
# Subcommands that read the package lists `update` downloaded.
NEEDS_LISTS = frozenset({
    "install", "reinstall", "upgrade", "dist-upgrade", "full-upgrade", "safe-upgrade",
    "build-dep", "satisfy", "source", "download",
})


def _apt_commands(run):
    return [i for i in invocations(run, APT, APT_VALUE_OPTS) if i.verb == "update" or i.verb in NEEDS_LISTS]


def _dist_clean(cmd) -> bool:
    """`apt-get dist-clean` / `distclean` (apt 2.7.8+, Debian 13) removes the package lists
    too, all but the small Release/InRelease files."""
    if not cmd.is_named("apt-get", "apt"):
        return False
    pos = cmd.positional(APT_VALUE_OPTS)
    return bool(pos) and pos[0].value in ("dist-clean", "distclean")


_SHELLS = ("sh", "bash", "dash", "ash", "zsh", "ksh")


def _removes_lists(cmd) -> bool:
    """`rm -rf /var/lib/apt/lists/*` or `apt-get dist-clean`, also inside `bash -c "..."`."""
    if removes_path(cmd, LISTS) or _dist_clean(cmd):
        return True
    if cmd.is_named(*_SHELLS):
        words = cmd.args
        for k, word in enumerate(words[:-1]):
            if word.value.startswith("-") and "c" in word.value.lstrip("-") and not word.value.startswith("--"):
                inner = parse_shell(words[k + 1].value)
                return any(_removes_lists(c.effective()) for c in inner.commands)
    return False


def _lists_mounted(instruction) -> bool:
    return cache_mounted(instruction, LISTS) or (
        cache_mounted(instruction, "/var/lib/apt") and cache_mounted(instruction, "/var/cache/apt")
    )


def _later_run_needs_lists(ctx, run) -> bool:
    """A later RUN installs from the lists this one leaves, without its own `update`."""
    for later in later_runs(ctx, run):
        if _lists_mounted(later.instruction):
            continue
        apt = _apt_commands(later)
        if not apt:
            continue
        return apt[0].verb != "update"
    return False


class AptListsCleanup(Rule):
    """Delete the apt-get lists after installing something.

    ## What it does
    Flags a RUN that runs `apt-get update` (or `apt update`, `aptitude update`) and does not
    remove `/var/lib/apt/lists` (`rm -rf /var/lib/apt/lists/*`, `apt-get dist-clean`) after it, in a stage whose files are kept: the last stage, or
    a stage another stage is built `FROM`. A RUN with a cache or tmpfs mount on
    `/var/lib/apt/lists` (or on both `/var/lib/apt` and `/var/cache/apt`) is fine.

    ## Why is this bad?
    `apt-get update` downloads the package lists of every configured repository, often 20 to
    50 MB. Unless the same RUN deletes them, they stay in that layer for good: a later
    `rm` only hides them.

    ## Scope
    Stage-level, like hadolint: a RUN in a stage that nothing is built `FROM` and that is not
    the last stage is not reported (its files never reach the image). RUNs inside `ONBUILD` are
    checked as their own pass, and all of them are reported (they run in an image someone
    else builds). Heredoc RUN bodies are read like RUN lines. The `rm` has to come after the
    last `update`.

    ## Fix safety
    Appends ` && rm -rf /var/lib/apt/lists/*` to the RUN, on a new continuation line with the
    previous line's indentation when the RUN already spans lines (`sudo rm` when apt-get ran
    through `sudo`; in a heredoc body, chained onto the last line). Safe when the RUN is a plain
    `a && b && c` chain whose apt-get install is one of its items: the lists are removed only
    once everything succeeded. Unsafe when the RUN uses `;`, `||`, or installs inside an `if`
    or subshell. No fix when a later RUN of the stage installs packages without its own
    `apt-get update` (it needs these lists), or when the RUN ends with `apt-get update`.

    A RUN that only runs `apt-get update`, directly followed by a RUN that starts with
    `apt-get install`, is fixed by merging: the `update` moves to the front of the next RUN
    (`RUN apt-get update && apt-get install ...`), whose clean-up is then added by the fix
    above. Safe: the same commands run in the same order; only a stale cached `update` layer
    can no longer be reused with a newer install.

    ## Compared with other tools
    hadolint DL3009, with these differences. hadolint accepts any `rm -rf ...` (even of
    another directory, or before a later `apt-get update`) as the clean-up; here it must
    remove the lists, after the last update (it may sit in a `bash -c '...'` script), so
    hadolint misses those RUNs. hadolint does not know `apt-get dist-clean` (apt 2.7.8+,
    Debian 13: removes the lists but for the small Release files; used by the official
    images) nor a plain `rm /var/lib/apt/lists/*_*` without `-rf`, and flags both: false
    positives. hadolint does not look through `sudo` (`sudo apt-get update` is missed there).
    """

    code = "DL3009"
    name = "apt-lists-cleanup"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3009",)
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad(
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
            fixed="FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        ),
        bad(
            "FROM debian:12\n"
            "RUN apt-get update \\\n"
            "    && apt-get install -y --no-install-recommends \\\n"
            "       curl \\\n"
            "       git\n",
            fixed="FROM debian:12\n"
            "RUN apt-get update \\\n"
            "    && apt-get install -y --no-install-recommends \\\n"
            "       curl \\\n"
            "       git \\\n"
            "    && rm -rf /var/lib/apt/lists/*\n",
        ),
        bad(
            "FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl\n",
            fixed="FROM debian:12\nRUN apt-get update && \\\n    apt-get install -y curl && \\\n    rm -rf /var/lib/apt/lists/*\n",
        ),
        bad(
            "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n",
            fixed="FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
        ),
        bad(
            "FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl\nEOF\n",
            fixed="FROM debian:12\nRUN <<EOF\napt-get update\napt-get install -y curl && rm -rf /var/lib/apt/lists/*\nEOF\n",
        ),
        bad(
            "FROM debian:12\nRUN sudo apt-get update && sudo apt-get install -y curl\n",
            fixed="FROM debian:12\nRUN sudo apt-get update && sudo apt-get install -y curl && sudo rm -rf /var/lib/apt/lists/*\n",
        ),
        bad("FROM debian:12 AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\n"),
        bad("FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN apt-get install -y git\n", count=1),
        ok("FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"),
        ok("FROM debian:13\nRUN apt-get update && apt-get install -y curl && apt-get dist-clean\n"),
        ok("FROM debian:12\nRUN apt-get update && bash -c 'apt-get install -y curl && rm -rf /var/lib/apt/lists/*'\n"),
        ok("FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM scratch\nCOPY --from=build /x /x\n"),
        ok(
            "FROM debian:12\n"
            "RUN --mount=type=cache,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt \\\n"
            "    apt-get update && apt-get install -y curl\n"
        ),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            if _lists_mounted(run.instruction):
                continue
            apt = _apt_commands(run)
            updates = [i for i in apt if i.verb == "update"]
            if not updates:
                continue
            last_update = updates[-1]
            after = position(run, last_update.script, last_update.command)
            if any(
                position(run, script, cmd) > after and _removes_lists(cmd)
                for script, cmd in run.commands()
            ):
                continue
            if not run.onbuild and not stage_persists(ctx, run.stage):
                continue
            ctx.report(
                command_span(last_update),
                "Delete the apt-get lists after installing something.",
                fix=self._fix(ctx, run, apt),
            )

    def _fix(self, ctx, run, apt):
        if apt[-1].verb == "update":
            return self._merge_fix(ctx, run)
        if _later_run_needs_lists(ctx, run):
            return None
        return append_cleanup_fix(ctx, apt[-1], CLEANUP, "Remove the apt lists in the same RUN")

    def _merge_fix(self, ctx, run):
        """`RUN apt-get update` + `RUN apt-get install ...` -> one RUN."""
        df = ctx.dockerfile
        ins = run.outer
        if run.onbuild or run.exec_form or ins.flags or ins.heredocs or len(run.scripts) != 1:
            return None
        script = run.scripts[0]
        text = script.text.strip()
        if not script.script.parse_ok or len(script.script.commands) != 1 or "#" in text or "\n" in text:
            return None
        k = ins.index + 1
        if k >= len(df.instructions):
            return None
        nxt = df.instructions[k]
        if nxt.keyword != "RUN" or nxt.stage != ins.stage or nxt.json is not None or nxt.heredocs:
            return None
        if any(f.name not in ("mount",) for f in nxt.flags):
            return None
        nxt_run = next((r for r in runs(ctx) if r.outer is nxt), None)
        if nxt_run is None or len(nxt_run.scripts) != 1:
            return None
        chain = top_level_chain(nxt_run.scripts[0].script)
        if chain is None or not nxt_run.scripts[0].script.parse_ok:
            return None
        first = chain.items[0]
        installs = [i for i in _apt_commands(nxt_run) if i.verb in NEEDS_LISTS]
        if not installs or len(first) != 1 or item_index(chain, installs[0].command) != 0:
            return None
        source = ctx.source
        line_start = source.line_start(ins.span.line)
        if source.text[line_start : ins.span.start].strip():
            return None
        end = source.line_start(ins.span.end_line + 1) if ins.span.end_line < source.line_count else len(source.text)
        at = nxt_run.scripts[0].offset(first[0].start)
        edits = [Edit.delete(line_start, end), Edit.insert(at, f"{text} && ")]
        return make_fix(edits, Applicability.SAFE, "Merge `apt-get update` into the RUN that installs")
