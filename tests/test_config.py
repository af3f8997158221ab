"""Config discovery, per-directory settings, hadolint config, and errors that name key and file."""
from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

BAD = "FROM debian\nUSER root\n"


def write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def codes(out: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in json.loads(out)["findings"]:
        found.setdefault(f["path"], set()).add(f["code"])
    return found


def test_nearest_config_wins_per_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "pyproject.toml", '[tool.dockerlint]\nselect = ["DL3006", "DL3002"]\n')
    write(tmp_path / "a" / "Dockerfile", BAD)
    write(tmp_path / "b" / "Dockerfile", BAD)
    write(tmp_path / "b" / ".dockerlint.toml", 'select = ["DL3006", "DL3002"]\nignore = ["DL3006"]\n')
    _, out, _ = run_cli(["check", ".", "--format", "json"])
    found = codes(out)
    assert found["a/Dockerfile"] == {"DL3006", "DL3002"}
    assert found["b/Dockerfile"] == {"DL3002"}


def test_hadolint_yaml_is_read(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".hadolint.yaml", "ignored:\n  - DL3002\noverride:\n  error:\n    - DL3006\n")
    write(tmp_path / ".dockerlint.toml", 'select = ["DL3006", "DL3002"]\n')
    write(tmp_path / "Dockerfile", BAD)
    _, out, _ = run_cli(["check", "Dockerfile", "--format", "json"])
    findings = json.loads(out)["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("DL3006", "error")]


def test_unknown_key_names_key_and_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".dockerlint.toml", 'selekt = ["DL3006"]\n')
    write(tmp_path / "Dockerfile", BAD)
    code, _, err = run_cli(["check", "Dockerfile"])
    assert code == 2
    assert "selekt" in err and ".dockerlint.toml" in err


def test_bad_value_is_an_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".dockerlint.toml", 'failure-threshold = "fatal"\n')
    write(tmp_path / "Dockerfile", BAD)
    code, _, err = run_cli(["check", "Dockerfile"])
    assert code == 2 and "failure-threshold" in err


def test_unknown_hadolint_key(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".hadolint.yaml", "ignoredd: [DL3006]\n")
    write(tmp_path / "Dockerfile", BAD)
    code, _, err = run_cli(["check", "Dockerfile"])
    assert code == 2 and "ignoredd" in err and ".hadolint.yaml" in err


def test_invalid_toml(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".dockerlint.toml", "select = [\n")
    write(tmp_path / "Dockerfile", BAD)
    code, _, err = run_cli(["check", "Dockerfile"])
    assert code == 2 and "invalid TOML" in err


def test_build_args_resolve_from(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".dockerlint.toml", 'select = ["DL3006", "DF006"]\nbuild-args = { BASE = "debian" }\n')
    write(tmp_path / "Dockerfile", "ARG BASE\nFROM $BASE\n")
    code, out, _ = run_cli(["check", "Dockerfile", "--format", "json"])
    findings = json.loads(out)["findings"]
    assert code == 1 and [f["code"] for f in findings] == ["DF006"]
    assert "`BASE=debian`" in findings[0]["message"] and "untagged" in findings[0]["message"]
