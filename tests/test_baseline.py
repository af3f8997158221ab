"""Baselines (`--write-baseline` / `--baseline` / `baseline = ...`): old findings stay hidden
through line shifts and reformatting; a new occurrence, a renamed file and stale entries are
reported. Run as a user runs it: a real `dockerlint` process in a temp repository."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

DOCKERFILE = "FROM debian\nRUN apt-get update && apt-get install -y curl\n"
POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx:1.27
    securityContext:
      privileged: true
"""


def dockerlint(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}  # the cache as users have it
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def codes(proc) -> list[tuple[str, str, int]]:
    data = json.loads(proc.stdout)
    return sorted((f["path"], f["code"], f["line"]) for f in data["findings"])


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "Dockerfile").write_text(DOCKERFILE)
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text(POD)
    wrote = dockerlint(tmp_path, "check", ".", "--write-baseline", "baseline.json", "--format", "json")
    assert wrote.returncode == 0, wrote.stderr
    assert "Wrote 1" in wrote.stderr or "Wrote" in wrote.stderr
    assert json.loads(wrote.stdout)["summary"]["baselined"] > 5
    return tmp_path


def test_the_file_is_sorted_relative_and_readable(repo):
    data = json.loads((repo / "baseline.json").read_text())
    assert data["version"] == 1
    entries = [(e["path"], e["code"], e["source"]) for e in data["findings"]]
    assert entries == sorted(entries)
    assert ("Dockerfile", "DL3006", "FROM debian") in entries
    assert ("k8s/pod.yaml", "KS003", "Pod/web: spec.containers.[app].securityContext.privileged = true") in entries
    assert all(not e["path"].startswith("/") for e in data["findings"])


def test_unchanged_tree_reports_nothing(repo):
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", "json")
    assert proc.returncode == 0, proc.stdout
    assert codes(proc) == []
    assert "hidden by the baseline" in proc.stderr


def test_line_shifts_and_reformatting_keep_old_findings_hidden(repo):
    (repo / "Dockerfile").write_text("# a comment above\n\nFROM debian\nRUN apt-get update \\\n    && apt-get install -y curl\n")
    (repo / "k8s" / "pod.yaml").write_text("# moved\n" + POD.replace("  - name: app\n", "  - name: sidecar\n    image: busybox:1.36\n  - name: app\n"))
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", "json",
                      "--ignore", "KS002,KS004,KS005,KS006,KS007,KS008,KS019,KS020,KS021,KS022")
    # only the new container's own findings (none left after the ignores) and nothing old
    assert [c for c in codes(proc) if c[0] == "Dockerfile"] == []
    assert all("sidecar" not in c for c in codes(proc))
    assert [c for c in codes(proc) if c[1] == "KS003"] == []


def test_a_new_occurrence_of_a_baselined_problem_is_reported(repo):
    (repo / "Dockerfile").write_text(DOCKERFILE + "RUN apt-get install -y wget\n")
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", "json")
    assert proc.returncode == 1
    found = codes(proc)
    assert ("Dockerfile", "DL3008", 3) in found
    assert all(line == 3 for path, _code, line in found if path == "Dockerfile")


def test_duplicate_findings_are_counted(repo):
    (repo / "Dockerfile").write_text("FROM debian\nRUN apt-get update && apt-get install -y curl\nRUN apt-get update && apt-get install -y curl\n")
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", "json")
    found = [c for c in codes(proc) if c[0] == "Dockerfile"]
    assert found and all(line == 3 for _p, _c, line in found)  # the first copy is the baselined one


def test_a_renamed_file_is_new(repo):
    (repo / "k8s" / "pod.yaml").rename(repo / "k8s" / "web.yaml")
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", "json")
    assert ("k8s/web.yaml", "KS003", 10) in codes(proc)
    assert "no longer match" in proc.stderr  # pod.yaml's entries are stale: the file is gone


def test_stale_entries_are_reported_and_pruned(repo):
    (repo / "Dockerfile").write_text("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n")
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json")
    assert "no longer match" in proc.stderr and "DL3006" in proc.stderr
    dockerlint(repo, "check", ".", "--write-baseline", "baseline.json")
    again = dockerlint(repo, "check", ".", "--baseline", "baseline.json")
    assert "no longer match" not in again.stderr
    assert "DL3006" not in (repo / "baseline.json").read_text()


def test_baseline_from_config_and_a_subset_of_files(repo):
    (repo / ".dockerlint.toml").write_text('baseline = "baseline.json"\n')
    proc = dockerlint(repo, "check", "Dockerfile", "--format", "json")  # as pre-commit passes files
    assert proc.returncode == 0 and codes(proc) == []
    assert "no longer match" not in proc.stderr  # pod.yaml was not linted: its entries are not stale


@pytest.mark.parametrize("fmt", ["text", "sarif", "github", "checkstyle", "junit", "gitlab", "rdjson", "markdown"])
def test_every_format_leaves_baselined_findings_out(repo, fmt):
    proc = dockerlint(repo, "check", ".", "--baseline", "baseline.json", "--format", fmt)
    assert proc.returncode == 0, proc.stdout
    assert "DL3006" not in proc.stdout and "KS003" not in proc.stdout


def test_a_broken_baseline_is_a_usage_error(repo):
    (repo / "bad.json").write_text("{not json")
    proc = dockerlint(repo, "check", ".", "--baseline", "bad.json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "bad.json" in proc.stderr
    missing = dockerlint(repo, "check", ".", "--baseline", "nope.json")
    assert missing.returncode == 2 and "--write-baseline" in missing.stderr
    # entries of the wrong shape: a count JSON reads as an infinite float (int() raised
    # OverflowError, uncaught: a traceback and the exit status of findings), a text, no source
    for count in ("1e999", "-Infinity", '"many"'):
        (repo / "odd.json").write_text('{"version": 1, "findings": [{"path": "Dockerfile", "code": "DL3006", '
                                       f'"source": "FROM debian", "count": {count}}}]}}')
        proc = dockerlint(repo, "check", ".", "--baseline", "odd.json")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (count, proc.stderr)
        assert "odd.json: entry 1: count" in proc.stderr, proc.stderr
    (repo / "odd.json").write_text('{"version": 1, "findings": [{"path": "Dockerfile", "code": "DL3006"}, []]}')
    proc = dockerlint(repo, "check", ".", "--baseline", "odd.json")
    assert proc.returncode == 2 and "entry 1 lacks path, code or source" in proc.stderr
