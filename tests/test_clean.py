"""`dockerlint clean`: removes the result caches dockerlint made, here and below, and with
--user the compiled code it keeps per user; leaves anything else alone."""
from __future__ import annotations

import os
import subprocess
import sys


def dockerlint(cwd, *args, cache_home=None):
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}  # the cache as users have it
    if cache_home is not None:
        env["XDG_CACHE_HOME"] = str(cache_home)
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def _tree(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "Dockerfile").write_text("FROM alpine:3.20\n")
    (tmp_path / "svc" / ".dockerlint.toml").write_text("")  # its own config: its own cache beside it


def test_removes_the_caches_here_and_below_and_says_so(tmp_path):
    _tree(tmp_path)
    assert dockerlint(tmp_path, "check", ".").returncode == 1
    assert (tmp_path / ".dockerlint_cache").is_dir() and (tmp_path / "svc" / ".dockerlint_cache").is_dir()
    done = dockerlint(tmp_path, "clean")
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / ".dockerlint_cache").exists() and not (tmp_path / "svc" / ".dockerlint_cache").exists()
    assert f"removed {tmp_path / '.dockerlint_cache'} (" in done.stdout
    assert f"removed {tmp_path / 'svc' / '.dockerlint_cache'} (" in done.stdout
    assert (tmp_path / "Dockerfile").exists() and (tmp_path / "svc" / ".dockerlint.toml").exists()
    again = dockerlint(tmp_path, "clean")
    assert again.returncode == 0 and f"no result cache for {tmp_path}" in again.stdout
    # and the next run makes it again, with the same report
    assert dockerlint(tmp_path, "check", ".").returncode == 1 and (tmp_path / ".dockerlint_cache").is_dir()


def test_the_cache_dir_setting_is_followed(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    (tmp_path / ".dockerlint.toml").write_text('cache-dir = "build/lint-cache"\n')
    dockerlint(tmp_path, "check", ".")
    assert (tmp_path / "build" / "lint-cache").is_dir()
    done = dockerlint(tmp_path / "build", "clean", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert not (tmp_path / "build" / "lint-cache").exists() and (tmp_path / "build").is_dir()


def test_a_folder_dockerlint_did_not_make_is_left_alone(tmp_path):
    mine = tmp_path / ".dockerlint_cache"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine")
    done = dockerlint(tmp_path, "clean")
    assert done.returncode == 2
    assert "not a cache dockerlint made" in done.stderr and "left alone" in done.stderr
    assert (mine / "notes.txt").read_text() == "mine"


def test_a_missing_directory_is_an_error(tmp_path):
    done = dockerlint(tmp_path, "clean", "nowhere")
    assert done.returncode == 2 and "nowhere: not a directory" in done.stderr


def test_user_removes_the_compiled_code_and_keeps_the_data(tmp_path):
    home = tmp_path / "cache-home"
    work = tmp_path / "work"
    work.mkdir()
    (work / "Dockerfile").write_text("FROM debian\n")
    first = dockerlint(work, "check", ".", "--no-cache", cache_home=home)
    assert first.returncode == 1, first.stderr
    user = home / "dockerlint"
    made = sorted(os.listdir(user))
    assert any(n.startswith("rule-index-") for n in made) and any(n.startswith("module-code-") for n in made)
    (user / "eol.json").write_text("{}")  # data: `images --refresh`
    (user / "digests.json").write_text("{}")  # data: `pin`
    done = dockerlint(work, "clean", "--user", cache_home=home)
    assert done.returncode == 0, done.stderr
    assert sorted(os.listdir(user)) == ["digests.json", "eol.json"]
    assert f"of compiled code from {user}; kept 2" in done.stdout
    # the next run makes them again, and says the same
    again = dockerlint(work, "check", ".", "--no-cache", cache_home=home)
    assert (again.returncode, again.stdout) == (1, first.stdout)
    assert any(n.startswith("rule-index-") for n in os.listdir(user))
