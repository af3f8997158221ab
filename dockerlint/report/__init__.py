"""Reporters: one module per output format behind one dispatch."""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from dockerlint.model import FileResult

FORMATS = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "gitlab": "gitlab",
    "checkstyle": "checkstyle",
    "junit": "junit",
    "rdjson": "rdjson",
    "markdown": "markdown",
}


@dataclass
class ReportOptions:
    """How a report is rendered: colour, source lines, statistics, the root paths are shown against."""

    color: bool = False
    show_source: bool = True
    statistics: bool = False
    unsafe_fixes: bool = False
    root: str = "."  # paths are shown relative to this
    template_dir: str | None = None  # markdown templates override
    extra: dict = field(default_factory=dict)


def render(fmt: str, results: list[FileResult], options: ReportOptions) -> str:
    from dockerlint.report.common import joined

    return joined(render_pieces(fmt, results, options))


def render_pieces(fmt: str, results: list[FileResult], options: ReportOptions) -> list:
    """`render`'s text as pieces to write one after the other (a format that has them: JSON)."""
    module = importlib.import_module(f"dockerlint.report.{FORMATS[fmt]}")
    pieces = getattr(module, "render_pieces", None)
    return pieces(results, options) if pieces is not None else [module.render(results, options)]
