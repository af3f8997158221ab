"""Messages that state facts must state true ones (issue 17)."""
from __future__ import annotations

from helpers import lint


def test_df003_does_not_claim_full_debian_carries_build_tools():
    [finding] = lint("FROM debian:bookworm\nCOPY app /app\n", ["DF003"]).findings
    assert "build tools" not in finding.message
    assert "man pages" in finding.message
    [finding] = lint("FROM python:3.12\nCOPY app.py /\n", ["DF003"]).findings
    assert "without build tools" in finding.message
    [finding] = lint("FROM ruby:3.3\nCOPY app.rb /\n", ["DF003"]).findings
    assert "without build tools" in finding.message  # built on buildpack-deps


def test_df109_public_key_fingerprint_is_not_a_secret():
    text = "FROM buildpack-deps:bookworm\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\nENV API_TOKEN=abc\n"
    findings = lint(text, ["DF109"]).findings
    assert [(f.span.line, f.span.col) for f in findings] == [(3, 5)]
    assert "API_TOKEN" in findings[0].message
