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


def _lint_adding(monkeypatch, marker: str, code: str = "DL3066"):
    """Make every lint of a text that contains `marker` report one more `code` finding, as a
    rule would whose finding a fix brings in (the engine re-lints through engine.lint_source)."""
    from dataclasses import replace

    from dockerlint import engine
    from dockerlint.model import Finding, Severity

    real = engine.lint_source

    def lint(text, path, settings, kind=None, documents=None):
        result = real(text, path, settings, kind, documents)
        if marker in text and result.source is not None:
            line = text[: text.index(marker)].count("\n") + 1
            span = result.source.span(text.index(marker), text.index(marker) + len(marker))
            result.findings.append(Finding(code, "non-numeric-user", Severity.STYLE, f"added on line {line}", span, path))
        return result

    monkeypatch.setattr(engine, "lint_source", lint)


def test_a_fix_that_adds_a_finding_of_any_rule_is_refused_with_the_reason(monkeypatch):
    # DF003's fix brings `-slim`; pretend a style-level rule flags the slim tag: the fix is
    # refused although the new finding is less severe than the one it fixes.
    _lint_adding(monkeypatch, "3.12-slim")
    text = "FROM python:3.12\nRUN apt-get install -y curl\n"
    outcome = fix_source(text, "Dockerfile", settings_for(["DF003", "DL3015"]), unsafe=True)
    # the other fix still applies
    assert outcome.text == "FROM python:3.12\nRUN apt-get install --no-install-recommends -y curl\n"
    assert outcome.applied == {"DL3015": 1} and outcome.refused == {"DF003": 1}
    [refusal] = outcome.refusals
    assert refusal.code == "DF003" and refusal.line == 1
    assert refusal.reason == "it would add DL3066 on line 1: added on line 1"


def test_fixes_that_pass_alone_are_applied_together_after_a_refusal(monkeypatch):
    _lint_adding(monkeypatch, "--no-install-recommends")
    text = "FROM python:3.12\nRUN apt-get install -y curl\nADD a.txt /a.txt\n"
    outcome = fix_source(text, "Dockerfile", settings_for(["DF003", "DL3015", "DL3020"]), unsafe=True)
    assert outcome.refused == {"DL3015": 1}
    assert outcome.applied == {"DF003": 1, "DL3020": 1}
    assert outcome.passes == 2  # both good fixes in the first pass, nothing left in the second
    assert "RUN apt-get install -y curl\n" in outcome.text and "python:3.12-slim" in outcome.text
    assert "COPY a.txt /a.txt" in outcome.text


def test_fix_diff_and_verbose_report_refusals(tmp_path, monkeypatch):
    p = tmp_path / "Dockerfile"
    p.write_text("FROM python:3.12\n")
    _lint_adding(monkeypatch, "3.12-slim")
    code, out, err = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--diff", "--isolated"])
    assert out == "" and code == 0
    assert f"{p}:1: DF003 fix refused (" in err and "it would add DL3066 on line 1" in err
    code, _, err = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--isolated"])
    assert "fix refused" not in err
    code, _, err = run_cli(["fix", str(p), "--select", "DF003", "--unsafe-fixes", "--isolated", "-v"])
    assert "DF003 fix refused" in err and p.read_text() == "FROM python:3.12\n"
