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


def test_workdir_app_is_one_finding_with_the_other_code_as_alias():
    findings = lint("FROM node:20-slim\nWORKDIR app\n", ["DL3000", "DF106"]).findings
    assert [(f.code, f.span.line, f.span.col) for f in findings] == [("DL3000", 2, 9)]
    assert {"DF106", "BuildKit:WorkdirRelativePath"} <= set(findings[0].aliases)
    # where only one of them judges, it stands alone: DF106 accepts a path relative to a set WORKDIR
    findings = lint("FROM node:20-slim\nWORKDIR /srv\nWORKDIR app\n", ["DL3000", "DF106"]).findings
    assert [f.code for f in findings] == ["DL3000"] and "DF106" not in findings[0].aliases
    # and DF106 alone still reports
    assert [f.code for f in lint("FROM node:20-slim\nWORKDIR app\n", ["DF106"]).findings] == ["DF106"]


def test_constant_platform_and_secret_names_fold_into_the_hadolint_finding():
    findings = lint("FROM --platform=linux/amd64 debian:12\n", ["DL3029", "DF111"]).findings
    assert [f.code for f in findings] == ["DL3029"] and "DF111" in findings[0].aliases
    findings = lint("FROM alpine:3.20\nARG GITHUB_TOKEN\n", ["DL3064", "DF109"]).findings
    assert [f.code for f in findings] == ["DL3064"] and "BuildKit:SecretsUsedInArgOrEnv" in findings[0].aliases
