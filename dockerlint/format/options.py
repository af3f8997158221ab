"""`[tool.dockerlint.format]`: few options, good defaults."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FormatOptions:
    """The `[format]` settings."""

    indent_width: int = 4  # spaces before a continuation line (per level)
    operator_position: str = "start"  # "start": `\` then `&& cmd`; "end": `cmd &&` then `\`
    sort_packages: bool = False  # apt-get install / apt install / apk add: packages sorted, one per line


KEYS = {"indent-width", "operator-position", "sort-packages"}


def parse_table(table: Any, path: str | None = None) -> dict[str, Any]:
    """Validate the `format` table of a config file; ValueError names the bad key."""
    if not isinstance(table, dict):
        raise ValueError("`format` must be a table")
    out: dict[str, Any] = {}
    for key, value in table.items():
        if key == "indent-width":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16:
                raise ValueError(f"`format.indent-width` must be an integer from 1 to 16, got {value!r}")
            out["indent_width"] = value
        elif key == "operator-position":
            if value not in ("start", "end"):
                raise ValueError(f"`format.operator-position` must be \"start\" or \"end\", got {value!r}")
            out["operator_position"] = value
        elif key == "sort-packages":
            if not isinstance(value, bool):
                raise ValueError(f"`format.sort-packages` must be true or false, got {value!r}")
            out["sort_packages"] = value
        else:
            raise ValueError(f"`format.{key}`: unknown option (known: {', '.join(sorted(KEYS))})")
    return out


def from_settings(settings) -> FormatOptions:
    return FormatOptions(**(getattr(settings, "format_options", None) or {}))
