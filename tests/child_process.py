"""Run a child process with a time limit and measure its peak memory (for hostile-input tests).

`os.wait4` gives the resource usage of that one child, so the peak RSS is the child's own and
not the maximum over every process the test run ever waited for (as RUSAGE_CHILDREN would be).
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Child:
    code: int
    out: str
    err: str
    seconds: float
    max_rss_mb: float
    timed_out: bool

    def __str__(self) -> str:  # for assertion messages
        return (f"exit {self.code} after {self.seconds:.1f}s, {self.max_rss_mb:.0f} MB"
                f"{' (killed: timeout)' if self.timed_out else ''}\nstdout: {self.out[-1500:]}\nstderr: {self.err[-1500:]}")


def run_child(argv: list[str], *, cwd: str, timeout: float, env: dict | None = None, preexec_fn=None,
              stdin: bytes | None = None) -> Child:
    """Run argv; kill it after `timeout` seconds. Output goes through files, so a child that
    prints megabytes cannot block on a full pipe."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as inp:
        if stdin is not None:
            inp.write(stdin)
            inp.seek(0)
        start = time.monotonic()
        # Linux carries a process's peak RSS across fork+exec: a child forked straight from a
        # pytest process that has grown to hundreds of MB reports that as its own peak. A small
        # launcher process forks the real child instead, waits for it and reports its usage.
        with tempfile.NamedTemporaryFile("r", suffix=".json") as report:
            launcher = [sys.executable, "-c", _LAUNCHER, json.dumps(argv), str(timeout), report.name]
            proc = subprocess.Popen(launcher, cwd=cwd, stdin=inp, stdout=out, stderr=err, env=env, preexec_fn=preexec_fn)
            try:
                proc.wait(timeout=timeout + 30)  # the launcher enforces `timeout` itself
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            seconds = time.monotonic() - start
            data = json.loads(open(report.name).read() or '{"code": -9, "maxrss": 0, "timed_out": true}')
        out.seek(0)
        err.seek(0)
        rss_kb = data["maxrss"] if sys.platform != "darwin" else data["maxrss"] / 1024
        return Child(data["code"], out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                     seconds, rss_kb / 1024, data["timed_out"])


_LAUNCHER = """
import json, os, signal, subprocess, sys, threading
argv, timeout, report = json.loads(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
child = subprocess.Popen(argv)
killed = []
def kill():
    killed.append(True)
    try:
        os.kill(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
timer = threading.Timer(timeout, kill)
timer.start()
_, status, usage = os.wait4(child.pid, 0)
timer.cancel()
with open(report, "w") as f:
    json.dump({"code": os.waitstatus_to_exitcode(status), "maxrss": usage.ru_maxrss, "timed_out": bool(killed)}, f)
"""


def dockerlint(args: list[str], *, cwd: str, timeout: float, **kwargs) -> Child:
    """`python -m dockerlint ARGS` in a child, as a user would run it (colour and CI off)."""
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("GITHUB_ACTIONS", None)
    env.update(kwargs.pop("env", None) or {})
    return run_child([sys.executable, "-m", "dockerlint", *args], cwd=cwd, timeout=timeout, env=env, **kwargs)
