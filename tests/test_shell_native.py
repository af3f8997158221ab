"""The native ShellCheck checks: data flow as ShellCheck 0.10+ does it, Dockerfile context
(ARG/ENV defined, SHELL dialect, heredoc shebangs), suppression comments, fixes, positions."""
from __future__ import annotations

import shutil

import pytest
from helpers import lint

from dockerlint.fix import fix_source
from dockerlint.parse.shell_checks import NATIVE_CODES, check_script
from helpers import settings_for


def found(text: str, codes=("SC2086",)):
    result = lint(text, list(codes))
    assert result.error is None
    return [(f.code, f.span.line, f.span.col) for f in result.findings]


def codes_in(script: str, dialect: str = "sh", defined=frozenset(), skip=("SC2153", "SC2154")):
    return [(i.code, script[i.start : i.end]) for i in check_script(script, dialect, frozenset(defined)) if i.code not in skip]


def test_sc2154_sc2153_sc3028_sc3046():
    script = 'export HTTP_PROXY=1; read -r rd; echo "$rd" "$fooo" $bar $bar "${baz:-x}" "$RTTP_PROXY" "$UNSET_UP"; A=1 true; echo "$A"'
    assert codes_in(script, skip=("SC2086",)) == [("SC2154", "$fooo"), ("SC2154", "$bar"), ("SC2153", "$RTTP_PROXY")]
    assert codes_in("echo $RANDOM; source x", skip=("SC2086",)) == [("SC3028", "$RANDOM"), ("SC3046", "source")]
    assert codes_in("echo $RANDOM; source x", "bash", skip=("SC2086",)) == []
    # a prefix assignment sets the variable for that command only
    assert codes_in("v=1 true && echo \"$v\"", skip=()) == [("SC2154", "$v")]


def test_sc2086_follows_values():
    script = 'a=1; b="x y"; echo $a $b; c=$b; echo $c; n=$((n+1)); echo $n; for i in p q; do echo $i; done'
    assert codes_in(script) == [("SC2086", "$b"), ("SC2086", "$c")]


def test_sc2086_and_chain_and_branches():
    # `a && b`: b sees a's assignments; what follows sees either path.
    assert codes_in("V=1 && echo $V") == []
    assert codes_in("cd /x && V=1 && echo $V") == [("SC2086", "$V")]
    assert codes_in("if c; then V=1; else V=$(w); fi; echo $V") == [("SC2086", "$V")]
    # a `*)` branch that exits leaves only the assigning paths
    assert codes_in("case $a in x) U=1 ;; *) exit 1 ;; esac; echo $U") == []
    # empty, then a plain word on one path: ShellCheck takes it as plain
    assert codes_in("j=; if c; then j=--x; fi; echo $j") == []
    assert codes_in("j=; echo $j") == [("SC2086", "$j")]


def test_sc2086_contexts():
    assert codes_in('[[ $x = y ]]; case $x in a) ;; esac; for i in $x; do :; done; y=$x; echo "$x" ${x:+--flag}') == []
    assert codes_in("[ $x = y ]") == [("SC2086", "$x")]
    assert codes_in("echo > $f") == [("SC2086", "$f")]
    assert codes_in("export e=$x", "sh") == [("SC2086", "$x")]
    assert codes_in("export e=$x", "bash") == []
    assert codes_in("echo $# $? ${#x} $((x))") == []


def test_arg_and_env_are_defined_but_reassignment_counts():
    text = "FROM alpine\nARG V=1\nENV W=2\nRUN echo $V $W $HOME && V=$(date) && echo $V\n"
    assert found(text) == [("SC2086", 4, 16), ("SC2086", 4, 43)]


def test_position_on_continuation_line_and_fix():
    text = "FROM alpine\nRUN mkdir -p /x \\\n    && cd $HOME\n"
    assert found(text) == [("SC2086", 3, 11)]
    outcome = fix_source(text, "Dockerfile", settings_for(["SC2086"]), unsafe=True)
    assert outcome.text == 'FROM alpine\nRUN mkdir -p /x \\\n    && cd "$HOME"\n'
    # the quoting fix is unsafe: not applied without --unsafe-fixes
    assert fix_source(text, "Dockerfile", settings_for(["SC2086"]), unsafe=False).text == text


def test_sc2006_fix_is_safe():
    text = "FROM alpine\nRUN echo `date`\n"
    outcome = fix_source(text, "Dockerfile", settings_for(["SC2006"]), unsafe=False)
    assert outcome.text == "FROM alpine\nRUN echo $(date)\n"


def test_dialect_from_shell_instruction_and_heredoc_shebang():
    sh = "FROM debian\nRUN f() { local x=1; }\n"
    bash = 'FROM debian\nSHELL ["/bin/bash", "-c"]\nRUN f() { local x=1; }\n'
    assert found(sh, ["SC3043"]) == [("SC3043", 2, 11)]
    assert found(bash, ["SC3043"]) == []
    heredoc = "FROM debian\nRUN <<EOF\n#!/bin/bash\nf() { local x=${V:0:2}; }\nEOF\n"
    assert found(heredoc, ["SC3043", "SC3057"]) == []
    heredoc_sh = "FROM debian\nRUN <<EOF\nf() { local x=1; }\nEOF\n"
    assert found(heredoc_sh, ["SC3043"]) == [("SC3043", 3, 7)]


def test_powershell_is_not_checked():
    text = 'FROM mcr.microsoft.com/windows/servercore\nSHELL ["powershell", "-Command"]\nRUN echo $env:PATH `date`\n'
    assert found(text, NATIVE_CODES) == []


def test_shellcheck_disable_inside_run_and_hadolint_pragma():
    text = "FROM alpine\nRUN true \\\n# shellcheck disable=SC2086\n    && cd $HOME\nRUN cd $HOME\n"
    assert found(text) == [("SC2086", 5, 8)]
    text = "FROM alpine\n# hadolint ignore=SC2086\nRUN cd $HOME\nRUN cd $HOME\n"
    assert found(text) == [("SC2086", 4, 8)]
    text = "FROM alpine\nRUN <<EOF\n# shellcheck disable=SC2086,SC2046\ncd $HOME $(pwd)\nEOF\n"
    assert found(text, ["SC2086", "SC2046"]) == []


def test_on_by_default():
    result = lint("FROM alpine:3\nRUN cd $HOME\n", ["DEFAULT"])
    assert "SC2086" in {f.code for f in result.findings}


def test_syntax_error_reports_only_parser_codes_before_it():
    # ShellCheck stops at a syntax error: no SC2086 from a script it could not parse.
    assert codes_in("echo $x; if then fi") == []


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck binary not installed")
@pytest.mark.parametrize("script,dialect", [
    ('a=1; b="x y"; echo $a $b; c=$b; echo $c; n=$((n+1)); echo $n', "sh"),
    ("cd /x && V=1 && echo $V; W=1 && echo $W", "sh"),
    ("echo 'a $b' \"c\\nd\"; sed 's/$p//' x; export T=$(mktemp); local z", "sh"),
    ('echo C:\\tmp\\bin `date` $(pwd) ${x:0:2}', "sh"),
    ("f() { local y=$(pwd); echo $y; }; echo ${V:1}", "bash"),
    # a path that exits before a branch (the branch was copied from the state None: TypeError,
    # and every SC rule of the file reported an internal error instead of its findings)
    ("exit 1 && echo $x", "sh"),
    ("{ echo a; exit 1; } || echo $y", "sh"),
    ("if exit 1; then echo a; elif exit 2; then echo $b; else echo `c`; fi", "sh"),
    ("until exit 1; do echo $d; done", "sh"),
    ("exit 1 > $F", "sh"),
])
def test_agrees_with_shellcheck(tmp_path, script, dialect):
    """The same script through ShellCheck and the native checks: same (line, column, code)."""
    import json
    import subprocess

    path = tmp_path / "s.sh"
    path.write_text(f"#!/bin/{dialect}\n{script}\n")
    out = subprocess.run(["shellcheck", "-f", "json1", str(path)], capture_output=True, text=True).stdout
    theirs = sorted((c["column"], f"SC{c['code']}") for c in json.loads(out)["comments"] if f"SC{c['code']}" in NATIVE_CODES)
    ours = sorted((i.start + 1, i.code) for i in check_script(script + "\n", dialect))
    assert ours == theirs


def test_hadolint_shellcheck_cases_pass_with_native_checks_alone(monkeypatch):
    """hadolint's own ShellCheck test cases (`rule: "SC"`, and the `*` cases: nothing at all
    fires), with the ShellCheck binary made unavailable: the native checks alone must agree."""
    import json

    from conftest import shared_path
    from dockerlint.shellcheck import runner

    monkeypatch.setattr(runner, "find_binary", lambda: None)
    monkeypatch.setattr(runner, "_warned", {"missing"})  # no stderr note in this test
    path = shared_path("conformance", "hadolint", "cases.jsonl")
    cases = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    sc_cases = [c for c in cases if c["rule"] == "SC" and c["hadolint_agrees"]]
    assert len(sc_cases) >= 36
    failures = []
    for case in sc_cases:
        result = lint(case["dockerfile"], ["SC"])
        codes = sorted({f.code for f in result.findings})
        if (case["expect"] == "catch") != bool(codes):
            failures.append((case["id"], case["expect"], codes))
    assert failures == []
