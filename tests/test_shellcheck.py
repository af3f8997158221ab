"""ShellCheck (SC codes) on RUN scripts: positions, hadolint's conventions, fixes, selection."""
from __future__ import annotations

import pytest

from dockerlint import ruleset
from dockerlint.shellcheck import runner as shellcheck
from dockerlint.fix import fix_source
from dockerlint.model import Applicability, Severity
from dockerlint.settings import Settings
from helpers import lint, run_cli

pytestmark = pytest.mark.skipif(shellcheck.find_binary() is None, reason="shellcheck binary not installed")


def sc(text: str, select=("SC",), **settings):
    result = lint(text, list(select), config=None)
    if settings:
        from dockerlint.engine import lint_source

        result = lint_source(text, "Dockerfile", Settings(select=list(select), **settings))
    assert result.error is None, result.error
    return [f for f in result.findings if f.code.startswith("SC")]


def at(findings, code):
    return [(f.span.line, f.span.col, f.span.end_line, f.span.end_col) for f in findings if f.code == code]


def test_sc2086_on_a_continuation_line_points_at_the_word():
    text = "FROM debian:12\nRUN echo ok && \\\n    echo $FOO\n"
    found = sc(text)
    assert at(found, "SC2086") == [(3, 10, 3, 14)]
    f = next(f for f in found if f.code == "SC2086")
    assert text[f.span.start : f.span.end] == "$FOO"
    assert f.severity is Severity.INFO
    assert f.name == "unquoted-expansion"  # SC2086 is a native rule now
    assert "Double quote" in f.message


def test_sc2086_inside_a_heredoc_body():
    text = "FROM debian:12\nRUN <<EOF\nset -e\necho $FOO\nEOF\n"
    assert at(sc(text), "SC2086") == [(4, 6, 4, 10)]


def test_heredoc_with_tab_stripping_and_its_own_bash_shebang():
    text = "FROM debian:12\nRUN <<-EOF\n\t#!/bin/bash\n\techo $RANDOM $x\n\tEOF\n"
    found = sc(text)
    assert at(found, "SC3028") == []  # bash knows $RANDOM
    assert at(found, "SC2086") == [(4, 15, 4, 17)]


def test_heredoc_fed_to_a_command_is_checked_as_the_shell_sees_it():
    text = "FROM debian:12\nRUN cat <<EOF > /etc/motd && echo $x\nhello\nEOF\n"
    assert at(sc(text), "SC2086") == [(2, 35, 2, 37)]


def test_non_shell_heredoc_is_skipped():
    assert sc("FROM python:3.12\nRUN <<EOF\n#!/usr/bin/env python3\nprint($x)\nEOF\n") == []


def test_default_shell_is_sh_and_shell_changes_it():
    assert at(sc("FROM debian:12\nRUN echo $RANDOM\n"), "SC3028")
    assert not at(sc('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN echo $RANDOM\n'), "SC3028")


def test_shell_is_inherited_from_the_parent_stage_only():
    base = 'FROM ubuntu:24.04 AS base\nSHELL ["/bin/bash", "-c"]\n'
    assert sc(base + "FROM base\nRUN source /etc/os-release\n") == []
    assert sc(base + "FROM ubuntu:24.04\nRUN source /etc/os-release\n")


def test_args_envs_and_proxy_variables_are_declared():
    text = 'FROM debian:12\nARG foo\nENV bar=1\nRUN echo "$foo" "$bar" "$http_proxy"\n'
    assert at(sc(text), "SC2154") == []
    assert at(sc('FROM debian:12\nRUN echo "$foo"\n'), "SC2154")


def test_excluded_codes():
    # SC1091: sourced file not followed; SC2187: ash checked as dash
    assert sc('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN . ./env.sh\n') == []
    assert sc('FROM alpine:3.20\nSHELL ["/bin/ash", "-c"]\nRUN echo hello\n') == []


def test_powershell_cmd_and_pragma_are_skipped():
    ps = "RUN Get-Variable $x | Select-Object -ExpandProperty Value\n"
    assert sc('FROM mcr.microsoft.com/powershell:lts\nSHELL ["pwsh", "-c"]\n' + ps) == []
    assert sc('FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["cmd", "/S", "/C"]\n' + ps) == []
    assert sc("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n# hadolint shell=powershell\n" + ps) == []
    assert sc("# hadolint shell=powershell\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nONBUILD " + ps) == []


def test_exec_form_is_skipped():
    assert sc('FROM debian:12\nRUN ["echo", "$x"]\n') == []


def test_onbuild_runs_see_no_shell_or_variables():
    text = 'FROM debian:12\nSHELL ["/bin/bash", "-c"]\nARG foo\nONBUILD RUN echo "$foo" $RANDOM\n'
    found = sc(text)
    assert at(found, "SC2154") and at(found, "SC3028")


def test_fix_passthrough_is_unsafe_and_exact():
    text = "FROM debian:12\nRUN echo ok && \\\n    echo $FOO\n"
    f = next(f for f in sc(text) if f.code == "SC2086")
    assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE
    settings = Settings(select=["SC2086"])
    assert fix_source(text, "Dockerfile", settings, unsafe=False).text == text
    fixed = fix_source(text, "Dockerfile", settings, unsafe=True)
    assert fixed.text == 'FROM debian:12\nRUN echo ok && \\\n    echo "$FOO"\n'


def test_selection_by_code_prefix_and_ignore():
    text = "FROM debian:12\nRUN echo $RANDOM $x `date`\n"
    assert {f.code for f in sc(text)} >= {"SC2086", "SC3028", "SC2046", "SC2006"}
    assert {f.code for f in sc(text, select=("SC2086",))} == {"SC2086"}
    assert {f.code for f in sc(text, select=("SC30",))} == {"SC3028"}
    assert "SC2086" not in {f.code for f in sc(text, select=("SC",), ignore=["SC2086"])}
    # DEFAULT has the native checks (as hadolint runs ShellCheck by default), not the binary's
    assert {f.code for f in sc(text, select=("DEFAULT",))} == {"SC2086", "SC2046", "SC2006", "SC2154", "SC3028"}
    assert {f.code for f in sc(text, select=("ALL",))} >= {"SC2086"}
    assert ruleset.is_known_selector("SC2086") and ruleset.is_known_selector("SC")


def test_hadolint_pragma_suppresses_sc_codes():
    text = "FROM debian:12\n# hadolint ignore=SC2086\nRUN echo $x \\\n  && echo $y\n"
    assert at(sc(text), "SC2086") == []


def test_missing_binary_is_reported_once_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setattr(shellcheck, "find_binary", lambda: None)
    monkeypatch.setattr(shellcheck, "_warned", set())
    text = "FROM debian:12\nRUN echo $x\n"
    # the native checks still run; only the binary's codes are missing
    assert [f.code for f in sc(text)] == ["SC2086", "SC2154"]
    assert [f.code for f in sc(text)] == ["SC2086", "SC2154"]
    err = capsys.readouterr().err
    assert err.count("shellcheck") >= 1 and err.count("were selected") == 1
    # Not selected explicitly (only through ALL): silent.
    monkeypatch.setattr(shellcheck, "_warned", set())
    sc(text, select=("ALL",))
    assert "were selected" not in capsys.readouterr().err


def test_cli_reports_sc_findings():
    code, out, _err = run_cli(["check", "-", "--stdin-filename", "Dockerfile", "--select", "SC", "--isolated", "--format", "json"],
                              stdin="FROM debian:12\nRUN echo $x\n")
    assert '"SC2086"' in out


def test_shellcheck_codes_are_rules_selected_like_any_other():
    from dockerlint.engine import selected_rules
    from dockerlint.model import FileKind

    def codes(**kw):
        return {r.code for r in selected_rules(FileKind.DOCKERFILE, Settings(**kw)) if r.code.startswith("SC")}

    assert codes(select=["ALL"], ignore=["SC"]) == set()
    from dockerlint.parse.shell_checks import NATIVE_CODES

    assert codes(select=["DEFAULT"]) == set(NATIVE_CODES)
    assert "SC2164" in codes(select=["ALL"]) and "SC2164" in codes(select=["SC"])
    assert codes(select=["SC2164"], ignore=["SC"]) == {"SC2164"}
    assert codes(select=["shellcheck-cd-without-exit"]) == {"SC2164"}
    assert ruleset.lookup("SC2164").enabled_by_default is False


def test_binary_runs_once_per_file_for_all_its_codes(monkeypatch):
    calls = []
    real = shellcheck.run_shellcheck

    def counting(binary, scripts):
        calls.append(len(scripts))
        return real(binary, scripts)

    monkeypatch.setattr(shellcheck, "run_shellcheck", counting)
    text = "FROM debian:12\nRUN cd /tmp; echo $x\nRUN cd /x; egrep a b\n"
    found = sc(text, select=("SC2164", "SC2196", "SC2154", "SC2086"))
    assert calls == [2]  # one batched call, both RUN scripts
    got = sorted((f.code, f.span.line) for f in found)
    assert ("SC2164", 2) in got and ("SC2164", 3) in got and ("SC2196", 3) in got and ("SC2154", 2) in got
    # SC2086 comes once, from the native rule
    assert [f.name for f in found if f.code == "SC2086"] == ["unquoted-expansion"]
