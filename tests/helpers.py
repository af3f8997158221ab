"""Helpers for tests: lint text with chosen rules, run the CLI in-process."""
from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import replace

from dockerlint.config import apply_dockerlint_table
from dockerlint.engine import lint_source
from dockerlint.model import FileKind
from dockerlint.settings import Settings

DEFAULT_NAMES = {FileKind.DOCKERFILE: "Dockerfile", FileKind.KUBERNETES: "manifest.yaml", FileKind.COMPOSE: "compose.yaml"}


def settings_for(codes: list[str], config: dict | None = None) -> Settings:
    s = Settings(select=list(codes))
    if config:
        s = apply_dockerlint_table(s, config, "<test>")
        if "select" not in config:
            s = replace(s, select=list(codes))
    return s


def lint(text: str, codes: list[str], *, filename: str = "Dockerfile", config: dict | None = None, kind=None):
    return lint_source(text, filename, settings_for(codes, config), kind)


def run_cli(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
    from dockerlint.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
    try:
        with redirect_stdout(out), redirect_stderr(err):
            code = main(args)
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()
