"""Run a child process with a time limit and measure its own peak memory (hostile-input tests).

The peak RSS of a forked child is not its own: Linux carries the parent's high-water mark over
fork and exec (a `python -c pass` forked from a test run that once held 800 MB reports 811 MB).
So the command runs under a small reaper process: the reaper's memory is fresh, it forks the real
child, waits for it with `os.wait4` and reports that child's own peak RSS and exit status.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_REAPER = r"""
import os, subprocess, sys
report, argv = sys.argv[1], sys.argv[2:]
child = subprocess.Popen(argv)
_, status, usage = os.wait4(child.pid, 0)
child.returncode = code = os.waitstatus_to_exitcode(status)
with open(report, "w") as f:
    f.write(f"{usage.ru_maxrss} {code}")
sys.exit(code if code >= 0 else 128 - code)
"""


@dataclass
class Child:
    code: int  # negative: killed by that signal
    out: str
    err: str
    seconds: float
    max_rss_mb: float
    timed_out: bool

    def __str__(self) -> str:  # for assertion messages
        return (f"exit {self.code} after {self.seconds:.1f}s, {self.max_rss_mb:.0f} MB"
                f"{' (killed: timeout)' if self.timed_out else ''}\nstdout: {self.out[-1500:]}\nstderr: {self.err[-1500:]}")


def run_child(argv: list[str], *, cwd: str, timeout: float, env: dict | None = None, stdin: bytes | None = None) -> Child:
    """Run argv; kill it (its whole process group) after `timeout` seconds. Output goes
    through files, so a child that prints megabytes cannot block on a full pipe."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp, \
            tempfile.NamedTemporaryFile("r", suffix=".rusage") as report:
        if stdin is not None:
            inp.write(stdin)
            inp.seek(0)
        start = time.monotonic()
        proc = subprocess.Popen([sys.executable, "-c", _REAPER, report.name, *argv], cwd=cwd, stdin=inp,
                                stdout=out, stderr=err, env=env, start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
        seconds = time.monotonic() - start
        fields = report.read().split()
        if len(fields) == 2:
            rss_kb, code = float(fields[0]), int(fields[1])
        else:  # the reaper itself was killed
            rss_kb, code = float("nan"), proc.returncode
        if sys.platform == "darwin":
            rss_kb /= 1024  # bytes there
        out.seek(0)
        err.seek(0)
        return Child(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                     seconds, rss_kb / 1024, timed_out.is_set())


def dockerlint(args: list[str], *, cwd: str, timeout: float, **kwargs) -> Child:
    """`python -m dockerlint ARGS` in a child, as a user would run it (colour and CI off)."""
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("GITHUB_ACTIONS", None)
    env.update(kwargs.pop("env", None) or {})
    return run_child([sys.executable, "-m", "dockerlint", *args], cwd=cwd, timeout=timeout, env=env, **kwargs)
