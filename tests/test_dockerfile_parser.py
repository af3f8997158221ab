"""Unit tests for dockerlint.parse.dockerfile: real values and real spans."""
from __future__ import annotations

import random
import time

import pytest

from dockerlint.parse.dockerfile import (
    Dockerfile,
    DockerfileParseError,
    dockerfile_to_dict,
    parse_dockerfile,
)


def src(df: Dockerfile, span) -> str:
    return df.source.text[span.start : span.end]


def only(df: Dockerfile, keyword: str):
    found = [i for i in df.instructions if i.keyword == keyword]
    assert len(found) == 1, found
    return found[0]


def assert_lossless(df: Dockerfile) -> None:
    """Spans are in bounds, ordered, non-overlapping, and agree with SourceText."""
    text = df.source.text
    prev_end = 0
    for ins in df.instructions:
        s = ins.span
        assert 0 <= prev_end <= s.start <= s.end <= len(text)
        prev_end = s.end
        assert s == df.source.span(s.start, s.end)
        assert ins.keyword_span == df.source.span(ins.keyword_span.start, ins.keyword_span.end)
        assert s.contains(ins.keyword_span)
        if src(df, ins.keyword_span) == ins.keyword_raw:  # false only for a keyword split by a continuation
            assert src(df, s).startswith(ins.keyword_raw) or src(df, s).startswith(df.escape)
        for f in ins.flags:
            assert s.contains(f.span) and src(df, f.span).startswith("--")
        for h in ins.heredocs:
            assert s.contains(h.span) and h.span.contains(h.body_span)
            assert h.span.end == s.end or h is not ins.heredocs[-1]
        if ins.args and len(ins.segments) == 1:  # a single chunk: args is verbatim source text
            a = ins.source_offset(0)
            assert text[a : a + len(ins.args)] == ins.args
    for c in df.comments:
        assert src(df, c.span).startswith("#")
        assert c.span == df.source.span(c.span.start, c.span.end)


# --- continuations ----------------------------------------------------------------------------


def test_continuation_with_comment_and_blank_lines():
    text = "FROM alpine\nRUN apk add \\\n    # a comment\n    curl \\\n\n   \t\n    git\nUSER app\n"
    df = parse_dockerfile(text)
    run = only(df, "RUN")
    assert (run.line, run.end_line) == (2, 7)
    assert run.args == "apk add     curl     git"
    assert src(df, run.span) == "RUN apk add \\\n    # a comment\n    curl \\\n\n   \t\n    git"
    assert [(c.text, c.span.line, c.span.col) for c in df.comments] == [("a comment", 3, 5)]
    words = run.words()
    assert [w.value for w in words] == ["apk", "add", "curl", "git"]
    assert [(w.span.line, w.span.col) for w in words] == [(2, 5), (2, 9), (4, 5), (7, 5)]
    assert all(src(df, w.span) == w.text for w in words)
    assert only(df, "USER").line == 8
    assert_lossless(df)


def test_word_span_across_continuation():
    text = 'FROM a\nRUN echo "hello \\\nworld" done\n'
    df = parse_dockerfile(text)
    run = only(df, "RUN")
    assert run.args == 'echo "hello world" done'
    assert run.segments == ((0, 11), (12, 25))
    w = run.words()
    assert [x.text for x in w] == ["echo", '"hello world"', "done"]
    assert w[1].value == "hello world"
    assert (w[1].span.line, w[1].span.col, w[1].span.end_line, w[1].span.end_col) == (2, 10, 3, 7)
    assert src(df, w[1].span) == '"hello \\\nworld"'
    assert src(df, w[2].span) == "done"
    assert run.source_offset(run.args.index("world")) == text.index("world")


def test_escaped_escape_is_not_a_continuation():
    df = parse_dockerfile("FROM a\nRUN echo a\\\\\nRUN b\n")
    assert [(i.keyword, i.args) for i in df.instructions] == [("FROM", "a"), ("RUN", "echo a\\\\"), ("RUN", "b")]


def test_line_of_only_an_escape_starts_an_instruction():
    df = parse_dockerfile("FROM a\n\\\nRUN y\n")
    run = df.instructions[1]
    assert (run.keyword, run.line, run.end_line, run.args) == ("RUN", 2, 3, "y")
    assert src(df, run.keyword_span) == "RUN"


def test_lone_escape_at_eof_is_an_empty_instruction():
    df = parse_dockerfile("FROM a\n\\")
    assert [(i.keyword, i.line) for i in df.instructions] == [("FROM", 1), ("", 2)]


# --- escape directive, CRLF, BOM, final newline ---------------------------------------------------


def test_escape_directive_backtick():
    text = (
        "# escape=`\n"
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
        "RUN powershell -Command `\n"
        "    Write-Host hi\n"
        "COPY C:\\src\\ C:\\dst\\\n"
    )
    df = parse_dockerfile(text)
    assert df.escape == "`" and df.directives == {"escape": "`"}
    run = only(df, "RUN")
    assert (run.line, run.end_line, run.args) == (3, 4, "powershell -Command     Write-Host hi")
    copy = only(df, "COPY")
    assert copy.args == "C:\\src\\ C:\\dst\\" and copy.line == 5
    assert [w.value for w in copy.words()] == ["C:\\src\\", "C:\\dst\\"]
    assert [c.text for c in df.comments] == ["escape=`"]
    assert_lossless(df)


def test_directives_only_at_top():
    df = parse_dockerfile("# syntax=docker/dockerfile:1\n# check=skip=all\n#ESCAPE = `\nFROM a\nRUN a `\n b\n")
    assert df.directives == {"syntax": "docker/dockerfile:1", "check": "skip=all", "escape": "`"}
    assert only(df, "RUN").args == "a  b"
    # a plain comment, a blank line or an unknown key ends directive parsing
    for head in ("# hello\n", "\n", "# foo=bar\n"):
        df = parse_dockerfile(head + "# escape=`\nFROM a\nRUN a `\n b\n")
        assert df.escape == "\\" and df.directives == {}
        assert [i.keyword for i in df.instructions] == ["FROM", "RUN", "B"]
    df = parse_dockerfile("FROM a\n# escape=`\n")
    assert df.directives == {} and df.escape == "\\"


def test_directive_errors():
    with pytest.raises(DockerfileParseError, match="only one escape parser directive") as exc:
        parse_dockerfile("# escape=`\n# escape=\\\nFROM a\n")
    assert exc.value.line == 2
    with pytest.raises(DockerfileParseError, match="invalid escape token"):
        parse_dockerfile("# escape=x\nFROM a\n")


def test_crlf():
    text = "FROM a\r\nRUN a \\\r\n  b\r\nCOPY <<EOF /x\r\nhi\r\nEOF\r\n"
    df = parse_dockerfile(text)
    assert df.newline == "\r\n"
    run = only(df, "RUN")
    assert run.args == "a   b" and (run.line, run.end_line) == (2, 3)
    assert src(df, run.span) == "RUN a \\\r\n  b"
    copy = only(df, "COPY")
    assert copy.heredocs[0].content == "hi\r\n"
    assert src(df, copy.span) == "COPY <<EOF /x\r\nhi\r\nEOF"
    assert src(df, copy.heredocs[0].body_span) == "hi"
    assert_lossless(df)


def test_bom():
    text = "\ufeff# escape=`\nFROM a\nRUN a `\n b\n"
    df = parse_dockerfile(text)
    assert df.bom and df.escape == "`"
    assert df.comments[0].span.start == 1 and df.comments[0].text == "escape=`"
    df = parse_dockerfile("\ufeffFROM a\n")
    ins = df.instructions[0]
    assert (ins.span.start, ins.span.line, ins.keyword_raw) == (1, 1, "FROM")
    assert src(df, ins.span) == "FROM a"
    assert not parse_dockerfile("FROM a\n").bom


def test_no_final_newline():
    df = parse_dockerfile("FROM a\nRUN x")
    assert df.instructions[-1].span.end == len(df.source.text)
    df = parse_dockerfile("FROM a\nRUN <<EOF\nhi\nEOF")
    h = df.instructions[-1].heredocs[0]
    assert h.content == "hi\n" and src(df, h.span) == "hi\nEOF"


# --- JSON form ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, expected",
    [
        ('CMD ["a", "b c"]', ["a", "b c"]),
        ('CMD [ "a" ]  ', ["a"]),
        ("ENTRYPOINT []", []),
        ('RUN ["echo", "\\u00e9"]', ["echo", "é"]),
        ('SHELL ["pwsh", "-c"]', ["pwsh", "-c"]),
        ('COPY ["a b", "/c"]', ["a b", "/c"]),
        ('VOLUME ["/data"]', ["/data"]),
        ("CMD ['a']", None),  # not JSON: shell form
        ('CMD ["a",]', None),
        ('CMD ["a"] x', None),  # trailing data: json.Unmarshal (BuildKit >= 0.15) rejects it
        ('CMD ["a" "b"]', None),
        ("CMD [NaN]", None),
        ("CMD [1e400]", None),
        ("CMD echo [1]", None),
        ('EXPOSE ["80"]', None),  # EXPOSE has no JSON form
    ],
)
def test_json_form(line, expected):
    ins = parse_dockerfile(f"FROM a\n{line}\n").instructions[1]
    assert ins.json == expected


def test_json_healthcheck_and_errors():
    hc = parse_dockerfile('FROM a\nHEALTHCHECK --interval=5s CMD ["curl", "-f", "x"]\n').instructions[1]
    assert hc.json == ["curl", "-f", "x"] and hc.flags[0].value == "5s"
    for bad in ("CMD [1]", 'RUN ["a", null]', 'COPY ["a", {"b": 1}]'):
        with pytest.raises(DockerfileParseError, match="must be comprised of strings only") as exc:
            parse_dockerfile(f"FROM a\n{bad}\n")
        assert exc.value.line == 2


# --- heredocs -------------------------------------------------------------------------------------


def test_heredoc_plain_and_following_instruction():
    text = "FROM a\nRUN <<EOF\nset -e\necho hi\nEOF\nUSER x\n"
    df = parse_dockerfile(text)
    run = only(df, "RUN")
    (h,) = run.heredocs
    assert (h.name, h.content, h.chomp, h.quoted) == ("EOF", "set -e\necho hi\n", False, False)
    assert (run.line, run.end_line) == (2, 5)
    assert (h.span.line, h.span.end_line) == (3, 5)
    assert src(df, h.body_span) == "set -e\necho hi"
    assert src(df, h.span) == "set -e\necho hi\nEOF"
    assert run.args == "<<EOF"
    assert only(df, "USER").line == 6
    assert_lossless(df)


def test_heredoc_chomp_quoted_and_two_in_one_run():
    text = 'FROM a\nRUN <<-EOF cat - <<"E2" > /x\n\t\techo $HOME\n\tEOF\n\tnot-chomped\nE2\nRUN <<\'Q\'\n$x\nQ\n'
    df = parse_dockerfile(text)
    r1, r2 = df.instructions[1:]
    a, b = r1.heredocs
    assert (a.name, a.chomp, a.quoted) == ("EOF", True, False)
    assert (a.content, a.raw_content) == ("echo $HOME\n", "\t\techo $HOME\n")
    assert (b.name, b.chomp, b.quoted, b.content) == ("E2", False, True, "\tnot-chomped\n")
    assert (r1.line, r1.end_line) == (2, 6)
    assert (a.span.line, a.span.end_line, b.span.line, b.span.end_line) == (3, 4, 5, 6)
    (q,) = r2.heredocs
    assert (q.name, q.quoted, q.content, r2.line, r2.end_line) == ("Q", True, "$x\n", 7, 9)
    assert_lossless(df)


def test_heredoc_copy_and_empty_body_and_fd():
    df = parse_dockerfile("FROM a\nCOPY --chmod=755 <<EOF /usr/bin/x\nEOF\nRUN 3<<X cat\nx\nX\n")
    copy, run = df.instructions[1:]
    h = copy.heredocs[0]
    assert (h.name, h.content, copy.end_line) == ("EOF", "", 3)
    assert h.body_span.start == h.body_span.end == h.span.start
    assert copy.flags[0].name == "chmod" and copy.args == "<<EOF /usr/bin/x"
    assert run.heredocs[0].fd == 3 and run.heredocs[0].name == "X"


def test_heredoc_only_for_run_copy_add_in_shell_form():
    df = parse_dockerfile('FROM a\nCMD <<EOF\nEOF\nRUN ["<<EOF"]\nADD <<A /a\nA\n')
    assert [(i.keyword, i.line, i.end_line) for i in df.instructions] == [
        ("FROM", 1, 1), ("CMD", 2, 2), ("EOF", 3, 3), ("RUN", 4, 4), ("ADD", 5, 6)
    ]
    # not heredoc words: a<<EOF (no word start), <<"" (empty name), unbalanced quote on the line
    df = parse_dockerfile("FROM a\nRUN a<<EOF\nRUN <<\"\"\nRUN <<EOF echo 'x\n")
    assert all(not i.heredocs for i in df.instructions) and len(df.instructions) == 4


def test_heredoc_errors():
    with pytest.raises(DockerfileParseError, match="unterminated heredoc") as exc:
        parse_dockerfile("FROM a\nRUN <<EOF\nhi\n")
    assert exc.value.line == 2
    with pytest.raises(DockerfileParseError, match="unterminated heredoc"):
        parse_dockerfile("FROM a\nRUN cat <<EOF>x\nhi\nEOF\n")  # the word is EOF>x


# --- ONBUILD, flags, stages ---------------------------------------------------------------------


def test_onbuild():
    text = "FROM a\nONBUILD RUN --mount=type=cache,target=/c make\nONBUILD COPY <<EOF /x\nhi\nEOF\nONBUILD\n"
    df = parse_dockerfile(text)
    o1, o2, o3 = df.instructions[1:]
    inner = o1.inner
    assert (o1.keyword, o1.args) == ("ONBUILD", "RUN --mount=type=cache,target=/c make")
    assert (inner.keyword, inner.args, inner.original) == ("RUN", "make", o1.args)
    assert src(df, inner.keyword_span) == "RUN" and inner.keyword_span.col == 9
    assert src(df, inner.span) == "RUN --mount=type=cache,target=/c make"
    assert inner.flags[0].name == "mount" and src(df, inner.flags[0].span) == "--mount=type=cache,target=/c"
    assert (inner.stage, inner.index) == (0, 1)
    assert o2.inner.keyword == "COPY" and o2.inner.heredocs[0].content == "hi\n" and o2.heredocs == o2.inner.heredocs
    assert (o2.line, o2.end_line) == (3, 5)
    assert o3.inner is None and o3.args == ""
    assert_lossless(df)


def test_flags():
    df = parse_dockerfile(
        'FROM a\nCOPY --from=build --chown=1:1 a b\nRUN --mount=type=cache,target=/x cmd --not-a-flag\n'
        'COPY --link --chown="a b" -- --weird c\nADD --checksum=sha256:x\n'
    )
    copy, run, copy2, add = df.instructions[1:]
    assert [(f.name, f.value) for f in copy.flags] == [("from", "build"), ("chown", "1:1")]
    assert [src(df, f.span) for f in copy.flags] == ["--from=build", "--chown=1:1"]
    assert copy.args == "a b" and copy.flag("from").value == "build" and copy.flag("x") is None
    assert [(f.name, f.value) for f in run.flags] == [("mount", "type=cache,target=/x")]
    assert run.args == "cmd --not-a-flag"
    assert [(f.name, f.value) for f in copy2.flags] == [("link", None), ("chown", "a b")]
    assert src(df, copy2.flags[1].span) == '--chown="a b"' and copy2.args == "--weird c"
    assert [(f.name, f.value) for f in add.flags] == [("checksum", "sha256:x")] and add.args == ""


def test_stages():
    text = (
        "ARG BASE=golang:1.22\n"
        "FROM --platform=$BUILDPLATFORM ${BASE} AS Build\n"
        "RUN go build\n"
        "from alpine as final\n"
        "COPY --from=Build /out /\n"
        "FROM scratch\n"
    )
    df = parse_dockerfile(text)
    assert [i.stage for i in df.instructions] == [-1, 0, 0, 1, 1, 2]
    assert [i.index for i in df.instructions] == list(range(6))
    assert [g.args for g in df.global_args] == ["BASE=golang:1.22"]
    s0, s1, s2 = df.stages
    assert (s0.index, s0.image, s0.alias, s0.platform) == (0, "${BASE}", "Build", "$BUILDPLATFORM")
    assert (s1.image, s1.alias, s1.platform, s1.from_.keyword_raw) == ("alpine", "final", None, "from")
    assert (s2.image, s2.alias) == ("scratch", None)
    assert [i.keyword for i in s1.instructions] == ["FROM", "COPY"]


# --- errors and robustness ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, message, line",
    [
        ("", "file with no instructions", 1),
        ("# only a comment\n\n", "file with no instructions", None),
        ("\r", "file with no instructions", 1),
        ("FROM a\nENV A\n", "ENV must have two arguments", 2),
        ("FROM a\nLABEL a=b c\n", "can't find = in \"c\"", 2),
        ("FROM a\nRUN <<${A:-x y}\n", "failed to process", 2),
    ],
)
def test_parse_errors(text, message, line):
    with pytest.raises(DockerfileParseError, match=message) as exc:
        parse_dockerfile(text)
    if line is not None:
        assert exc.value.line == line


def test_unknown_instruction_is_kept():
    df = parse_dockerfile("FROM a\nFOO bar baz\nrun x\n")
    assert [(i.keyword, i.keyword_raw, i.args) for i in df.instructions] == [
        ("FROM", "FROM", "a"), ("FOO", "FOO", "bar baz"), ("RUN", "run", "x")
    ]


def test_line_length_limit():
    long_line = "RUN " + "x" * 70000 + "\n"
    with pytest.raises(DockerfileParseError, match="greater than max allowed size of 65535") as exc:
        parse_dockerfile("FROM a\n" + long_line)
    assert exc.value.line == 2
    ok = "RUN " + "x" * 65531 + "\n"  # 65535 bytes: the most BuildKit reads
    assert parse_dockerfile(ok).instructions[0].args == "x" * 65531
    with pytest.raises(DockerfileParseError):
        parse_dockerfile("RUN " + "é" * 32766 + "\n")  # counted in UTF-8 bytes
    df = parse_dockerfile("FROM a\n" + long_line, max_line_bytes=None)
    assert len(df.instructions[1].args) == 70000


def test_never_another_exception():
    rng = random.Random(1234)
    alphabet = list("\\`'\"$ {}<-=#\t\r\n\x00\ufeff\u00a0\u2003[],:/abRUNCOPYFROMONBUILD") + [
        "RUN ", "COPY ", "<<EOF", "\nEOF\n", "ONBUILD ", "# escape=`\n", "--a=", "${a:-", '["x"]', "[1]", "ENV ",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        try:
            df = parse_dockerfile(text)
        except DockerfileParseError:
            continue
        assert_lossless(df)
        for ins in df.instructions:
            ins.words()
        dockerfile_to_dict(df, "x")
    for junk in ("\\", "\\\n", "`", "\r\r\r", "\x00", "\udcff\udcfe", "\ufeff", "#", "\n\n\n"):
        try:
            parse_dockerfile(junk)
        except DockerfileParseError:
            pass


def test_pathological_inputs_are_linear():
    budget = 30.0  # generous: CI machines are slow and shared; quadratic behaviour takes minutes
    cases = [
        "FROM a\n" + "RUN echo hi && make install\n" * 100_000,
        "RUN " + "a" * 10_000_000,
        'RUN --a="' + "x " * 2_000_000 + '" y',
        "RUN <<EOF " + "a 'b' \"c $d\" \\f " * 200_000 + "\nEOF\n",
        "ONBUILD " * 300_000 + "RUN x",
        "RUN a \\\n" * 100_000 + "b\n",
        "RUN <<EOF\n" + "line\n" * 500_000 + "EOF\n",
        "RUN [" + '"a",' * 500_000 + '"b"]',
    ]
    start = time.perf_counter()
    for text in cases:
        parse_dockerfile(text, max_line_bytes=None)
    assert time.perf_counter() - start < budget


# --- ast dump -------------------------------------------------------------------------------------


def test_dockerfile_to_dict():
    df = parse_dockerfile("# syntax=x\nFROM --platform=linux/amd64 a AS b\nONBUILD RUN <<EOF\nhi\nEOF\n")
    d = dockerfile_to_dict(df, "Dockerfile")
    assert d["path"] == "Dockerfile" and d["directives"] == {"syntax": "x"} and d["escape"] == "\\"
    assert d["stages"] == [{"index": 0, "image": "a", "alias": "b", "platform": "linux/amd64", "line": 2}]
    frm, onb = d["instructions"]
    assert frm == {
        "keyword": "FROM", "line": 2, "end_line": 2, "column": 1, "end_column": 35,
        "flags": [{"name": "platform", "value": "linux/amd64"}], "args": "a AS b", "json": None,
        "heredocs": [], "inner": None, "stage": 0,
    }
    assert (onb["line"], onb["end_line"], onb["inner"]["keyword"], onb["inner"]["column"]) == (3, 5, "RUN", 9)
    assert onb["inner"]["heredocs"] == [{"name": "EOF", "content": "hi\n", "line": 4, "end_line": 5}]


def test_remembered_line_splits_depend_on_the_escape_character():
    """The split of a logical line is remembered per (line, escape): the same line read with
    the other escape character is split again (here it is then an error)."""
    line = "LABEL a=b\\ c\n"
    for _ in range(2):  # the second round reads both from the memo
        assert parse_dockerfile("FROM a\n" + line).instructions[1].args == "a=b\\ c"
        with pytest.raises(DockerfileParseError, match="can't find ="):
            parse_dockerfile("# escape=`\nFROM a\n" + line)


def test_remembered_line_splits_give_each_instruction_its_own_values():
    """Two files with the same line: equal instructions, spans of their own file, and exec-form
    lists that are not shared."""
    first = parse_dockerfile('FROM a\nCMD ["x", "y"]\n').instructions[1]
    second = parse_dockerfile('FROM b\n\n# c\nCMD ["x", "y"]\n').instructions[1]
    assert first.json == second.json == ["x", "y"]
    assert first.json is not second.json
    first.json.append("z")
    assert parse_dockerfile('FROM a\nCMD ["x", "y"]\n').instructions[1].json == ["x", "y"]
    assert (first.span.line, second.span.line) == (2, 4)
    assert (first.keyword_span.start, second.keyword_span.start) == (7, 12)
