"""Assertions beyond the rules' own examples for the Dockerfile-model rules (no shell parsing):
exact spans, hadolint config, pragmas on findings reported inside multi-line instructions, and
the applicability of fixes."""
from __future__ import annotations

from dockerlint.config import apply_hadolint_config
from dockerlint.engine import lint_source
from dockerlint.fix import fix_source
from dockerlint.model import Applicability
from dockerlint.settings import Settings
from helpers import lint


def _findings(text: str, code: str, config: dict | None = None):
    return [f for f in lint(text, [code], config=config).findings if f.code == code]


def _span_text(text: str, finding) -> str:
    return text[finding.span.start:finding.span.end]


def test_spans_point_at_the_offending_part():
    text = "FROM debian:12\nEXPOSE 80 80000/tcp\nCOPY a b /dst\nCOPY --from=nope x y\n"
    (port,) = _findings(text, "DL3011")
    assert _span_text(text, port) == "80000/tcp"
    assert (port.span.line, port.span.col) == (2, 11)
    (dest,) = _findings(text, "DL3021")
    assert _span_text(text, dest) == "/dst"
    (frm,) = _findings(text, "DL3022")
    assert _span_text(text, frm) == "--from=nope"


def test_label_key_span_on_a_continuation_line():
    text = 'FROM debian:12\nLABEL a=1 \\\n      Bad_Key="x"\n'
    (finding,) = _findings(text, "DL3048")
    assert _span_text(text, finding) == "Bad_Key"
    assert finding.span.line == 3


def test_hadolint_pragma_covers_findings_inside_a_multiline_instruction():
    text = "FROM debian:12\n# hadolint ignore=DL3044,DL3064\nENV A=1 \\\n    B=$A \\\n    MY_TOKEN=x\n"
    assert _findings(text, "DL3044") == []
    assert _findings(text, "DL3064") == []
    assert len(_findings(text.replace("# hadolint ignore=DL3044,DL3064\n", ""), "DL3044")) == 1


def test_hadolint_config_drives_registry_and_label_rules():
    settings = apply_hadolint_config(
        Settings(select=["DL3026", "DL3049", "DL3050", "DL3056"]),
        {"trustedRegistries": ["*.corp.example"], "label-schema": {"version": "semver"}, "strict-labels": True},
        "<test>",
    )
    text = "FROM registry.corp.example/base:1 AS base\nFROM quay.io/x/y:1\nLABEL version=v1 team=web\n"
    codes = sorted((f.code, f.span.line) for f in lint_source(text, "Dockerfile", settings).findings)
    assert codes == [("DL3026", 2), ("DL3049", 1), ("DL3050", 3), ("DL3056", 3)]


def test_dl3025_fix_applicability():
    def fix_of(text):
        (finding,) = _findings(text, "DL3025")
        return finding.fix

    assert fix_of("FROM node:22\nCMD node server.js\n").applicability is Applicability.SAFE
    assert fix_of("FROM node:22\nENTRYPOINT node server.js\n").applicability is Applicability.UNSAFE
    with_entrypoint = 'FROM node:22\nENTRYPOINT ["tini", "--"]\nCMD node server.js\n'
    assert fix_of(with_entrypoint).applicability is Applicability.UNSAFE
    windows = "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD app.exe a && b.exe\n"
    fix = fix_of(windows)
    assert fix.applicability is Applicability.UNSAFE
    assert fix.edits[0].content == '["cmd", "/S", "/C", "app.exe a && b.exe"]'
    commented = "FROM node:22\nCMD node \\\n# a comment\n  server.js\n"
    assert fix_of(commented) is None  # never drop a comment


def test_dl3000_suggestion_without_known_workdir_is_display_only():
    text = "FROM debian:12\nWORKDIR app\n"
    (finding,) = _findings(text, "DL3000")
    assert finding.fix.applicability is Applicability.DISPLAY_ONLY
    assert finding.fix.edits[0].content == "/app"
    settings = Settings(select=["DL3000"])
    assert fix_source(text, "Dockerfile", settings, unsafe=True).text == text


def test_dl3020_add_only_flags_and_archives_block_the_safe_fix():
    (checksum,) = _findings("FROM debian:12\nADD --checksum=sha256:abc app.py /app/\n", "DL3020")
    assert checksum.fix is None
    (mixed,) = _findings("FROM debian:12\nADD app.py vendor.tgz /app/\n", "DL3020")
    assert mixed.fix.applicability is Applicability.UNSAFE


def test_dl3057_counts_like_hadolint():
    show = {"severity": {"DL3057": "info"}}
    text = (
        "FROM scratch AS base1\nFROM base1 AS base2\nFROM base2 AS base3.1\nFROM base2 AS base3.2\n"
        "FROM base3.1 AS end1\nHEALTHCHECK NONE\nFROM base3.2 AS end2\n"
    )
    assert sorted(f.span.line for f in _findings(text, "DL3057", show)) == [4, 7]
