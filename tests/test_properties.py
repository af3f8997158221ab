"""Property tests (hypothesis) for the same properties the atheris targets check
(fuzz/properties.py): parse errors only of our own kind and with a position, a lossless
Dockerfile model, findings inside the file, fixes that BuildKit accepts and that are idempotent.

Inputs are built from the grammar's pieces (keywords, flags, quotes, continuations, heredocs,
comments, CRLF, a BOM...) rather than random characters, so most of them parse. Bounded:
derandomized, no example database, small `max_examples` (the file runs in well under a minute on
2 CPUs); the regressions found by fuzzing are pinned with @example.
"""
from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fuzz"))
import properties as P  # noqa: E402

BOUNDED = dict(derandomize=True, database=None, deadline=None, suppress_health_check=list(HealthCheck))

# --- Dockerfiles ---------------------------------------------------------------------------------

KEYWORDS = ["FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
            "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER", "run", "From", "BOGUS"]
WORDS = ["debian", "debian:12", "alpine:3.20@sha256:" + "a" * 64, "AS", "build", "scratch", "--from=build",
         "--platform=$BUILDPLATFORM", "--mount=type=cache,target=/var/cache/apt", "--chown=1:1", "--link",
         "apt-get", "install", "update", "-y", "curl", "pip", "npm", "sudo", "cd", "/app", "&&", "||", "|", ";",
         "$A", "${A:-x}", "${A/b/c}", '"quoted word"', "'single'", '["a", "b"]', "[", "]", "<<EOF", "<<-EOF",
         "2<<'EOT'", "\\", "`", "#", "=", "A=1", "B=\"$A\"", "80/tcp", "99999", "root", "0", "é", "\t", "CMD",
         "--interval=5s", "NONE", "latest"]


@st.composite
def dockerfiles(draw) -> str:
    lines: list[str] = []
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["# syntax=docker/dockerfile:1", "# escape=`", "# check=skip=all", "#escape=\\"])))
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["instruction"] * 6 + ["comment", "blank", "continued", "heredoc"]))
        if kind == "comment":
            lines.append("# " + " ".join(draw(st.lists(st.sampled_from(WORDS + ["hadolint ignore=DL3006", "dockerlint: ignore"]), max_size=4))))
        elif kind == "blank":
            lines.append(draw(st.sampled_from(["", "   ", "\t"])))
        else:
            words = draw(st.lists(st.sampled_from(WORDS), max_size=6))
            line = draw(st.sampled_from(KEYWORDS)) + " " + " ".join(words)
            if kind == "continued":
                line += " \\\n" + draw(st.sampled_from(["# inside", "", "  && echo done", "RUN x \\", "N foo"]))
            elif kind == "heredoc":
                line = "RUN <<EOF\n" + "\n".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))) + "\nEOF"
            lines.append(line)
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines) + draw(st.sampled_from([newline, ""]))
    return ("\ufeff" if draw(st.booleans()) else "") + text


@settings(max_examples=400, **BOUNDED)
@given(dockerfiles())
@example("FROM x\n  c:\\\nser root\n")  # a keyword split by a continuation (fuzz: keyword span check)
@example("\ufeff# syntax=x\r\nFROM a\r\n")
@example("FROM x\nRUN 0000000000000000000000000000000000000001<<EOF\nx\nEOF\n")
def test_dockerfile_properties(text):
    P.check_dockerfile(text)


@settings(max_examples=100, **BOUNDED)
@given(dockerfiles())
@example("FROM debian\nRUN apt-get update && apt-get install curl\nUSER root\n")
def test_fix_properties(text):
    P.check_fix(text)


# --- YAML -----------------------------------------------------------------------------------------

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 70000), st.sampled_from(
    ["nginx", "nginx:latest", "0.5", "512Mi", "NET_RAW", "true", "on", "~", "*", "&a", "- x", "# c", "'q'", "é", ""]))
KEYS = st.sampled_from(["apiVersion", "kind", "metadata", "name", "spec", "containers", "image", "services",
                        "securityContext", "privileged", "ports", "env", "<<", "x-common", "labels", "a", "b"])
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=12)


@st.composite
def yaml_texts(draw) -> str:
    import yaml

    documents = []
    for _ in range(draw(st.integers(1, 3))):
        data = draw(st.dictionaries(KEYS, VALUES, max_size=5))
        if draw(st.booleans()):
            data.update({"apiVersion": "v1", "kind": draw(st.sampled_from(["Pod", "Deployment", "Service"]))})
        documents.append(yaml.safe_dump(data, default_flow_style=draw(st.sampled_from([None, True, False])), allow_unicode=True))
    text = "---\n".join(documents)
    tweak = draw(st.sampled_from(["", "anchor", "comment", "crlf", "truncate", "no-newline"]))
    if tweak == "anchor" and "\n" in text:
        text = "x-base: &base {a: 1}\n" + text.replace("\n", "\n<<: *base\n", 1)
    elif tweak == "comment":
        text = "# dockerlint: ignore=KS001\n" + text.replace("\n", "  # trailing\n", 1)
    elif tweak == "crlf":
        text = text.replace("\n", "\r\n")
    elif tweak == "truncate":
        text = text[: draw(st.integers(0, len(text)))]
    elif tweak == "no-newline":
        text = text.rstrip("\n")
    return text


@settings(max_examples=300, **BOUNDED)
@given(yaml_texts())
@example("?")  # a node at the end without a final newline (fuzz: span past the end)
@example("a: &a [x, x]\nb: [*a, *a]\nc: {<<: {k: 1}, d: 2}")
def test_yaml_properties(text):
    P.check_yaml(text)


# --- shell, pragmas, config ---------------------------------------------------------------------

SHELL = ["apt-get", "install", "-y", "curl", "&&", "||", "|", ";", "&", "(", ")", "{", "}", "$(", "`", "'", '"',
         "$A", "${A:-b}", "<<EOF\nbody\nEOF", "<", ">", "2>&1", "\n", "\\\n", "#", "if", "then", "fi", "for", "do",
         "done", "sudo", "-E", "env", "X=1", "pip3", "--user", "é", "*", "!", "[[", "]]", "case", "esac", "in"]


@settings(max_examples=300, **BOUNDED)
@given(st.lists(st.sampled_from(SHELL), max_size=20).map(" ".join))
def test_shell_properties(script):
    P.check_shell(script)


# Scripts built from the shell's compound forms around simple commands: the token soup above
# never puts `exit` before a branch (`exit 1 && b`, `if exit 1; then`), which crashed the native
# ShellCheck pass for the whole file until 2026-12-08.
SIMPLE = ["exit 1", "exit", "return 1", "break", "continue", "true", "echo $A", "echo $x", "x=1", "read -r y",
          "local z=$(pwd)", "unset x", "export B=$x", "echo ${x:-b}", "cat <<EOF\n$x\nEOF\n", "[ -n \"$x\" ]"]
COMPOUND = ["{ X; }", "( X )", "if X; then X; fi", "if X; then X; elif X; then X; else X; fi", "while X; do X; done",
            "until X; do X; done", "X && X", "X || X", "X | X", "X > $F", "X 2>&1", "case $x in a) X;; *) X;; esac",
            "f() { X; }", "for i in 1 2; do X; done", "X; X", "! X", "echo $(X)", "echo `X`", "X &",
            "for ((i=0;i<2;i++)); do X; done"]


@st.composite
def shell_structures(draw, depth: int = 4) -> str:
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        return draw(st.sampled_from(SIMPLE))
    form = draw(st.sampled_from(COMPOUND))
    while "X" in form:
        form = form.replace("X", draw(shell_structures(depth - 1)), 1)
    return form


@settings(max_examples=300, **BOUNDED)
@given(shell_structures())
@example("exit 1 && echo $x")
@example("if exit 1; then echo a; elif exit 2; then echo b; fi")
@example("exit 1 > $F")
def test_shell_structure_properties(script):
    P.check_shell(script)


PRAGMA = ["hadolint", "dockerlint:", "ignore", "ignore-file", "global", "stage", "shell", "=", ",", " ", "\t",
          "DL3006", "DL3002", "KS003", "untagged-base-image", "ALL", "#", "check=skip=", "all", ";", "error=true", "é"]


@settings(max_examples=300, **BOUNDED)
@given(st.lists(st.lists(st.sampled_from(PRAGMA), max_size=8).map("".join), min_size=1, max_size=4).map("\n".join))
@example("hadolint ignore=DL3006\ndockerlint: ignore=ALL")
def test_pragma_properties(comments):
    P.check_pragmas(comments)


CONFIG_KEYS = ["select", "ignore", "extend-select", "severity", "failure-threshold", "rules", "exclude",
               "build-args", "ignored", "override", "trustedRegistries", "label-schema", "strict-labels", "bogus"]
CONFIG_VALUES = st.one_of(
    st.sampled_from(['["DL3006"]', '"DL3006,KS"', '"warning"', "true", "1", '{ DL3006 = "error" }', "[1, 2]", '"nonsense"',
                     '{ DL3026 = { trusted-registries = ["x"] } }', "[[[[]]]]", '"\\u00e9"']),
)


@settings(max_examples=300, **BOUNDED)
@given(st.integers(0, 2), st.lists(st.tuples(st.sampled_from(CONFIG_KEYS), CONFIG_VALUES), max_size=5), st.booleans())
@example(1, [], True)
def test_config_properties(selector, pairs, corrupt):
    if selector == 0:  # .hadolint.yaml
        body = "".join(f"{k}: {v.replace(' = ', ': ')}\n" for k, v in pairs)
    else:
        body = ("[tool.dockerlint]\n" if selector == 2 else "") + "".join(f"{k} = {v}\n" for k, v in pairs)
    data = bytes([selector]) + body.encode()
    if corrupt:
        data += b"\xff\xfe not UTF-8"  # fuzz: a config that is not UTF-8 raised UnicodeDecodeError
    P.check_config(data)


# --- prefilters ----------------------------------------------------------------------------------
# DF001 looks for the words of its start-as-root patterns with `in` before it runs them: every
# text a pattern matches must hold one of the words, or a match would be missed.
from rules.df001_final_stage_root import _STARTS_AS_ROOT, _STARTS_AS_ROOT_WORDS  # noqa: E402


@settings(max_examples=300, **BOUNDED)
@given(st.data())
def test_df001_words_cover_its_patterns(data):
    for pattern, _what in _STARTS_AS_ROOT:
        text = data.draw(st.from_regex(pattern.compiled()))
        assert pattern.search(text)
        assert any(word in text for word in _STARTS_AS_ROOT_WORDS), (pattern.pattern, text)


# SourceText.span searches the line index once when both ends share a line: it must give what
# the two positions give, for any offsets (before the text, past it, reversed, on line breaks).
@settings(max_examples=400, **BOUNDED)
@given(st.text(alphabet="ab\n\r\u2028é", max_size=40), st.integers(-3, 45), st.integers(-3, 45))
def test_span_is_its_two_positions(text, start, end):
    from dockerlint.model import SourceText, Span

    source = SourceText(text)
    assert source.span(start, end) == Span(start, end, *source.position(start), *source.position(end))


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(["a", "b", "results", "é\n"]), children, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(_JSON)
def test_dumps_lines_is_json_dumps_indented_but_for_its_one_line_lists(document):
    """report/common.dumps_lines: byte for byte `json.dumps(indent=2)` with nothing on one line;
    with the items of "results" lists (or of the top-level list) on one line each, the same JSON."""
    import json

    from dockerlint.report.common import dumps_lines

    assert dumps_lines(document) == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    for text in (dumps_lines(document, frozenset({"results"})), dumps_lines(document, top=True)):
        assert json.loads(text) == document


def _expand_tabs_by_character(line: str, col: int) -> tuple[str, int]:
    """The text report's tab expansion as first written, one character at a time."""
    out, new_col = [], 0
    for i, ch in enumerate(line):
        if i == col:
            new_col = len("".join(out))
        out.append("    " if ch == "\t" else ch)
    if col >= len(line):
        new_col = len("".join(out)) + (col - len(line))
    return "".join(out), new_col


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("a\t é"), max_size=12), st.integers(min_value=0, max_value=15))
def test_expand_tabs_is_the_character_walk(line, col):
    from dockerlint.report.text import _expand_tabs

    assert _expand_tabs(line, col) == _expand_tabs_by_character(line, col)
