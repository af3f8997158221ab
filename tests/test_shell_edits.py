"""fixers/shell_edits.py and the package-word expansion of dockerlint/rulekit/package_managers.py."""
from __future__ import annotations

import pytest

from dockerlint.fix import apply_edits
from dockerlint.fixers.shell_edits import (
    append_command, insert_flag_after, is_simple_and_chain, remove_chain_item, top_level_chain,
)
from dockerlint.parse.dockerfile import parse_dockerfile
from dockerlint.rulekit.package_managers import Variables, expand_word
from dockerlint.rulekit.runs import run_scripts


def _script(text: str, which: int = -1):
    df = parse_dockerfile(text)
    return df, run_scripts(df)[which]


@pytest.mark.parametrize(
    "before,after",
    [
        ("FROM a\nRUN x && y\n", "FROM a\nRUN x && y && z\n"),
        ("FROM a\nRUN x \\\n  && y\n", "FROM a\nRUN x \\\n  && y \\\n  && z\n"),
        ("FROM a\nRUN x && \\\n\ty\n", "FROM a\nRUN x && \\\n\ty && \\\n\tz\n"),
        ("FROM a\nRUN x && y # note\n", "FROM a\nRUN x && y && z # note\n"),
        ("FROM a\nRUN <<EOF\nx\ny\nEOF\n", "FROM a\nRUN <<EOF\nx\ny && z\nEOF\n"),
        ("# escape=`\nFROM a\nRUN x `\n  && y\n", "# escape=`\nFROM a\nRUN x `\n  && y `\n  && z\n"),
    ],
)
def test_append_command(before, after):
    df, rs = _script(before)
    edit = append_command(rs, "z", newline=df.newline)
    assert apply_edits(before, [edit]) == after


def test_append_command_refuses_background_and_exec_form():
    _, rs = _script("FROM a\nRUN x && y &\n")
    assert append_command(rs, "z") is None
    _, rs = _script('FROM a\nRUN ["x", "y"]\n')
    assert append_command(rs, "z") is None


def test_simple_chain():
    _, rs = _script("FROM a\nRUN x && y\n")
    assert is_simple_and_chain(rs, rs.script.commands[1])
    _, rs = _script("FROM a\nRUN x; y\n")
    assert not is_simple_and_chain(rs)
    _, rs = _script("FROM a\nRUN x && (y)\n")
    assert not is_simple_and_chain(rs, rs.script.commands[1])


def test_insert_flag_after_and_remove_item():
    text = "FROM a\nRUN apk update \\\n  && sudo apk add curl\n"
    _, rs = _script(text)
    add = rs.script.commands[1].effective()
    assert apply_edits(text, [insert_flag_after(rs, add, 0, "--no-cache")]).endswith("apk add --no-cache curl\n")
    chain = top_level_chain(rs.script)
    assert apply_edits(text, [remove_chain_item(rs, chain, 0)]) == "FROM a\nRUN sudo apk add curl\n"


@pytest.mark.parametrize(
    "word,expected",
    [
        ("curl", ["curl"]),
        ("curl=$V", ["curl=1.2"]),
        ("$PKGS", ["a", "b"]),
        ('"$PKGS"', ["a b"]),
        ("$UNSET", []),
        ("pkg-${UNSET}", ["pkg-"]),
        ("${UNSET:-x}", ["x"]),
        ("$ARG_NO_DEFAULT", []),  # unknown: left out
        ("php${ARG_NO_DEFAULT}-redis", ["php\u2026-redis"]),  # unknown part, version would follow
        ("$LOCAL", []),
        ("linux-headers-$(uname -r)", None),
        ("'$V'", ["$V"]),
    ],
)
def test_expand_word(word, expected):
    from dockerlint.parse.shell import parse_shell

    vars_ = Variables({"V": "1.2", "PKGS": "a b", "ARG_NO_DEFAULT": None}, frozenset({"LOCAL"}))
    parsed = parse_shell(f"apt-get install {word}").commands[0].args[1]
    assert expand_word(parsed, vars_) == expected
