"""The result cache: a run over unchanged files reuses the last results (and a change to the
file, its settings, or a file the rules read, such as .dockerignore, is linted afresh); broken
entries are ignored; concurrent runs are safe; the cache stays within its bound."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

from dockerlint.model import FileResult, Finding, Severity, Span
from dockerlint.state import cache


def dockerlint(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}  # the cache as users have it
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def entries(root) -> list[str]:
    return sorted(glob.glob(os.path.join(root, ".dockerlint_cache", "v1", "*", "*.json")))


def test_second_run_reads_the_cache_and_says_the_same(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    first = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert len(entries(tmp_path)) == 1
    assert (tmp_path / ".dockerlint_cache" / ".gitignore").read_text().strip().endswith("*")
    second = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert second.stdout == first.stdout and second.returncode == first.returncode == 1
    # prove the second result came from the cache: doctor the entry and see it reported
    entry = entries(tmp_path)[0]
    data = json.loads(open(entry).read())
    data["findings"][0]["message"] = "from the cache"
    open(entry, "w").write(json.dumps(data))
    third = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert "from the cache" in third.stdout
    assert "from the cache" not in dockerlint(tmp_path, "check", ".", "--format", "json", "--no-cache").stdout


def test_a_changed_file_or_setting_is_linted_again(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    assert "DL3006" in dockerlint(tmp_path, "check", ".").stdout
    (tmp_path / "Dockerfile").write_text("FROM debian:12\n")
    assert "DL3006" not in dockerlint(tmp_path, "check", ".").stdout
    (tmp_path / ".dockerlint.toml").write_text('ignore = ["DF001"]\n')
    assert "DF001" not in dockerlint(tmp_path, "check", ".").stdout


def test_a_changed_dockerignore_invalidates_the_result(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY secrets.env /app/\nUSER 1000\n")
    assert "DF112" not in dockerlint(tmp_path, "check", ".", "--select", "DF112").stdout
    (tmp_path / ".dockerignore").write_text("*.env\n")
    assert "DF112" in dockerlint(tmp_path, "check", ".", "--select", "DF112").stdout


def test_corrupt_entries_are_ignored(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    first = dockerlint(tmp_path, "check", ".", "--format", "json").stdout
    for entry in entries(tmp_path):
        open(entry, "w").write('{"truncated":')
    again = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert again.stdout == first and "Traceback" not in again.stderr


def test_concurrent_runs_agree(tmp_path):
    for i in range(30):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "Dockerfile").write_text(f"FROM debian\nRUN echo {i}\n")
    expected = dockerlint(tmp_path, "check", ".", "--format", "json", "--no-cache").stdout
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda _: dockerlint(tmp_path, "check", ".", "--format", "json").stdout, range(4)))
    assert all(o == expected for o in outputs)
    assert len(entries(tmp_path)) == 30
    assert not glob.glob(os.path.join(tmp_path, ".dockerlint_cache", "v1", "*", ".tmp-*"))


def test_the_cache_is_bounded(tmp_path):
    directory = str(tmp_path / "cache")
    result = FileResult("Dockerfile", None, [Finding("DL3006", "x", Severity.WARNING, "m" * 1000, Span(0, 1, 1, 1, 1, 2))])
    for i in range(50):
        cache.put(directory, f"{i:064x}", result)
    removed = cache.prune(directory, max_bytes=20_000)
    left = glob.glob(os.path.join(directory, "v1", "*", "*.json"))
    assert removed > 0 and sum(os.path.getsize(p) for p in left) <= 20_000


def test_cache_dir_setting_and_no_cache(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    (tmp_path / ".dockerlint.toml").write_text('cache-dir = "build/lint-cache"\n')
    dockerlint(tmp_path, "check", ".")
    assert glob.glob(os.path.join(tmp_path, "build", "lint-cache", "v1", "*", "*.json"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Dockerfile").write_text("FROM debian\n")
    dockerlint(tmp_path / "other", "check", ".", "--no-cache", "--isolated")
    assert not (tmp_path / "other" / ".dockerlint_cache").exists()
