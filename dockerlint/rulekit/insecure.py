"""Shared helpers for the rules that find disabled security checks in a Dockerfile: the
environment variables set by `ENV`/`ARG` and inside `RUN` scripts, and flag words of shell
commands (with short-option clusters and option values told apart)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dockerlint.rulekit.buildkit import args_span, arg_words
from dockerlint.model import Span
from dockerlint.rulekit.runs import cached_run_scripts
from dockerlint.parse.shell import Command, ShellWord
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Iterator

_ASSIGN = lazy(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)
_DECLARE = {"export", "declare", "typeset", "readonly", "local"}


@dataclass
class EnvSetting:
    """An environment variable set by ENV, ARG or a RUN's `export`/`VAR=`."""

    name: str
    value: str  # quotes removed
    span: Span
    where: str  # "ENV", "ARG" or "RUN"


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def env_settings(ctx) -> list[EnvSetting]:
    """Every `NAME=value` the Dockerfile sets: `ENV`, `ARG` defaults (stages and global), and in
    `RUN` scripts `export`/`declare` arguments and command prefixes (`NAME=v cmd`, `env NAME=v`)."""
    return ctx.cached("insecure.env_settings", lambda: list(_env_settings(ctx)))


def _env_settings(ctx) -> Iterator[EnvSetting]:
    df = ctx.dockerfile
    for ins in df.instructions:
        if ins.keyword not in ("ENV", "ARG"):
            continue
        words = arg_words(ins)
        if ins.keyword == "ENV" and words and "=" not in words[0].text:
            if len(words) > 1:
                value = ins.args[words[1].start : words[-1].end]
                yield EnvSetting(words[0].text, _unquote(value), args_span(ins, words[0].start, words[-1].end), "ENV")
            continue
        for word in words:
            m = _ASSIGN.match(word.text)
            if m:
                yield EnvSetting(m.group(1), _unquote(m.group(2)), args_span(ins, word.start, word.end), ins.keyword)
    for rs in cached_run_scripts(ctx):
        if not rs.posix:
            continue
        text = rs.script.text
        for cmd in rs.script.commands:
            eff = cmd.effective()
            for name, value in eff.assignments:
                at = text.find(f"{name}=", cmd.start, cmd.end)
                span = rs.span(at, at + len(name) + 1 + len(value)) if at >= 0 else rs.command_span(cmd)
                yield EnvSetting(name, value, span, "RUN")
            if eff.basename in _DECLARE:
                for word in eff.args:
                    m = _ASSIGN.match(word.value)
                    if m:
                        yield EnvSetting(m.group(1), m.group(2), rs.word_span(word), "RUN")


def commands(ctx) -> Iterator[tuple[object, Command]]:
    """(RunScript, effective command) for every command of every POSIX `RUN` script."""
    for rs in cached_run_scripts(ctx):
        if not rs.posix:
            continue
        for cmd in rs.script.commands:
            yield rs, cmd.effective()


def option_words(cmd: Command) -> list[ShellWord]:
    out = []
    for word in cmd.args:
        if word.value == "--":
            break
        out.append(word)
    return out


def flag_word(cmd: Command, long: tuple[str, ...] = (), short: str = "", short_with_value: str = "", long_with_value: tuple[str, ...] = ()) -> ShellWord | None:
    """The word that sets one of the `long` options (`--insecure`, `--opt=x` forms too) or the
    single-letter options in `short` (also inside clusters such as `-fsSLk`), skipping the values
    of options that take one (`short_with_value`, `long_with_value`)."""
    words = option_words(cmd)
    i = 0
    while i < len(words):
        v = words[i].value
        i += 1
        if not v.startswith("-") or v == "-":
            continue
        if v.startswith("--"):
            key = v.split("=", 1)[0]
            if key in long:
                return words[i - 1]
            if key in long_with_value and "=" not in v:
                i += 1
            continue
        for k, letter in enumerate(v[1:], start=1):
            if letter in short:
                return words[i - 1]
            if letter in short_with_value:
                if k == len(v) - 1:
                    i += 1
                break
    return None
