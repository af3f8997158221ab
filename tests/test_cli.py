"""The command-line contract of DEVELOPERS.md: formats, exit codes, stdin, selection."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli

BAD = "FROM debian\nUSER root\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_json_contract(tmp_path):
    df = write(tmp_path, "Dockerfile", BAD)
    code, out, _ = run_cli(["check", str(df), "--format", "json", "--select", "DL3006,DL3002", "--isolated"])
    assert code == 1
    doc = json.loads(out)
    findings = doc["findings"]
    assert {f["code"] for f in findings} == {"DL3006", "DL3002"}
    f = next(f for f in findings if f["code"] == "DL3006")
    assert (f["line"], f["column"], f["end_line"], f["end_column"]) == (1, 6, 1, 12)
    for key in ("code", "severity", "message", "path", "line", "column", "end_line", "end_column", "aliases", "fix"):
        assert key in f
    assert f["severity"] == "warning"
    assert isinstance(f["aliases"], list)


def test_exit_zero_when_clean(tmp_path):
    df = write(tmp_path, "Dockerfile", "FROM debian:12\nUSER app\n")
    code, out, _ = run_cli(["check", str(df), "--select", "DL3006,DL3002,DF001", "--isolated"])
    assert code == 0, out


def test_failure_threshold(tmp_path):
    df = write(tmp_path, "Dockerfile", BAD)
    code, _, _ = run_cli(["check", str(df), "--select", "DL3006", "--failure-threshold", "error", "--isolated"])
    assert code == 0
    code, _, _ = run_cli(["check", str(df), "--select", "DL3006", "--severity", "DL3006=error", "-t", "error", "--isolated"])
    assert code == 1


def test_usage_errors_exit_2(tmp_path):
    code, _, err = run_cli(["check", "--select", "NOPE9999", str(tmp_path)])
    assert code == 2 and "NOPE9999" in err
    with pytest.raises(SystemExit) as e:
        run_cli(["check", "--format", "nonsense"])
    assert e.value.code == 2


def test_missing_file_is_io_error(tmp_path):
    code, out, _ = run_cli(["check", str(tmp_path / "Dockerfile"), "--isolated"])
    assert code == 2
    assert "no such file" in out


def test_stdin_with_filename():
    code, out, _ = run_cli(["check", "-", "--stdin-filename", "Dockerfile", "--format", "json", "--select", "DL3006", "--isolated"], stdin=BAD)
    assert code == 1
    doc = json.loads(out)
    assert doc["findings"][0]["path"] == "Dockerfile"


def test_kind_forces_parsing(tmp_path):
    p = write(tmp_path, "build.txt", BAD)
    code, out, _ = run_cli(["check", str(p), "--kind", "dockerfile", "--select", "DL3006", "--format", "json", "--isolated"])
    assert code == 1 and json.loads(out)["findings"][0]["code"] == "DL3006"


def test_text_output_shows_source_and_caret(tmp_path):
    df = write(tmp_path, "Dockerfile", BAD)
    code, out, _ = run_cli(["check", str(df), "--select", "DL3006", "--isolated"])
    assert "DL3006" in out
    assert "1 | FROM debian" in out
    assert "     ^^^^^^" in out


def test_select_all_includes_off_by_default_rules():
    from dockerlint import ruleset

    off = [r for r in ruleset.all_rules() if not r.enabled_by_default]
    if not off:
        pytest.skip("no off-by-default rule registered yet")
    assert all(ruleset.rule_selected(r, ["ALL"], []) for r in off)
    assert not any(ruleset.rule_selected(r, ["DEFAULT"], []) for r in off)


def test_rules_json_lists_every_rule():
    code, out, _ = run_cli(["rules", "--format", "json"])
    assert code == 0
    rules = json.loads(out)
    assert {"code", "name", "aliases"} <= set(rules[0])
    assert "DL3006" in {r["code"] for r in rules}


def test_rule_explains_by_code_and_name():
    code, out, _ = run_cli(["rule", "DL3006"])
    assert code == 0 and "What it does" in out and "untagged-base-image" in out
    code2, out2, _ = run_cli(["rule", "untagged-base-image"])
    assert code2 == 0 and out2 == out
    code3, _, err = run_cli(["rule", "XX0000"])
    assert code3 == 2 and "unknown rule" in err


def test_ast_jsonl(tmp_path):
    df = write(tmp_path, "Dockerfile", "FROM a\nRUN <<EOF\necho hi\nEOF\n")
    code, out, _ = run_cli(["ast", str(df), "--format", "jsonl"])
    assert code == 0
    doc = json.loads(out.splitlines()[0])
    assert doc["path"] == str(df)
    run = doc["instructions"][1]
    assert (run["keyword"], run["line"], run["end_line"]) == ("RUN", 2, 4)
    assert run["heredocs"][0]["name"] == "EOF" and run["heredocs"][0]["content"] == "echo hi\n"


def test_directory_walk_respects_gitignore_and_skips_unrelated_yaml(tmp_path):
    write(tmp_path, "Dockerfile", BAD)
    write(tmp_path, "ignored/Dockerfile", BAD)
    write(tmp_path, ".gitignore", "ignored/\n")
    write(tmp_path, ".github/workflows/ci.yml", "on: push\njobs: {}\n")
    write(tmp_path, "values.yaml", "replicaCount: 1\n")
    code, out, err = run_cli(["check", str(tmp_path), "--select", "DL3006", "--format", "json", "--isolated"])
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert any(p.endswith("Dockerfile") and "ignored" not in p for p in paths)
    assert not any("ignored" in p for p in paths)
    assert json.loads(out)["errors"] == []


@pytest.mark.skipif(not __import__("shutil").which("git"), reason="git is not installed")
def test_directory_walk_inside_a_git_repository_asks_git(tmp_path):
    """A directory below a repository's top: git is found through the parent's `.git` and
    gives the files (`.git/info/exclude` is read by git alone); a tree outside any
    repository is walked without git (the test above)."""
    repo = tmp_path / "repo"
    write(repo, "deploy/Dockerfile", BAD)
    write(repo, "deploy/skipped/Dockerfile", BAD)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "exclude").write_text("skipped/\n")
    code, out, err = run_cli(["check", str(repo / "deploy"), "--select", "DL3006", "--format", "json", "--isolated"])
    paths = {f["path"] for f in json.loads(out)["findings"]}
    assert code == 1 and len(paths) == 1, (paths, err)
    assert paths.pop().endswith(os.path.join("deploy", "Dockerfile"))


def test_statistics(tmp_path):
    df = write(tmp_path, "Dockerfile", BAD)
    _, out, _ = run_cli(["check", str(df), "--select", "DL3006,DL3002", "--statistics", "--isolated"])
    assert "1  DL3006  untagged-base-image" in out


def test_no_progress_bar_or_color_in_pipes(tmp_path):
    for i in range(25):
        write(tmp_path, f"d{i}/Dockerfile", BAD)
    proc = subprocess.run(
        [sys.executable, "-m", "dockerlint", "check", str(tmp_path), "--select", "DL3006", "--isolated"],
        capture_output=True, text=True, env={**os.environ, "NO_COLOR": ""},
    )
    assert proc.returncode == 1
    assert "\x1b[" not in proc.stdout and "\r" not in proc.stderr


@pytest.mark.parametrize("cache", [[], ["--no-cache"]])
def test_a_pipe_named_on_the_command_line_is_read_once_and_linted(tmp_path, cache):
    """`dockerlint check <(git show HEAD:Dockerfile)`: the path is a pipe, which can be read
    only once; the CRD pre-scan reads every file of unknown kind first and must hand the bytes on
    (with and without the cache), not leave the linter an empty pipe."""
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}
    script = f"{sys.executable} -m dockerlint check --format json {' '.join(cache)} <(printf 'FROM debian\\nRUN apt-get install curl\\n')"
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    report = json.loads(done.stdout)
    assert done.returncode == 1, done.stderr
    assert {"DL3006", "DL3008"} <= {f["code"] for f in report["findings"]}


def test_worker_processes_only_for_enough_work(tmp_path):
    """Child processes start when the run's files, weighted by kind, are worth them
    (cli/main.py, `job_count`): a byte of a Dockerfile counts four times a byte of YAML."""
    from argparse import Namespace

    from dockerlint.cli.main import job_count
    from dockerlint.discovery import discover

    parallel = max(1, min(os.cpu_count() or 1, 8))
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n" + "# padding\n" * 200  # ~2 KiB
    for i in range(50):
        write(tmp_path, f"k8s/m{i}.yaml", manifest)
    for i in range(16):
        write(tmp_path, f"docker/d{i}/Dockerfile", "FROM alpine:3.20\n" + "# padding\n" * 210)  # ~2.1 KiB
    auto = Namespace(jobs=None)
    small_yaml, _ = discover([str(tmp_path / "k8s")], [])
    dockerfiles, _ = discover([str(tmp_path / "docker")], [])
    assert (len(small_yaml), len(dockerfiles)) == (50, 16)
    assert job_count(auto, small_yaml) == 1  # 100 KiB of YAML: one process
    assert job_count(auto, dockerfiles) == parallel  # 33 KiB of Dockerfiles count 132
    assert job_count(auto, dockerfiles[:15]) == 1  # 31 KiB count 124
    assert job_count(auto, small_yaml[:1]) == 1  # one file
    assert job_count(Namespace(jobs=2), small_yaml) == 2  # asked for
    for i in range(50, 70):
        write(tmp_path, f"k8s/m{i}.yaml", manifest)
    more_yaml, _ = discover([str(tmp_path / "k8s")], [])
    assert job_count(auto, more_yaml) == parallel  # 140 KiB of YAML


def test_a_large_report_is_written_in_pieces_and_whole():
    """`_write_report` writes a report's pieces a quarter of a MiB at a time (never one buffer
    as large as the report), a piece larger than that in slices; what arrives is the report,
    every character of it, in order."""
    import io

    from dockerlint.cli.main import _write_report

    class Counting(io.StringIO):
        writes = 0

        def write(self, s):
            assert len(s) <= 2 * (1 << 18)
            self.writes += 1
            return super().write(s)

    lines = [f'{{"line": {i}, "message": "café ✓ {i}"}},\n' for i in range(40_000)]
    pieces = ["{\n"] + lines + ["x" * 700_000, "}\n"]
    out = Counting()
    _write_report(out, pieces)
    assert out.getvalue() == "".join(pieces) and out.writes > 4
    small = Counting()
    _write_report(small, ["short", "\n"])
    assert small.getvalue() == "short\n" and small.writes == 1


def test_stored_report_lines_are_written_as_they_are_where_the_stream_takes_utf8(tmp_path, monkeypatch):
    """A cached result's report lines arrive as UTF-8 (bytes-like, from the cache's pack): to a
    stream that writes UTF-8 to a file descriptor they go as they are, gathered, between the
    encoded strings, however few bytes each system call takes; anywhere else (a StringIO, a
    Latin-1 stream) they are decoded and written as text. Either way the report is the same."""
    import io

    from dockerlint.cli import main as cli_main

    stored = "café ✓ ".encode() * 50_000  # 550 KB, as a memoryview of the pack's text
    pieces = ["{\n", "x" * 300_000, memoryview(stored), ",\n", *(["é, ", memoryview(b"abc")] * 1_500), "}\n"]
    expected = "".join(p if type(p) is str else str(p, "utf-8") for p in pieces)
    calls = []
    real_writev = os.writev

    def stingy(fd, buffers):  # takes at most 100,000 bytes a call, as a pipe may
        buffers = list(buffers)
        calls.append(len(buffers))
        taken, left = [], 100_000
        for b in buffers:
            taken.append(bytes(b)[:left])
            left -= len(taken[-1])
            if not left:
                break
        return real_writev(fd, taken)

    monkeypatch.setattr(cli_main.os, "writev", stingy)
    target = tmp_path / "report.json"
    with open(target, "w", encoding="utf-8") as out:
        out.write("before ")  # buffered text goes first
        cli_main._write_report(out, pieces)
    assert target.read_text(encoding="utf-8") == "before " + expected
    assert len(calls) > 10 and max(calls) <= cli_main._GATHER
    text = io.StringIO()
    cli_main._write_report(text, pieces)
    assert text.getvalue() == expected
    latin = tmp_path / "latin.json"
    with open(latin, "w", encoding="latin-1", errors="replace") as out:
        cli_main._write_report(out, pieces)
    assert latin.read_text(encoding="latin-1") == expected.encode("latin-1", "replace").decode("latin-1")


def test_the_json_report_written_in_pieces_is_the_rendered_report(tmp_path):
    from dockerlint.report import ReportOptions, render, render_pieces
    from dockerlint.settings import Settings
    from dockerlint.engine import lint_source
    from dockerlint.model import FileKind

    results = [lint_source(f"FROM ubuntu\nRUN apt-get install curl{i}\n", f"D{i}", Settings(), FileKind.DOCKERFILE) for i in range(3)]
    for fmt in ("json", "sarif", "text"):
        assert "".join(render_pieces(fmt, results, ReportOptions())) == render(fmt, results, ReportOptions())


def _mixed_tree(tmp_path: Path) -> Path:
    """The examples, a manifest that does not parse and a clean Dockerfile: findings with and
    without fixes, an error, a file without problems."""
    import shutil

    root = tmp_path / "tree"
    shutil.copytree(Path(__file__).parent.parent / "examples", root)
    (root / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x\n")
    (root / "clean" / "Dockerfile").parent.mkdir()
    (root / "clean" / "Dockerfile").write_text("FROM scratch\nCOPY --chown=1000:1000 app /app\nUSER 1000\nENTRYPOINT [\"/app\"]\n")
    return root


@pytest.mark.parametrize("options", [[], ["--statistics"], ["--no-source"], ["--color", "always", "--unsafe-fixes"]])
def test_a_text_report_made_in_both_processes_is_the_one_process_report(tmp_path, options):
    """In a parallel run each process makes the text report's part of the results it lints
    (`report.text.render_result`); the parent joins them: the report is byte for byte the one a
    single process writes."""
    from dockerlint.cli import main as cli

    root = _mixed_tree(tmp_path)
    common = ["check", str(root), "--no-cache", "--isolated", "--no-progress", *options]
    alone = run_cli([*common, "-j", "1"])
    assert cli._RENDERED == {}  # one process: rendered at the end, as before
    shared = run_cli([*common, "-j", "2"])
    assert shared == alone and alone[0] == 1
    assert "error" in alone[1] and "Found " in alone[1]
    results = cli._last_run[0]
    assert len(results) > 5 and all(id(r) in cli._RENDERED for r in results)


@pytest.mark.parametrize("cache", [False, True])
def test_a_parallel_json_report_is_the_one_process_report(tmp_path, monkeypatch, cache):
    """A child's results cross as cache entries (with their report lines when the cache stored
    them): the JSON report is byte for byte the one a single process writes, cold and cached."""
    root = _mixed_tree(tmp_path)
    monkeypatch.chdir(root)
    common = ["check", ".", "--isolated", "--no-progress", "--format", "json", *([] if cache else ["--no-cache"])]
    alone = run_cli([*common, "--no-cache", "-j", "1"])
    shared = run_cli([*common, "-j", "2"])
    assert shared == alone and alone[0] == 1
    document = json.loads(alone[1])
    assert document["findings"] and document["errors"]  # findings, and broken.yaml's error
    if cache:
        assert run_cli([*common, "-j", "2"]) == alone  # from the cache, as stored


def test_no_report_parts_are_made_where_a_baseline_takes_findings_out(tmp_path, monkeypatch):
    from dockerlint.cli import main as cli

    root = _mixed_tree(tmp_path)
    monkeypatch.chdir(root)
    wrote = run_cli(["check", ".", "--no-cache", "--isolated", "--write-baseline", "baseline.json"])
    assert wrote[0] == 1 and "Found 0 problems; 1 file could not be parsed." in wrote[1]  # (broken.yaml)
    (root / "Dockerfile").write_text((root / "Dockerfile").read_text() + "RUN cd /tmp\n")  # one new problem
    code, out, err = run_cli(["check", ".", "--no-cache", "--isolated", "--no-progress", "--baseline", "baseline.json", "-j", "2"])
    assert cli._RENDERED == {}
    assert code == 1 and "hidden by the baseline" in err
    assert out.count(": DL3003 ") == 1 and "Found 1 problem in 1 of" in out


CRASHING = """
import sys
import dockerlint.cli.main as m

def check(args):  # a bug of ours, deep in a run
    return {}["missing"]

m.COMMANDS["check"] = check
sys.argv = ["dockerlint", "check", "Dockerfile"]
m.entry()
"""


def test_a_crash_is_one_line_and_exit_status_2_not_a_traceback_and_findings(tmp_path):
    """Python's default for an uncaught exception is a traceback and status 1, the status of
    findings: CI would take a crash for a lint failure. entry() says what and where in one line,
    exits 2, and prints the traceback only when asked (DOCKERLINT_TRACEBACK=1)."""
    write(tmp_path, "Dockerfile", BAD)
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_TRACEBACK"}
    proc = subprocess.run([sys.executable, "-c", CRASHING], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("dockerlint: internal error: KeyError: 'missing' at <string>:")
    assert "DOCKERLINT_TRACEBACK=1" in proc.stderr and proc.stderr.count("\n") == 1
    shown = subprocess.run([sys.executable, "-c", CRASHING], cwd=tmp_path, capture_output=True, text=True,
                           env=dict(env, DOCKERLINT_TRACEBACK="1"), timeout=60)
    assert shown.returncode == 2 and "Traceback (most recent call last)" in shown.stderr and "KeyError: 'missing'" in shown.stderr
