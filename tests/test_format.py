"""`dockerlint format`: the layout rules, what is never touched, and the proof."""
from __future__ import annotations

import pytest

from dockerlint.format import FormatOptions, format_text
from dockerlint.format import proof
from dockerlint.parse.dockerfile import parse_dockerfile


def fmt(text: str, **options) -> str:
    result = format_text(text, FormatOptions(**options))
    assert result.error is None, result.error
    assert result.kept == [], result.kept
    again = format_text(result.text, FormatOptions(**options))
    assert again.text == result.text, "not idempotent"
    return result.text


@pytest.mark.parametrize(
    "before, after",
    [
        ("from  alpine:3   as   build\n", "FROM alpine:3 AS build\n"),
        ("run    echo   hi\n", "RUN echo hi\n"),
        ("COPY   --from=build   --chown=1:1   /a   /b\n", "COPY --from=build --chown=1:1 /a /b\n"),
        ('CMD [ "a" ,"b",   "c d" ]\n', 'CMD ["a", "b", "c d"]\n'),
        ('ENTRYPOINT ["/bin/x",\\\n  "--flag"]\n', 'ENTRYPOINT ["/bin/x", "--flag"]\n'),
        ('HEALTHCHECK --interval=5s   CMD [ "curl","-f" ]\n', 'HEALTHCHECK --interval=5s CMD ["curl", "-f"]\n'),
        ("FROM a\t\n\n\n\nRUN b   \n\n\n", "FROM a\n\nRUN b\n"),
        ("FROM a\nRUN b", "FROM a\nRUN b\n"),
        ("onbuild   run   echo  x\n", "ONBUILD RUN echo x\n"),
        ("LABEL a=1    b=\"two  words\"\n", 'LABEL a=1 b="two  words"\n'),
        ("ARG  A=1   B\n", "ARG A=1 B\n"),
        ("   # indented comment   \nFROM a\n", "   # indented comment   \nFROM a\n"),  # above the first instruction: as written
        ("FROM a\n   # indented comment   \nRUN b\n", "FROM a\n# indented comment\nRUN b\n"),
    ],
)
def test_layout(before, after):
    assert fmt(before) == after


def test_multi_line_run_one_command_per_line():
    before = "RUN apt-get update &&   apt-get install -y \\\n      curl   git &&\\\n  rm -rf /var/lib/apt/lists/*\n"
    assert fmt(before) == (
        "RUN apt-get update \\\n"
        "    && apt-get install -y \\\n"
        "        curl git \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    assert fmt(before, operator_position="end", indent_width=2) == (
        "RUN apt-get update && \\\n"
        "  apt-get install -y \\\n"
        "    curl git && \\\n"
        "  rm -rf /var/lib/apt/lists/*\n"
    )


def test_single_line_run_is_not_split():
    assert fmt("RUN a  &&  b || c ;  d\n") == "RUN a && b || c ; d\n"


def test_semicolons_and_compound_statements():
    before = "RUN set -e; \\\n  if [ -f x ]; then \\\n  echo yes; \\\n  else echo no; \\\n  fi; cd /x\n"
    assert fmt(before) == (
        "RUN set -e; \\\n"
        "    if [ -f x ]; then \\\n"
        "        echo yes; \\\n"
        "    else echo no; \\\n"
        "    fi; \\\n"
        "    cd /x\n"
    )


def test_comment_lines_inside_a_run_stay_in_place():
    before = "RUN a && \\\n  # why b\n   b \\\n# why c\n && c\n"
    assert fmt(before) == "RUN a && \\\n    # why b\n    b \\\n    # why c\n    && c\n"


def test_flags_on_their_own_lines():
    before = "RUN --mount=type=cache,target=/root/.cache \\\n  pip install   x\n"
    assert fmt(before) == "RUN --mount=type=cache,target=/root/.cache \\\n    pip install x\n"


@pytest.mark.parametrize(
    "text",
    [
        # quoted text continued on the next line: its spacing is content
        'RUN echo "a   \\\n   b"\n',
        "WORKDIR /my   dir\n",
        'RUN echo "$(echo "a  b")"\n',
        "RUN echo 'x    y'\n",
        "RUN foo\\\nbar\n",  # a word split over two lines
    ],
)
def test_content_kept(text):
    out = fmt(text)
    before, after = parse_dockerfile(text).instructions, parse_dockerfile(out).instructions
    assert [proof.meaning(i) for i in before] == [proof.meaning(i) for i in after]
    assert out == text


def test_old_env_form_value_kept_exactly():
    assert fmt("env  A  B   C\n") == "ENV A B   C\n"


def test_heredoc_bodies_untouched():
    text = "FROM a\nrun  <<EOF   bash\n  keep   this  \n\n\n\nEOF\nCOPY --chmod=755  <<-EOT /x\n\t body \t\n\tEOT\n"
    out = fmt(text)
    assert out == "FROM a\nRUN <<EOF bash\n  keep   this  \n\n\n\nEOF\nCOPY --chmod=755 <<-EOT /x\n\t body \t\n\tEOT\n"


def test_directives_and_escape_backtick():
    text = "# escape=`\n#  syntax = docker/dockerfile:1  \n\nfrom  mcr.microsoft.com/windows\nRUN  dir   c:\\Windows   `\n   && echo x\n"
    out = fmt(text)
    assert out == "# escape=`\n#  syntax = docker/dockerfile:1  \n\nFROM mcr.microsoft.com/windows\nRUN dir c:\\Windows `\n    && echo x\n"
    assert parse_dockerfile(out).escape == "`"


def test_blank_line_before_a_would_be_directive_is_kept():
    # the blank line ends the directives; dropping it would make `escape` one
    text = "\n# escape=`\nFROM a\n"
    assert fmt(text) == text


def test_crlf_kept():
    text = "from a\r\nrun a &&\\\r\n  b\r\nRUN <<EOF\r\nx  \r\nEOF\r\n"
    out = fmt(text)
    assert out == "FROM a\r\nRUN a \\\r\n    && b\r\nRUN <<EOF\r\nx  \r\nEOF\r\n"


def test_crlf_final_newline_added_after_a_line_kept_as_written():
    result = format_text("FROM a\r\n\r\nRUN b \\")
    assert result.text == "FROM a\r\n\r\nRUN b \\\r\n"
    assert result.kept == [(3, "the last line ends in a line continuation")]


def test_bom_kept():
    assert fmt("\ufefffrom a\n") == "\ufeffFROM a\n"


def test_format_off_on_and_dockerfmt_ignore():
    text = (
        "from a\n"
        "# dockerlint: format off\n"
        "run   keep    this\n"
        "   # and this   \n"
        "# dockerlint: format on\n"
        "run   tidy    this\n"
        "# dockerfmt-ignore\n"
        "run   keep    too\n"
        "run   tidy    too\n"
    )
    assert fmt(text) == (
        "FROM a\n"
        "# dockerlint: format off\n"
        "run   keep    this\n"
        "   # and this   \n"
        "# dockerlint: format on\n"
        "RUN tidy this\n"
        "# dockerfmt-ignore\n"
        "run   keep    too\n"
        "RUN tidy too\n"
    )


def test_unparsable_file_is_reported_and_unchanged():
    text = "FROM a\nRUN <<EOF\nno terminator\n"
    result = format_text(text)
    assert result.error == "unterminated heredoc" and result.error_line == 2
    assert result.text == text and not result.changed


def test_unprovable_instruction_left_as_written(monkeypatch):
    # Sabotage the layout of RUN: the proof must refuse it and keep the original line.
    from dockerlint.format import layout

    real = layout.layout

    def broken(ins, logical, escape, options):
        out = real(ins, logical, escape, options)
        return out.replace("echo", "echo x") if ins.keyword == "RUN" else out

    monkeypatch.setattr("dockerlint.format.document.layout", broken)
    result = format_text("from a\nrun   echo  hi\n")
    assert result.text == "FROM a\nrun   echo  hi\n"
    assert result.kept == [(2, "the laid-out instruction would not mean the same; left as written")]


def test_continuation_at_end_of_file_left_as_written():
    result = format_text("FROM a\nRUN   echo \\")
    assert result.text.startswith("FROM a\nRUN   echo \\")
    assert result.kept and result.kept[0][0] == 2


@pytest.mark.parametrize(
    "a, b, same",
    [
        ("RUN a && b\n", "RUN a \\\n && b\n", True),
        ("RUN a && b\n", "RUN a || b\n", False),
        ('RUN echo "a  b"\n', 'RUN echo "a b"\n', False),
        ("RUN echo a  b\n", "RUN echo a b\n", True),
        ("ENV A B  C\n", "ENV A B C\n", False),
        ("ENV A=1  B=2\n", "ENV A=1 B=2\n", True),
        ("WORKDIR /a  b\n", "WORKDIR /a b\n", False),
        ('CMD ["a","b"]\n', 'CMD ["a", "b"]\n', True),
        ("FROM a as b\n", "FROM a AS b\n", True),
        ("COPY --chmod=755 <<EOT /x\nbody\nEOT\n", "COPY <<EOT /x\nbody\nEOT\n", False),
    ],
)
def test_proof_meaning(a, b, same):
    ia, ib = parse_dockerfile(a).instructions[0], parse_dockerfile(b).instructions[0]
    assert (proof.meaning(ia) == proof.meaning(ib)) is same


def test_lines_limit_the_layout_to_a_range():
    text = "from a\nrun   x  &&\\\n  y\nuser   app\n# c   \n\n\n"
    result = format_text(text, lines=(2, 3))
    assert result.text == "from a\nRUN x \\\n    && y\nuser   app\n# c   \n\n\n"
    assert format_text("from a\nrun  b", lines=(1, 1)).text == "FROM a\nrun  b"


def _sabotage(monkeypatch, change):
    from dockerlint.format import layout

    real = layout.layout

    def broken(ins, logical, escape, options):
        out = real(ins, logical, escape, options)
        return change(out) if ins.keyword == "RUN" else out

    monkeypatch.setattr("dockerlint.format.document.layout", broken)


def test_proof_refuses_a_layout_that_swallows_the_next_line(monkeypatch):
    # The proof parses only the changed instructions: a new text that ends in a continuation
    # would join the next line in the file, so nothing lines up and every change is refused.
    _sabotage(monkeypatch, lambda out: out + " \\")
    text = "from a\nrun   echo  hi\nUSER x\n"
    result = format_text(text)
    assert result.text == text
    why = "the laid-out instruction would not mean the same; left as written"
    assert result.kept == [(1, why), (2, why)]


def test_proof_refuses_a_layout_that_loses_a_comment_line(monkeypatch):
    _sabotage(monkeypatch, lambda out: "\n".join(line for line in out.split("\n") if not line.lstrip().startswith("#")))
    text = "FROM a\nRUN echo a \\\n  # why\n  && echo b\n"
    result = format_text(text)
    assert result.text == text
    assert result.kept == [(2, "the laid-out instruction would not mean the same; left as written")]


def test_proof_refuses_a_layout_that_splits_an_instruction_in_two(monkeypatch):
    _sabotage(monkeypatch, lambda out: out.replace(" \\\n    && ", "\nRUN "))
    text = "FROM a\nRUN echo a \\\n  && echo b\n"
    result = format_text(text)
    assert result.text == text
    assert result.kept == [(2, "the laid-out instruction would not mean the same; left as written")]


def test_sort_packages_off_by_default_and_sorted_one_per_line_when_on():
    text = "RUN apt-get update && apt-get install -y --no-install-recommends zlib1g curl git && rm -rf /var/lib/apt/lists/*\n"
    assert fmt(text) == text
    assert fmt(text, sort_packages=True) == (
        "RUN apt-get update \\\n"
        "    && apt-get install -y --no-install-recommends \\\n"
        "        curl \\\n"
        "        git \\\n"
        "        zlib1g \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    # apk: the value of --virtual is not a package; one package is no list
    assert fmt("RUN apk add --no-cache --virtual .deps musl-dev gcc\n", sort_packages=True) == (
        "RUN apk add --no-cache --virtual .deps \\\n        gcc \\\n        musl-dev\n"
    )
    assert fmt("RUN apk add --no-cache gcc\n", sort_packages=True) == "RUN apk add --no-cache gcc\n"


@pytest.mark.parametrize(
    "text",
    [
        "RUN apt-get install --unknown-option x b a\n",  # x may be the option's value
        "RUN apt-get install -y b $EXTRA a\n",  # an expansion may be several words, or an option
        "RUN apt-get install -y b 'a'\n",
        "RUN apt-get install -y b -q a\n",  # not one run
        "RUN apt-get remove -y b a\n",
        "RUN pip install b a\n",
    ],
)
def test_sort_packages_leaves_other_lists_in_order(text):
    assert fmt(text, sort_packages=True) == text


def test_sort_packages_keeps_a_commented_list_in_order():
    text = "RUN apt-get install -y \\\n        b \\\n    # a is for a\n        a\n"
    assert fmt(text, sort_packages=True) == text


def test_sort_packages_proof_refuses_a_lost_package(monkeypatch):
    _sabotage(monkeypatch, lambda out: out.replace(" \\\n        zlib1g", ""))
    text = "FROM a\nRUN apt-get install -y zlib1g curl\n"
    result = format_text(text, FormatOptions(sort_packages=True))
    assert result.text == text
    assert result.kept == [(2, "the laid-out instruction would not mean the same; left as written")]


def test_proof_package_order_is_meaning_only_with_sort_packages():
    a = parse_dockerfile("RUN apt-get install -y b a\n").instructions[0]
    b = parse_dockerfile("RUN apt-get install -y a b\n").instructions[0]
    c = parse_dockerfile("RUN apt-get install -y a c\n").instructions[0]
    assert proof.meaning(a) != proof.meaning(b)
    assert proof.meaning(a, packages=True) == proof.meaning(b, packages=True)
    assert proof.meaning(a, packages=True) != proof.meaning(c, packages=True)


_TRICKY_SHELL = [
    "if [ -f a ] && [ -f b ]; then echo yes; elif test -x c; then echo maybe; else echo no; fi",
    "if true; then if false; then :; else for i in 1 2; do echo $i; done; fi; fi && echo after",
    "while read -r line; do case $line in a|b) echo ab;; *) { echo other; } ;; esac; done < file",
    "( cd /src && make -j4 ) || { echo failed >&2; exit 1; }",
    "! grep -q x f && A=1 B=2 env | sort > out 2>&1 && export X=$(echo y) && unset Z",
    "[[ -n $a ]] && declare -a arr=(1 2) && until false; do break; done",
    "apt-get update && apt-get install -y --no-install-recommends curl ca-certificates git",
]


@pytest.mark.parametrize("script", _TRICKY_SHELL)
@pytest.mark.parametrize("packages", [False, True])
def test_token_levels_from_the_walk_equal_climbing_the_parents(script, packages):
    """program() works out each token's level during its one walk of the tree; depth() and
    continues_command() climb from the token's node (the definition): the same on every token."""
    from dockerlint.format import shell_tokens

    prog = shell_tokens.program(script, packages)
    assert prog is not None
    assert prog.signature == shell_tokens.signature(script, packages)
    levels = [t.level for t in prog.tokens]
    assert levels == [1 + shell_tokens.depth(t.node) + shell_tokens.continues_command(t.node) for t in prog.tokens]
    assert max(levels) >= 2


@pytest.mark.parametrize(
    "text",
    [
        "# syntax=docker/dockerfile:1\n# escape=`\n\n# a comment\nFROM a\nRUN x &&`\n  y\n",
        "\ufeff# escape=\\\nFROM a\nRUN x &&\\\n  y\n",
        "\n\n\n# c\n\n\nFROM a\nRUN x &&\\\n  y\n",
        "# syntax=x\r\n\r\nFROM a\r\nRUN x &&\\\r\n  y\r\n",
        "FROM a\nRUN x &&\\\n  y\n",
        "  # indented header comment\n\\\nFROM a\nrun  x\n",
    ],
)
def test_skipping_the_header_only_proof_gives_the_same_result(text, monkeypatch):
    """With every changed instruction proven before (the memo) and the header as written, the
    proof is skipped; running it gives the same result."""
    from dockerlint.format import document

    document._PROVEN.clear()
    first = format_text(text)  # proves the instructions
    fast = format_text(text)  # all proven: the header-only proof may be skipped
    monkeypatch.setattr(document, "_header_as_written", lambda *a: False)
    slow = format_text(text)
    assert (fast.text, fast.kept, fast.error) == (slow.text, slow.kept, slow.error) == (first.text, first.kept, first.error)
