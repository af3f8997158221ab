"""Batch A of the native ShellCheck checks (dockerlint/parse/shell_checks_more.py): SC1007,
SC2043, SC2059, SC2116, SC2185, SC2283, SC2291, SC3037, SC3044. Each case is checked against
what ShellCheck 0.11 reports for it (the parametrized test runs the binary when installed; the
expectations written out below were taken from it)."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from helpers import lint

from dockerlint.parse.shell_checks import NATIVE_CODES, check_script
from dockerlint.parse.shell_checks_more import CODES

SHELLCHECK = shutil.which("shellcheck")


def codes_in(script: str, dialect: str = "sh"):
    return [(i.code, script[i.start : i.end]) for i in check_script(script, dialect) if i.code in CODES]


def found(text: str, codes=CODES):
    result = lint(text, list(codes))
    assert result.error is None
    return [(f.code, f.span.line, f.span.col) for f in result.findings]


def test_find_without_path():
    assert codes_in("find -type f -name '*.a' -delete") == [("SC2185", "find")]
    assert codes_in("x=$(/usr/bin/find -L -maxdepth 1)") == [("SC2185", "/usr/bin/find")]
    assert codes_in('find "$D" -name x; find -L . -name y; find -O3 /; find --help; sudo find -name z') == []


def test_useless_echo():
    assert codes_in('x=$(echo $HOME/share); y="$(echo "a")"; z=`echo $y`') == [
        ("SC2116", "$(echo $HOME/share)"), ("SC2116", '$(echo "a")'), ("SC2116", "`echo $y`")]
    # globs, brace expansion, a leading flag, `$(echo $(cmd))` (SC2005), pipelines: not reported
    assert codes_in('a=$(echo *.c); b=$(echo x{1,2}); c=$(echo -n x); d=$(echo $v-n); e=$(echo $(date)); f=$(echo a | tr a b)', "bash") == []
    # `command echo`: ShellCheck looks at the words after `command`, `echo` first
    assert codes_in("x=$(command echo -n a)", "bash") == [("SC2116", "$(command echo -n a)")]


def test_spaces_around_equals_and_after_equals():
    assert codes_in('VERSION = 1.2; V =$x; chmod =2775 /opt') == [("SC2283", "="), ("SC2283", "=$x"), ("SC2283", "=2775")]
    # the first word need not be literal; tree-sitter's `--prefix=/usr` "assignment" is a word
    assert codes_in('"$V" = 1; --prefix=/usr =x') == [("SC2283", "="), ("SC2283", "=x")]
    assert codes_in("echo ======; x '=' y; x == y; x += 1") == []
    assert codes_in("ARCH= amd64; a=1 b= c; export A= B=1") == [("SC1007", " "), ("SC1007", " "), ("SC1007", " ")]
    # IFS= read, an empty value at the end of a command or before a comment: fine
    assert codes_in("IFS= read -r x; ARCH= && OPENSSL_ARCH= ; FOO= # note") == []


def test_printf_format_variable():
    assert codes_in('printf "$x"; printf -- "${y}\\n"; printf -v v "$(date)"; builtin printf $z') == [
        ("SC2059", '"$x"'), ("SC2059", '"${y}\\n"'), ("SC2059", '"$(date)"'), ("SC2059", "$z")]
    assert codes_in("printf \"%s$x\" a; printf '$x'; printf \"\\$x\"; /usr/bin/printf \"$x\"") == []


def test_builtins_and_echo_flags_depend_on_the_dialect():
    script = "pushd /x; declare -x A=1; command shopt -s y; echo -n a; echo -e b; /bin/echo -E c; popd"
    assert [c for c, _ in codes_in(script)] == ["SC3044", "SC3044", "SC3044", "SC3037", "SC3037", "SC3037", "SC3044"]
    assert codes_in(script, "bash") == []
    # dash: SC3044 in dash's words; its echo flags are SC3036, not ours
    dash = check_script("pushd /x; echo -e a\n", "dash")
    assert [(i.code, i.message) for i in dash if i.code in CODES] == [("SC3044", "In dash, 'pushd' is not supported.")]
    # `let` is SC3039, `local` SC3043, `sudo pushd` runs sudo
    assert codes_in("let a=1; sudo pushd x; echo -x a; echo $v -e") == []


def test_loop_runs_once():
    assert codes_in('for t in module-perl; do :; done; for i in "a"; do :; done; for i in ~/x a"$v"; do :; done') == [
        ("SC2043", "module-perl"), ("SC2043", '"a"')]
    assert codes_in('for i in a"$v"; do :; done; for n in $((1)); do :; done') == [("SC2043", 'a"$v"'), ("SC2043", "$((1))")]
    # splits, globs, brace expansion, arrays; single quotes (SC2041), commas (SC2042), "$x" (SC2066)
    none = ['$x', '*.c', 'x[ab]', '{1..3}', '{a,b}', '"$@"', 'x/$(ls)', "'a b'", 'a,b', '"$x"', '"*.c"']
    assert codes_in("".join(f"for i in {w}; do :; done\n" for w in none)) == []


def test_repeated_spaces_count_tabs_as_shellcheck_does():
    assert codes_in("echo version:    1.2") == [("SC2291", "echo version:    1.2")]
    assert codes_in("echo a   b; echo 'a     b'; echo a    > f b") == []
    # tabs advance to the next multiple of 8 columns
    assert codes_in("echo abcdef\tb") == [("SC2291", "echo abcdef\tb")]
    assert codes_in("echo a\tb") == []


def test_dockerfile_positions_and_continuations():
    # Continuation lines are joined before the script runs, so ShellCheck under hadolint sees
    # the next line's indentation as repeated spaces between echo's words; we do not: those
    # blanks are layout (and `dockerlint format` re-indents them).
    text = 'FROM alpine:3.22\nRUN echo "Node:" \\\n        "$(node -v)" \\\n && find -name x\n'
    assert found(text) == [("SC2185", 4, 5)]
    text = 'FROM alpine:3.22\nRUN true \\\n && echo "Node:"     "$(node -v)" \\\n        "npm"\n'
    assert found(text) == [("SC2291", 3, 5)]
    # a heredoc script keeps its lines: the same rule as in ShellCheck
    assert found('FROM alpine:3.22\nRUN <<EOF\necho a     b\necho c \\\n      d\nEOF\n') == [("SC2291", 3, 1)]
    text = "FROM debian:12\nRUN ARCH= OPENSSL_ARCH='linux*' \\\n && for target in module-perl; do echo \"$target\"; done\n"
    assert found(text) == [("SC1007", 2, 10), ("SC2043", 3, 19)]


def test_heredoc_shebang_and_shell_instruction_pick_the_dialect():
    sh = "FROM debian:12\nRUN pushd /tmp && echo -n x && popd\n"
    assert found(sh, ["SC3044", "SC3037"]) == [("SC3044", 2, 5), ("SC3037", 2, 24), ("SC3044", 2, 32)]
    assert found('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN pushd /tmp && echo -n x && popd\n', ["SC3044", "SC3037"]) == []
    assert found("FROM debian:12\nRUN <<EOF\n#!/bin/bash\npushd /tmp\nEOF\n", ["SC3044"]) == []
    assert found("FROM debian:12\nRUN <<EOF\npushd /tmp\nEOF\n", ["SC3044"]) == [("SC3044", 3, 1)]


def test_suppressions_and_defaults():
    text = "FROM alpine:3.22\nRUN true \\\n# shellcheck disable=SC2185\n && find -name x\nRUN find -name y\n"
    assert found(text, ["SC2185"]) == [("SC2185", 5, 5)]
    text = "FROM alpine:3.22\n# hadolint ignore=SC2116\nRUN x=$(echo a)\n"
    assert found(text, ["SC2116"]) == []
    assert "SC2185" in {f.code for f in lint("FROM alpine:3\nRUN find -name x\n", ["DEFAULT"]).findings}


def test_binary_provider_leaves_these_codes_to_the_native_checks():
    from dockerlint.shellcheck.codes import CODES as BINARY_ROWS

    assert set(CODES) <= set(NATIVE_CODES)
    assert not set(CODES) & {row[0] for row in BINARY_ROWS}
    import rules.sc_shellcheck_binary as binary

    assert not [c for c in CODES if hasattr(binary, f"ShellCheck{c}")]


def test_syntax_error_drops_all_but_sc1007_before_it():
    # ShellCheck reports only parser warnings when a script does not parse; SC1007 is one.
    assert codes_in("FOO= bar; find -name x; if true; then") == [("SC1007", " ")]


CASES = [
    ("sh", "find -name x; find / -name x; /usr/bin/find -L -name x; x=$(find -name y); find; find -- -name; find -P ."),
    ("sh", 'printf "$x"; printf "%s$x" a; printf $x; printf -- "$x"; printf -v v "$x"; printf "${x}\\n"; printf \'$x\''),
    ("sh", 'builtin printf "$x"; printf "$(cat f)"; printf "\\$x"; printf ${x}%s a; printf "`date`"; printf $((1+2)); printf "${x%.*}"'),
    ("sh", "for i in a; do :; done; for i in \"a\"; do :; done; for i in 'a b'; do :; done; for i in 'a'b; do :; done"),
    ("sh", 'for i in a,b; do :; done; for i in *.c; do :; done; for i in $x; do :; done; for i in "$x"; do :; done'),
    ("sh", 'for i in "*.c"; do :; done; for i in $((1)); do :; done; for i in ~/x; do :; done; for i in a{b}; do :; done'),
    ("sh", "for i in x[ab]; do :; done; for i in \"$@\"; do :; done; for i in a\"$x\"; do :; done; for i in $'a'; do :; done"),
    ("sh", "for i in x/$(ls); do :; done; for i in {1..3}; do :; done; for i in ?; do :; done; for i in x\\*; do :; done"),
    ("sh", 'x=$(echo a); x=$(echo); x=$(echo -n a); x=`echo $y`; x=$(echo $(date)); x=$(echo "$(date)"); x=$(echo $(date) a)'),
    ("sh", 'x=$(echo *.c); x=$(echo a | tr a b); x=$(echo a > f); x=$(/bin/echo a); x=$(command echo a); x="$(echo "a")"'),
    ("sh", 'x=$(echo "*"); x=$(echo a; echo b); x=$(FOO=1 echo a); x=$(echo $(<f)); x=$((1 + $(echo 2))); x=$(echo "-n")'),
    ("sh", "x=$(echo $y-n); x=$(echo ${y}-n); x=$(command echo -n a)\ncat <<EOF\n$(echo a)\nEOF"),
    ("sh", "pushd /x; popd; declare -x A=1; typeset a; let a=1; shopt -s x; builtin cd x; command pushd x; x=$(dirs)"),
    ("sh", "complete -F f x; compgen -c; disown; enable x; mapfile a; readarray a; suspend; caller; /bin/pushd x; \"pushd\" x"),
    ("sh", "sudo pushd x; exec pushd x; FOO=1 pushd x; declare a=1"),
    ("dash", "pushd /x; declare a; echo -n a; echo -e b"),
    ("bash", "pushd /x; declare a; echo -n a; echo -e b; find -name x; printf \"$x\"; x=$(echo a)"),
    ("sh", "echo -e a; echo -n a; echo -E a; echo -ne a; echo -x a; echo \"-e\" a; /bin/echo -e a; echo -en; echo -; echo $x -e"),
    ("sh", "command echo -e a; IFS= read -r x; FOO= ; echo; FOO=  $(cmd); a=1 b= c; export A= B=1; FOO= \"x\""),
    ("sh", "f(){ local a= b; }; readonly A= b; FOO[1]= x; FOO= && x; FOO+= x; a= b= c\nFOO= # c"),
    ("sh", "x =; echo ======; echo == x; x += 1; x '=' y; x \"=\"; x =$y; x \\=; env A= B=; chmod =2775 /x"),
    ("sh", "echo foo\tbar; echo a\tb; echo a\t\tb; echo abcdefg\tb; echo abcdef\tb; FOO=\tbar"),
    ("sh", "echo a  > f   b; echo a    >f b; x=$(echo    a    b); echo a    $(echo b    c); echo a > f     b    c"),
    ("sh", 'echo a    b > f; 2>/dev/null echo a     b; FOO=1 echo a     b; echo "a"     b; echo a     "$(echo b    c)"'),
    # found by feeding every corpus word through these templates (bench/shellcheck_word_fuzz.py)
    ("sh", "printf <(cat f) x; x=$(echo $(. ./a; echo b;)); --prefix=/usr =x; $x = 1; a=1 --x=y =z; export = x; time =x; time x = y"),
    ("sh", "for i in a\"'$!N;$!ba'\"; do :; done; for i in a\"\"\\r\"\"; do :; done; for i in \"${!x}\"; do :; done"),
    ("sh", "echo foo   bar; echo foo         bar; echo       foo; echo 'foo          bar'; echo a > myfile.txt b\necho foo\\\n        bar"),
]


@pytest.mark.skipif(SHELLCHECK is None, reason="shellcheck binary not installed")
@pytest.mark.parametrize("dialect,script", CASES)
def test_agrees_with_shellcheck(dialect, script):
    """The same script through ShellCheck and the native checks: same (line, column, code)
    for batch A's codes."""
    out = subprocess.run([SHELLCHECK, "-f", "json1", "-"], input=f"#!/bin/{dialect}\n{script}\n",
                         capture_output=True, text=True).stdout
    theirs = sorted((c["line"] - 1, c["column"], f"SC{c['code']}") for c in json.loads(out)["comments"]
                    if f"SC{c['code']}" in CODES)
    text = script + "\n"
    ours = sorted((text.count("\n", 0, i.start) + 1, i.start - text.rfind("\n", 0, i.start), i.code)
                  for i in check_script(text, dialect) if i.code in CODES)
    assert ours == theirs


def test_word_lexer_survives_hostile_nesting():
    """`"$("$("$(...` nests quotes and substitutions without end: the lexer stops descending
    (the rest is one part) instead of raising RecursionError; unclosed `{`/`[` stay literal."""
    from dockerlint.parse.shell_checks_more import _segments

    segs = _segments('"$(' * 3000)
    assert segs and segs[0][0] == "dq"
    assert _segments("{" * 5000 + "a") == [("lit", "{" * 5000 + "a")]
    assert _segments("[" * 5000) == [("lit", "[" * 5000)]
    assert _segments("x{a,b}") == [("lit", "x"), ("brace", "{a,b}")]


def test_python_walk_finds_the_nodes_the_query_captures():
    """The first scripts of a run (and any over 8 KB) are walked from Python instead of by the
    compiled tree-sitter query: both must give the same nodes (the walk in document order, the
    query in its own order), or a run's findings would depend on how many scripts came before."""
    from dockerlint.parse.shell import parse_shell
    from dockerlint.parse.shell_checks_more import _nodes_in_order, _query_cursor

    scripts = [s for _, s in CASES] + [
        "a=1; b=$(c); for x in 1 2; do d=; echo $(e $(f)); done; declare -x g=1 h; export i=",
        "if true; then x=$(y) z; fi\ncase $a in b) c=;; esac; { d; } | e && f || g",
    ]
    for text in scripts:
        root = parse_shell(text).syntax_tree.root_node
        walked = sorted((n.start_byte, n.end_byte, n.type) for n in _nodes_in_order(root))
        queried = sorted((n.start_byte, n.end_byte, n.type) for n in _query_cursor().captures(root).get("n", ()))
        assert walked == queried, text
        assert walked


def test_findings_do_not_depend_on_the_walk():
    """A script checked while the run still walks from Python and after it compiled the query
    gives the same findings."""
    import dockerlint.parse.shell_checks_more as more

    for _, text in CASES:
        saved = more._QUERY, more._WALKED
        try:
            more._QUERY, more._WALKED = None, 0
            walked = sorted((i.start, i.end, i.code, i.message) for i in check_script(text + "\n", "sh"))
            more._WALKED = more._WALK_FIRST
            queried = sorted((i.start, i.end, i.code, i.message) for i in check_script(text + "\n", "sh"))
        finally:
            more._QUERY, more._WALKED = saved
        assert walked == queried, text
