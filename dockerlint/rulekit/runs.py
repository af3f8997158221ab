"""The shell scripts of a Dockerfile's RUN instructions, parsed once per file and shared by rules.

Each `RunScript` knows its instruction, whether it came from inside `ONBUILD`, the `SHELL` in
effect, and how to turn an offset in the script back into a source span — across continuation
lines (through `Instruction.source_offset`) and inside heredoc bodies.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from dockerlint.model import SourceText, Span
from dockerlint.parse.dockerfile import Dockerfile, Heredoc, Instruction
from dockerlint.parse.shell import Script, is_posix_shell, parse_shell, strip_shebang
from dockerlint.rulekit.patterns import lazy

DEFAULT_SHELL = ["/bin/sh", "-c"]
WINDOWS_DEFAULT_SHELL = ["cmd", "/S", "/C"]
_HEREDOC_ONLY = lazy(r"^\s*(?:(?:/usr)?(?:/bin/)?(?:ba|da|a|z|k)?sh\s+)?(?:-[a-z]+\s+)*<<-?\s*['\"]?[A-Za-z_][\w-]*['\"]?\s*$")


@dataclass
class RunScript:
    """The shell program of a RUN (or ONBUILD RUN, or a heredoc), with the shell it runs under."""

    instruction: Instruction  # the RUN itself (for ONBUILD RUN: the wrapped RUN)
    outer: Instruction  # the instruction in Dockerfile.instructions (the ONBUILD, or the RUN)
    onbuild: bool
    shell: list[str]  # SHELL argv in effect
    posix: bool  # the shell is sh-compatible (not PowerShell/cmd), and so is a heredoc's shebang
    text: str
    script: Script
    heredoc: Heredoc | None  # the heredoc body this script is, or None for the command line
    exec_form: bool
    _source: SourceText

    @property
    def stage(self) -> int:
        return self.outer.stage

    def offset(self, index: int) -> int:
        """Source offset of character `index` of this script."""
        if self.heredoc is not None:
            body = self.heredoc.body_span
            if not self.heredoc.chomp:
                return min(body.start + index, body.end)
            # <<- removed leading tabs: map by line, then column within the stripped line.
            line_no = self.text.count("\n", 0, index)
            line_start = self.text.rfind("\n", 0, index) + 1
            src_line = body.line + line_no
            src_start = self._source.line_start(src_line)
            tabs = len(self._source.line_text(src_line)) - len(self._source.line_text(src_line).lstrip("\t"))
            return min(src_start + tabs + (index - line_start), body.end)
        if self.exec_form:
            return self.instruction.span.start
        return self.instruction.source_offset(index)

    def span(self, start: int, end: int) -> Span:
        """The source span of script[start:end]."""
        if self.exec_form:
            return self.instruction.span
        s = self.offset(start)
        e = self.offset(max(start, end - 1)) + (1 if end > start else 0)
        return self._source.span(s, max(s, e))

    def command_span(self, command) -> Span:
        return self.span(command.start, command.end)

    def word_span(self, word) -> Span:
        return self.span(word.start, word.end)


def shell_argv(instruction: Instruction) -> list[str] | None:
    if instruction.json is not None:
        return list(instruction.json)
    try:
        value = json.loads(instruction.args)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return value
    except ValueError:
        pass
    return None


def _scripts_for(run: Instruction, outer: Instruction, onbuild: bool, shell: list[str], source: SourceText) -> list[RunScript]:
    posix = is_posix_shell(shell)
    out: list[RunScript] = []
    if run.json is not None:
        text = " ".join(run.json)
        out.append(RunScript(run, outer, onbuild, shell, posix, text, parse_shell(text), None, True, source))
        return out
    out.append(RunScript(run, outer, onbuild, shell, posix, run.args, parse_shell(run.args), None, False, source))
    if run.heredocs and _HEREDOC_ONLY.match(run.args.split("\n", 1)[0]):
        for heredoc in run.heredocs[:1]:  # the script heredoc; later ones feed files
            interpreter, _ = strip_shebang(heredoc.content)
            body_posix = posix and (interpreter is None or is_posix_shell([interpreter]))
            out.append(
                RunScript(run, outer, onbuild, shell, body_posix, heredoc.content, parse_shell(heredoc.content), heredoc, False, source)
            )
    return out


def run_scripts(df: Dockerfile, *, windows_default: bool = False) -> list[RunScript]:
    """Every RUN's scripts in order: plain RUNs and (flagged `onbuild`) the RUNs inside ONBUILD.

    The SHELL in effect follows `SHELL` instructions within a stage and is inherited by stages
    built `FROM` an earlier stage.
    """
    default = WINDOWS_DEFAULT_SHELL if windows_default else DEFAULT_SHELL
    stage_shell: dict[int, list[str]] = {}
    aliases: dict[str, int] = {}
    shell = list(default)
    out: list[RunScript] = []
    for instruction in df.instructions:
        kw = instruction.keyword
        if kw == "FROM":
            stage = next((s for s in df.stages if s.from_ is instruction), None)
            parent = aliases.get(stage.image.lower()) if stage else None
            shell = list(stage_shell.get(parent, default)) if parent is not None else list(default)
            if stage is not None:
                if stage.alias:
                    aliases[stage.alias.lower()] = stage.index
                stage_shell[stage.index] = shell
        elif kw == "SHELL":
            argv = shell_argv(instruction)
            if argv:
                shell = argv
                if instruction.stage >= 0:
                    stage_shell[instruction.stage] = shell
        elif kw == "RUN":
            out += _scripts_for(instruction, instruction, False, shell, df.source)
        elif kw == "ONBUILD" and instruction.inner is not None and instruction.inner.keyword == "RUN":
            out += _scripts_for(instruction.inner, instruction, True, shell, df.source)
    return out


def cached_run_scripts(ctx) -> list[RunScript]:
    return ctx.cached("run_scripts", lambda: run_scripts(ctx.dockerfile))
