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

from collections import Counter

import pytest

from conftest import shared_path
from dockerlint.format import format_text
from dockerlint.parse.dockerfile import parse_dockerfile

dockerfile = pytest.importorskip("dockerfile", reason="the BuildKit oracle (PyPI `dockerfile`) is not installed")

from format_oracle import backtick_variant, buildkit_view  # noqa: E402

def corpus() -> list:
    return sorted(p for p in shared_path("corpus", "dockerfiles").iterdir() if p.is_file())


def _comment_lines(text: str) -> list[str]:
    return [c.text for c in parse_dockerfile(text).comments]


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
