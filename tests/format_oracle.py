"""BuildKit's reading of a Dockerfile, for comparing a file before and after formatting.

Shared by tests/test_format_corpus.py and bench/format_vs_dockerfmt.py. The oracle is the PyPI
`dockerfile` package (BuildKit's Go parser; a test and benchmark dependency only).
"""
from __future__ import annotations

import shlex

import dockerfile

from dockerlint.parse.dockerfile import parse_dockerfile

_SHELL_VALUES = {"RUN", "CMD", "ENTRYPOINT", "SHELL"}


def _shell_words(value: str) -> tuple:
    lexer = shlex.shlex(value, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return ("words", tuple(lexer))
    except ValueError:  # unbalanced quotes: spacing is all we may ignore
        return ("spaced", " ".join(value.split()))


def buildkit_view(text: str) -> list[tuple]:
    """What BuildKit's parser reads: everything but line numbers, the original text, and the
    spacing of shell programs."""
    out = []
    for c in dockerfile.parse_string(text):
        cmd = c.cmd.upper()
        kind = (c.sub_cmd or "").upper() if cmd == "ONBUILD" else cmd
        value = list(c.value)
        if not c.json and kind in _SHELL_VALUES and value:
            value = [_shell_words(" ".join(value))]
        elif not c.json and kind == "HEALTHCHECK" and len(value) > 1:
            value = [value[0].upper(), _shell_words(value[1])]
        elif kind == "FROM" and len(value) == 3 and value[1].lower() == "as":
            value[1] = "as"
        heredocs = tuple((h.name, h.file_descriptor, h.content) for h in c.heredocs)
        out.append((cmd, kind, c.json, tuple(c.flags), tuple(value), heredocs))
    return out


def backtick_variant(text: str) -> str | None:
    """The same file written with `# escape=\\``: continuation backslashes become backticks."""
    try:
        df = parse_dockerfile(text)
    except Exception:
        return None
    if "escape" in df.directives or "`" in text:
        return None
    heredoc_lines = {n for ins in df.instructions for h in ins.heredocs for n in range(h.span.line, h.span.end_line + 1)}
    lines = text.split("\n")
    for index, line in enumerate(lines):
        body = line.rstrip("\r").rstrip(" \t")
        if index + 1 not in heredoc_lines and body.endswith("\\") and not body.endswith("\\\\"):
            lines[index] = body[:-1] + "`" + line[len(body) + 1 :]
    return "# escape=`\n" + "\n".join(lines)


