"""The fix engine: edits, applicability, re-parse, fixed point, atomic writes that keep the file's form."""
from __future__ import annotations

import os
import stat

import pytest

from dockerlint.files import write_atomic
from dockerlint.fix import OverlappingEdits, apply_edits, fix_source
from dockerlint.model import Edit
from helpers import run_cli, settings_for


def test_apply_edits_in_any_order():
    text = "abcdef"
    assert apply_edits(text, [Edit(4, 5, "E"), Edit(0, 1, "A"), Edit.insert(3, "-")]) == "Abc-dEf"


def test_overlapping_edits_refused():
    with pytest.raises(OverlappingEdits):
        apply_edits("abcdef", [Edit(0, 3, "x"), Edit(2, 4, "y")])


def test_unsafe_fix_needs_opt_in():
    text = "FROM python:3.12\n"
    s = settings_for(["DF003"])
    assert fix_source(text, "Dockerfile", s, unsafe=False).text == text
    assert fix_source(text, "Dockerfile", s, unsafe=True).text == "FROM python:3.12-slim\n"


def test_extend_safe_fixes_promotes():
    s = settings_for(["DF003"], {"extend-safe-fixes": ["DF003"]})
    assert fix_source("FROM python:3.12\n", "Dockerfile", s, unsafe=False).text == "FROM python:3.12-slim\n"


def test_unfixable():
    s = settings_for(["DF003"], {"unfixable": ["DF003"]})
    assert fix_source("FROM python:3.12\n", "Dockerfile", s, unsafe=True).text == "FROM python:3.12\n"


def test_crlf_and_bom_survive(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_bytes(b"\xef\xbb\xbfFROM python:3.12\r\nRUN true\r\n")
    code, _, _ = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--isolated"])
    assert code == 0
    assert p.read_bytes() == b"\xef\xbb\xbfFROM python:3.12-slim\r\nRUN true\r\n"


def test_fix_diff_writes_nothing(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM python:3.12\n")
    code, out, _ = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--diff", "--isolated"])
    assert p.read_text() == "FROM python:3.12\n"
    assert "-FROM python:3.12\n+FROM python:3.12-slim" in out
    assert code == 1


def test_exit_non_zero_on_fix(tmp_path):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM python:3.12\n")
    code, _, _ = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--exit-non-zero-on-fix", "--isolated"])
    assert code == 1
    code, _, _ = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--exit-non-zero-on-fix", "--isolated"])
    assert code == 0


def test_atomic_write_keeps_mode_and_symlink(tmp_path):
    target = tmp_path / "real.Dockerfile"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "Dockerfile"
    link.symlink_to(target.name)
    write_atomic(str(link), b"new")
    assert link.is_symlink()
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".dockerlint-")] == []


def test_fix_stdin_prints_result():
    code, out, _ = run_cli(["fix", "-", "--stdin-filename", "Dockerfile", "--select", "DF003", "--unsafe-fixes", "--isolated"], stdin="FROM python:3.12\n")
    assert code == 0 and out == "FROM python:3.12-slim\n"


def test_engine_refuses_a_fix_that_deletes_a_comment_line():
    from dockerlint.fix import drops_comment_line

    text = "ENV KEY \\\n# signing key\n    ABC\n"
    assert drops_comment_line(text, [Edit(7, text.index("ABC"), "=")])
    assert not drops_comment_line(text, [Edit(0, 3, "ARG")])
    # a trailing comment on a line the fix removes is not a comment line
    yaml_text = "a: 1\nprivileged: true  # needed\nb: 2\n"
    start = yaml_text.index("privileged")
    assert not drops_comment_line(yaml_text, [Edit(start, yaml_text.index("b:"), "")])
