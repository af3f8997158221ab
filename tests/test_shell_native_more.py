"""The second batch of native ShellCheck checks (SC2035, SC2162, SC1075, SC1072/SC1073), the
`fi fi` repair of tree-sitter's parse, and what ShellCheck keeps on a failed parse: each case
is run through the ShellCheck binary too and must give the same (line, column, code)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import lint

from dockerlint.parse.shell_checks import NATIVE_CODES, check_script

needs_binary = pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck binary not installed")


def native(script: str, dialect: str = "sh"):
    text = script + "\n"
    out = []
    for i in check_script(text, dialect):
        line = text.count("\n", 0, i.start) + 1
        out.append((line, i.start - (text.rfind("\n", 0, i.start) + 1) + 1, i.code))
    return sorted(out)


def shellcheck(tmp_path, script: str, dialect: str = "sh"):
    path = tmp_path / "s.sh"
    path.write_text(f"#!/bin/{dialect}\n{script}\n")
    out = subprocess.run(["shellcheck", "-f", "json1", str(path)], capture_output=True, text=True).stdout
    return sorted((c["line"] - 1, c["column"], f"SC{c['code']}") for c in json.loads(out)["comments"]
                  if f"SC{c['code']}" in NATIVE_CODES)


CASES = {
    # SC2035: the first part of an argument is a `*` or `?` glob; not for echo/printf, not after `--`
    "glob": "rm *.txt; cp * /x; ls -l ?; echo *; printf '%s' *; rm -- *.o; rm ./*.o; ls [ab]*; mv foo/* bar",
    "glob-wrappers": 'sudo rm *; command rm *; command echo *; exec rm *; /bin/rm *.o; rm "$x" *; rm *"$x"; rm \\*; rm "*"',
    "glob-separators": "tar c :: *; parallel echo ::: *; find . -name *.c; [ -f *.c ]; for f in *.c; do :; done",
    # SC2162: read without -r, a flag anywhere (quoted too), -t 0 polls; command/builtin look through
    "read": 'read x; read -r y; read -p "a" z; echo | while read l; do :; done; read -ra a; read foo -r',
    "read-flags": 'read -t 0; read -t0; read -u 3 -t 0; read --raw x; read -p "-r" x; /bin/read x; command read x; builtin read y',
    # SC1075: `else if` with only blanks between; a line break between is nesting
    "else-if": "if a; then b; else if c; then d; fi; fi\nif a; then b; else\n  if c; then d; fi\nfi",
    "else-if-twice": "if a; then b; else   if c; then d; else if e; then f; fi; fi; fi",
    # SC1073/SC1072: a test that goes on after a complete expression stops ShellCheck's parser
    "test-command": "echo $x; if [ grep -q x file ]; then echo $y; fi",
    "test-extra-word": "echo a\\-b; [ -f a b ] && [ c d ]; echo $y",
    "test-after-else-if": "if a; then b; else if [ a b ]; then d; fi; fi",
    "tests-that-parse": '[ a = b -a ( c ) ]; [ ! -f x ]; [ -n "$1" ]; [ "$1" = "b c" ]; [ x -lt 3 ]; [[ -d x || ( -f y && ! -e z ) ]]',
    # `fi fi`: valid sh that tree-sitter-bash reads as an error (laradock's nested ifs)
    "fi-fi": "if a; then if b; then c; fi fi; echo $x",
    "done-after-fi": "for a in b; do if c; then d; fi done; echo $x",
    "fi-fi-in-string": 'echo "fi fi" $x; if a; then if b; then c; fi fi',
    "subshell-then-else": "if a; then ( cd x && make ) else echo $x; fi",
    # a quoted heredoc whose body line starts with a backslash: tree-sitter-bash misreads it
    "quoted-heredoc-backslash": "cat > /etc/motd <<-'EOM'\n\\e[1;32mYou are here.\\e[0m\nEOM\necho $x \\d",
    # `# shellcheck disable=`: the and-or list / compound command that follows; file-wide at the top
    "directive-and-or": "echo $a\n# shellcheck disable=SC2086,SC2154\necho $b | cat $c; echo $d\n  # shellcheck disable=SC2000-SC2100\necho $e",
    "directive-compound": "echo $x\nif true; then\n  # shellcheck disable=SC2086\n  echo $f\n  echo $g\nfi\n# shellcheck disable=SC2086\nf() { echo $h; }\necho $i",
    "directive-file-wide": "# a comment\n# shellcheck disable=SC2086\necho $a\necho $b",
    "directive-not-at-top": "echo $a\n# shellcheck disable=SC2086\necho $b\necho $c",
    "directive-all": "# shellcheck disable=all\necho $a",
}


@needs_binary
@pytest.mark.parametrize("name", sorted(CASES))
def test_agrees_with_shellcheck(tmp_path, name):
    script = CASES[name]
    assert native(script) == shellcheck(tmp_path, script)


def test_cases_are_not_empty():
    """The cases above exercise each new code (so agreeing is not agreeing on nothing)."""
    codes = {code for script in CASES.values() for _, _, code in native(script)}
    assert {"SC2035", "SC2162", "SC1075", "SC1072", "SC1073", "SC2086"} <= codes


def test_failed_parse_keeps_parse_problems_but_not_notes():
    # SC1001 is a parse note in ShellCheck (dropped with a failed parse), SC1075 a parse problem (kept)
    assert native("echo a\\-b; if a; then b; else if [ a b ]; then d; fi; fi") == [(1, 26, "SC1075"), (1, 34, "SC1073"), (1, 38, "SC1072")]
    assert native("echo a\\-b") == [(1, 7, "SC1001")]


def test_fi_fi_repair_is_kept_only_where_it_is_a_keyword():
    # `fi` as a command name after a complete if is an error in ShellCheck too: not repaired
    assert native("if a; then b; fi fi; echo $x") == []


def test_in_a_dockerfile_across_continuation_lines():
    text = ("FROM alpine:3.22\nRUN if [ -f a ]; then \\\n      echo a; \\\n    else \\\n      if [ -f b ]; then read x; fi; \\\n"
            "    fi && chmod +x *.sh\n")
    found = [(f.code, f.span.line, f.span.col) for f in lint(text, ["SC"]).findings]
    assert ("SC1075", 4, 5) in found and ("SC2162", 5, 25) in found and ("SC2035", 6, 20) in found


def test_directive_on_a_continuation_line_applies_to_the_next_command():
    # The shell never sees a comment line among continuation lines; it applies to what follows.
    text = ("FROM alpine:3.22\nRUN true \\\n# shellcheck disable=SC2086\n    && cd $HOME && echo $HOME; \\\n"
            "    echo $HOME\n")
    found = [(f.code, f.span.line, f.span.col) for f in lint(text, ["SC2086"]).findings]
    assert found == [("SC2086", 4, 25), ("SC2086", 5, 10)]


def test_directive_at_the_top_of_a_heredoc_is_file_wide_for_both_tools():
    """ENV names are exported in front of the script for the binary: after its leading
    comments, so that a directive there stays file-wide, as in the script the user wrote."""
    from dockerlint.model import SourceText
    from dockerlint.parse.dockerfile import parse_dockerfile
    from dockerlint.shellcheck import runner

    text = "FROM alpine:3.22\nENV V=1\nRUN <<EOF\n# shellcheck disable=SC2086\ncd $HOME\necho $PWD\nEOF\nRUN <<EOF\ncd $HOME\nEOF\n"
    assert [(f.code, f.span.line) for f in lint(text, ["SC2086"]).findings] == [("SC2086", 9)]
    jobs = runner.plan(parse_dockerfile(text, "Dockerfile"), SourceText(text, "Dockerfile"))
    assert jobs[0].text.startswith("#!/bin/sh\n# shellcheck disable=SC2086\nexport ")
    binary = runner.find_binary()
    if binary is not None:
        results = runner.run_shellcheck(binary, [j.text for j in jobs])
        assert [sorted(c["code"] for c in r if c["code"] == 2086) for r in results] == [[], [2086]]


@needs_binary
def test_binary_codes_honour_continuation_line_directives():
    """The binary never sees a RUN's comment lines; its findings are filtered the same way."""
    text = ("FROM alpine:3.22\nRUN true \\\n# shellcheck disable=SC2164\n    && cd /x; \\\n"
            "    cd /y\nRUN cd /z\n")
    found = [(f.code, f.span.line) for f in lint(text, ["SC2164"]).findings]
    assert found == [("SC2164", 5), ("SC2164", 6)]
