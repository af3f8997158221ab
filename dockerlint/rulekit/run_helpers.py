"""Small helpers shared by the rules that read RUN scripts.

hadolint checks the RUN inside `ONBUILD` for some rules only, as a separate pass with its own
state; `scripts(ctx, onbuild=...)` gives a rule exactly the scripts it should look at.
"""
from __future__ import annotations

from dockerlint.rulekit import keyvalues
from dockerlint.rulekit.runs import RunScript, cached_run_scripts

TRUTHY = frozenset({"1", "true", "True", "TRUE", "on", "On", "ON", "yes", "Yes", "YES"})


def scripts(ctx, *, onbuild: bool) -> list[RunScript]:
    """The RUN scripts a rule checks: plain RUNs, plus the RUNs inside ONBUILD when the rule
    is one of hadolint's ONBUILD-aware rules. Heredoc bodies that run another interpreter
    (`#!/usr/bin/env python3`) are not shell and are left out."""
    out = []
    for rs in cached_run_scripts(ctx):
        if rs.onbuild and not onbuild:
            continue
        if rs.heredoc is not None and not rs.posix:
            continue
        out.append(rs)
    return out


def commands(rs: RunScript):
    """(command, effective command) pairs: `sudo pip install x` gives the `pip` command."""
    return [(cmd, cmd.effective()) for cmd in rs.script.commands]


def env_pairs(instruction) -> list[tuple[str, str]]:
    """`ENV A=1 B="2"` / `ENV A 1` (legacy form) → [("A", "1"), ("B", "2")]."""
    return [(p.key, p.value) for p in keyvalues.pairs(instruction)]


def script_positional(args, value_flags: set[str]) -> list:
    """Non-flag arguments, skipping the separate value of any option in `value_flags` (spelled
    as written, `-tags` / `--index-url`); `--opt=value` carries its own value. Everything after
    a lone `--` is positional."""
    out = []
    skip = False
    done = False
    for word in args:
        v = word.value
        if skip:
            skip = False
            continue
        if done or not (len(v) > 1 and v.startswith("-")):
            out.append(word)
            continue
        if v == "--":
            done = True
            continue
        if "=" in v:
            continue
        if v in value_flags:
            skip = True
            continue
        if not v.startswith("--") and len(v) > 2:
            # a short-option cluster: `-qr file` — the last letter may take the value
            if f"-{v[-1]}" in value_flags:
                skip = True
    return out


# ---- pip ------------------------------------------------------------------------------------


def pip_install_index(cmd) -> int | None:
    """Index (in cmd.args) of the `install` word when `cmd` is a pip install: `pip`, `pip3`,
    `pip3.12`, `pipx` (not `pipenv`), or `python* -m pip install`. None otherwise."""
    base = cmd.basename
    values = cmd.arg_values
    if base.startswith("pip") and not base.startswith("pipenv"):
        if "install" in values:
            return values.index("install")
        return None
    if base.startswith("python"):
        for i in range(len(values) - 2):
            if values[i] == "-m" and values[i + 1] == "pip" and values[i + 2] == "install":
                return i + 2
    return None


def is_pip_wrapper(cmd) -> bool:
    """pipx and pipenv manage their own environments (and caches)."""
    base = cmd.basename
    if "pipx" in base or "pipenv" in base:
        return True
    values = cmd.arg_values
    if base.startswith("python"):
        for i in range(len(values) - 1):
            if values[i] == "-m" and values[i + 1] in ("pipx", "pipenv"):
                return True
    return False
