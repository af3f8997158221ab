"""The RUN scripts of a Dockerfile as a shell checker sees them, with a map back to the source.

One `Job` per checkable script: which dialect (hadolint's rules: `/bin/sh` unless `SHELL`, a
`# hadolint shell=` pragma or a heredoc's shebang says otherwise; PowerShell, cmd and shells
ShellCheck does not know are skipped, and so are the stages on a Windows base image, whose
default shell is `cmd /S /C`: `rulekit.windows`), which variables the Dockerfile defines for it (every
ARG/ENV seen so far in the stage, plus Docker's predefined proxy variables), and the script
text in pieces that map back to source offsets (continuation lines, heredoc bodies appended
to `RUN cat <<EOF > f` as the shell sees them).

Shared by the ShellCheck binary's runner (`preamble=True`: a shebang and `export NAME=1`
lines are written in front) and the native shell checks (`preamble=False`: the user's text
only, with `dialect` and `names` as attributes).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dockerlint.model import SourceText, Span
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Callable

PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy")
DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ash": "ash", "ksh": "ksh", "mksh": "ksh", "pdksh": "ksh", "ksh93": "ksh"}
NON_POSIX = ("pwsh", "powershell", "cmd")



@dataclass
class _Piece:
    """A part of a composite script, mapped back to the Dockerfile where it came from."""

    start: int  # offset in the composite text
    text: str
    origin: Callable[[int], int] | None  # index in `text` -> source offset; None: we wrote it


@dataclass
class Job:
    """One script to check with ShellCheck, its dialect and where findings go."""

    instruction: object  # the RUN (for ONBUILD, the wrapped RUN)
    anchor: Span  # where a finding goes when its position is in text we wrote
    pieces: list[_Piece] = field(default_factory=list)
    dialect: str = "sh"  # sh, bash, dash, ash, ksh
    names: frozenset = frozenset()  # variables the Dockerfile defines for this script
    script: object = None  # the RunScript

    @property
    def text(self) -> str:
        return "".join(p.text for p in self.pieces)

    def add(self, text: str, origin=None) -> None:
        start = self.pieces[-1].start + len(self.pieces[-1].text) if self.pieces else 0
        self.pieces.append(_Piece(start, text, origin))

    def locate(self, index: int) -> tuple[_Piece, int] | None:
        for piece in self.pieces:
            if piece.start <= index < piece.start + len(piece.text):
                return piece, index - piece.start
        if self.pieces and index == len(self.text):  # end of text: the last piece's end
            piece = self.pieces[-1]
            return piece, len(piece.text)
        return None


def _program(argv: list[str]) -> str:
    words = [w for w in argv if w]
    while words:
        name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
        if name.endswith(".exe"):
            name = name[:-4]
        if name in ("env", "busybox") and len(words) > 1:
            words = [w for w in words[1:] if not w.startswith("-") and "=" not in w]
            continue
        return name
    return ""


def dialect_for(shell: list[str]) -> str | None:
    """The shebang name for a SHELL argv or pragma, or None when ShellCheck should not run."""
    prog = _program(shell)
    if prog.startswith(NON_POSIX):
        return None
    return DIALECTS.get(prog)


_IDENTIFIER = lazy(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LEADING_COMMENTS = lazy(r"(?:[ \t]*(?:#[^\n]*)?\n)*")


def _exports(names: set[str]) -> str:
    return "".join(f"export {name}=1\n" for name in sorted(n for n in names if _IDENTIFIER.match(n)))


def _mapped(rs, base: int = 0):
    return lambda i: rs.offset(base + i)


def _build_job(rs, shell: list[str], names: set[str], source: SourceText, body_is_script: bool, preamble: bool = True) -> Job | None:
    """The script ShellCheck checks for one RunScript. `body_is_script`: the RUN is only a
    heredoc (`RUN <<EOF`), whose body is a separate RunScript and the real script."""
    from dockerlint.parse.shell import strip_shebang

    run = rs.instruction
    if rs.exec_form:
        return None
    dialect = dialect_for(shell)
    job = Job(run, run.keyword_span, names=frozenset(names), script=rs)
    if rs.heredoc is not None:
        body = rs.text
        interpreter, rest = strip_shebang(body)
        explicit = run.args.split("<<", 1)[0].split()
        if interpreter is not None:
            dialect = DIALECTS.get(interpreter)
        elif explicit:
            dialect = DIALECTS.get(_program(explicit))
        if dialect is None:
            return None
        # The body's own shebang line is replaced by ours (same line count kept by the map).
        skipped = len(body) - len(rest) if interpreter is not None else 0
        job.dialect = dialect
        script = rest if interpreter is not None else body
        if preamble:
            # The exports go after the script's leading comments: a `# shellcheck disable=`
            # there is file-wide only when no command comes before it.
            lead = len(_LEADING_COMMENTS.match(script).group(0))
            job.add(f"#!/bin/{dialect}\n")
            if lead:
                job.add(script[:lead], _mapped(rs, skipped))
            job.add(_exports(names))
            job.add(script[lead:], _mapped(rs, skipped + lead))
            return job
        job.add(script, _mapped(rs, skipped))
        return job
    if dialect is None:
        return None
    if body_is_script:
        return None  # `RUN <<EOF`: the body is the script, checked on its own
    job.dialect = dialect
    if preamble:
        job.add(f"#!/bin/{dialect}\n")
        job.add(_exports(names))
    job.add(rs.text, _mapped(rs))
    text = source.text
    for heredoc in run.heredocs:
        # As the shell sees it: the heredoc bodies and terminators follow the command line.
        job.add("\n")
        chunk = text[heredoc.span.start : heredoc.span.end].replace("\r", " ")
        job.add(chunk, (lambda base: lambda i: base + i)(heredoc.span.start))
    return job


# --------------------------------------------------------------------------------------------
# Which shell and variables each RUN sees (hadolint's state, per stage)


def _env_names(instruction) -> list[str]:
    """`ENV A=1 B=2` → A, B; the legacy `ENV A 1` → A."""
    words = instruction.words()
    if not words:
        return []
    if "=" not in words[0].value:
        return [words[0].value]
    return [w.value.split("=", 1)[0] for w in words if "=" in w.value]


def _arg_names(instruction) -> list[str]:
    from dockerlint.rulekit.analysis import parse_arg

    return [name for name, _ in parse_arg(instruction)]


def plan(df, source: SourceText, preamble: bool = True, scripts=None, windows: bool = True) -> list[Job]:
    """One job per checkable RUN script, in file order. `preamble`: write a shebang and the
    `export NAME=1` lines in front (for the ShellCheck binary). `scripts`: the file's
    `run_scripts` when already computed (rules share them through `ctx.cached`). `windows`:
    False reads Windows stages' scripts as sh too, as hadolint does (for comparisons)."""
    from dockerlint.rulekit.runs import run_scripts, shell_argv
    from dockerlint.rulekit.windows import CMD_SHELL, windows_stages
    from dockerlint.suppressions import HADOLINT_SHELL_PRAGMA

    if scripts is None:
        scripts = run_scripts(df)
    by_run: dict[int, list] = {}
    for rs in scripts:
        by_run.setdefault(id(rs.instruction), []).append(rs)
    body_runs = {id(rs.instruction) for rs in scripts if rs.heredoc is not None}

    # Instructions and shell pragmas, in source order.
    events: list[tuple[int, str, object]] = [(i.span.start, "instruction", i) for i in df.instructions]
    for comment in df.comments:
        m = HADOLINT_SHELL_PRAGMA.match(comment.text)
        if m:
            events.append((comment.span.start, "pragma", m.group("shell")))
    events.sort(key=lambda e: e[0])

    windows = windows_stages(df) if windows else set()  # their default shell is cmd
    default_shell = ["/bin/sh"]
    shell = list(default_shell)
    names: set[str] = set(PROXY_VARS)
    pragma: list[str] | None = None  # the pragma shell in effect (ONBUILD RUNs see only this)
    global_pragma: list[str] | None = None
    seen_from = False
    stage_shell: dict[str, list[str]] = {}
    stage_env: dict[str, set[str]] = {}
    stage_pragma: dict[str, list[str] | None] = {}
    current_keys: list[str] = []
    env_names: set[str] = set()
    onbuild_shell: list[str] | None = None
    onbuild_names: set[str] = set(PROXY_VARS)
    in_windows = False
    jobs: list[Job] = []

    def remember():
        for key in current_keys:
            stage_shell[key] = list(shell)
            stage_env[key] = set(env_names)
            stage_pragma[key] = pragma

    for _, kind, item in events:
        if kind == "pragma":
            shell = [item]
            pragma = [item]
            if not seen_from:
                global_pragma = [item]
                default_shell = [item]
            remember()
            continue
        instruction = item
        kw = instruction.keyword
        if kw == "FROM":
            seen_from = True
            stage = next((s for s in df.stages if s.from_ is instruction), None)
            parent = stage.image.lower() if stage is not None else ""
            if parent in stage_shell:
                shell = list(stage_shell[parent])
                env_names = set(stage_env[parent])
                pragma = stage_pragma[parent]
            else:
                shell = CMD_SHELL if stage is not None and stage.index in windows and global_pragma is None else list(default_shell)
                env_names = set()
                pragma = global_pragma
            names = set(PROXY_VARS) | env_names
            in_windows = stage is not None and stage.index in windows
            current_keys = [str(stage.index)] if stage is not None else []
            if stage is not None and stage.alias:
                current_keys.append(stage.alias.lower())
            remember()
        elif kw == "SHELL":
            argv = shell_argv(instruction)
            if argv:
                shell = argv
                remember()
        elif kw == "ARG":
            names |= set(_arg_names(instruction))
        elif kw == "ENV":
            new = set(_env_names(instruction))
            names |= new
            env_names |= new
            remember()
        elif kw == "RUN":
            for rs in by_run.get(id(instruction), []):
                job = _build_job(rs, shell, names, source, id(instruction) in body_runs, preamble)
                if job is not None:
                    jobs.append(job)
        elif kw == "ONBUILD" and instruction.inner is not None:
            # hadolint's ONBUILD pass: only the wrapped instructions, in their own state.
            inner = instruction.inner
            if inner.keyword == "SHELL" and shell_argv(inner):
                onbuild_shell = shell_argv(inner)
            elif inner.keyword == "ARG":
                onbuild_names |= set(_arg_names(inner))
            elif inner.keyword == "ENV":
                onbuild_names |= set(_env_names(inner))
            elif inner.keyword == "RUN":
                for rs in by_run.get(id(inner), []):
                    job = _build_job(rs, onbuild_shell or pragma or (CMD_SHELL if in_windows else ["/bin/sh"]), onbuild_names, source, id(inner) in body_runs, preamble)
                    if job is not None:
                        jobs.append(job)
    return jobs



def _source_offset(job: Job, index: int) -> int | None:
    found = job.locate(index)
    if found is None:
        return None
    piece, i = found
    if piece.origin is None:
        return None
    if i >= len(piece.text):
        return piece.origin(len(piece.text) - 1) + 1 if piece.text else None
    return piece.origin(i)


def source_span(job: Job, source: SourceText, start: int, end: int) -> Span:
    s = _source_offset(job, start)
    if s is None:
        return job.anchor
    if end > start:
        last = _source_offset(job, end - 1)
        e = last + 1 if last is not None and last >= s else s
    else:
        e = s
    return source.span(s, e)

