"""Corpus properties of `dockerlint format` over ../shared/corpus/dockerfiles.

BuildKit's own parser (the PyPI `dockerfile` package, a test oracle only) reads the original
and the formatted file to the same instructions, flags, heredocs and values (shell programs
compared as shell words, so only spacing between words may differ); formatting the output
changes nothing; every comment line is kept; CRLF files stay CRLF; a `# escape=\\``
variant of each file behaves the same. The whole corpus runs for the plain files; CRLF and
escape variants and the lint properties use a fixed sample (the full run is
bench/format_vs_dockerfmt.py).
"""
from __future__ import annotations

import shlex
from collections import Counter

import pytest

from conftest import shared_path
from dockerlint.format import format_text
from dockerlint.parse.dockerfile import parse_dockerfile

dockerfile = pytest.importorskip("dockerfile", reason="the BuildKit oracle (PyPI `dockerfile`) is not installed")

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


def corpus() -> list:
    return sorted(p for p in shared_path("corpus", "dockerfiles").iterdir() if p.is_file())


def _comment_lines(text: str) -> list[str]:
    return [c.text for c in parse_dockerfile(text).comments]


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


def check_file(text: str, name: str) -> None:
    try:
        before = buildkit_view(text)
    except dockerfile.GoParseError:
        return  # BuildKit rejects it; our parser does too (test_parser_buildkit_agreement)
    result = format_text(text, path=name)
    assert result.error is None, f"{name}: {result.error}"
    after = buildkit_view(result.text)
    assert after == before, f"{name}: BuildKit reads the formatted file differently"
    assert format_text(result.text).text == result.text, f"{name}: not idempotent"
    assert _comment_lines(result.text) == _comment_lines(text), f"{name}: comment lines changed"
    if "\r\n" in text and text.count("\r\n") == text.count("\n"):
        assert result.text.count("\r\n") == result.text.count("\n"), f"{name}: CRLF lost"


def test_corpus_meaning_idempotence_comments():
    files = corpus()
    changed = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        check_file(text, path.name)
        changed += format_text(text).changed
    assert changed > len(files) // 2  # the property is not vacuous: most files do change


def test_corpus_crlf_and_escape_variants():
    sample = corpus()[::4]
    variants = 0
    for path in sample:
        text = path.read_text(encoding="utf-8")
        check_file(text.replace("\r\n", "\n").replace("\n", "\r\n"), path.name + " (CRLF)")
        variant = backtick_variant(text)
        if variant is not None:
            check_file(variant, path.name + " (escape=`)")
            variants += 1
    assert variants > len(sample) // 2


def _codes(findings) -> Counter:
    return Counter(f.code for f in findings)


def test_formatting_creates_no_finding_and_commutes_with_fix():
    from dockerlint.engine import lint_source
    from dockerlint.fix import fix_source
    from dockerlint.settings import Settings

    settings = Settings()
    for path in corpus()[::10]:
        text = path.read_text(encoding="utf-8")
        formatted = format_text(text).text
        before = lint_source(text, "Dockerfile", settings)
        after = lint_source(formatted, "Dockerfile", settings)
        if before.error is not None:
            continue
        grown = {c: n for c, n in (_codes(after.findings) - _codes(before.findings)).items()}
        assert not grown, f"{path.name}: formatting created {grown}"
        fixed_then_formatted = format_text(fix_source(text, "Dockerfile", settings).text).text
        formatted_then_fixed = fix_source(formatted, "Dockerfile", settings).text
        assert fixed_then_formatted == formatted_then_fixed, f"{path.name}: fix then format differs from format then fix"
