"""Settings for the language server: per-directory config files, re-read when they change, with
the editor's workspace settings (section "dockerlint") applied on top.

One `ConfigCache` belongs to one server instance; nothing here is shared between servers.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dockerlint.config import DOCKERLINT_FILES, HADOLINT_FILES, ConfigError, ConfigResolver
from dockerlint.settings import Settings

CONFIG_NAMES = frozenset(HADOLINT_FILES + DOCKERLINT_FILES)
# A directory holding one of these ends the search for config files; pyproject.toml only does
# when it has a [tool.dockerlint] table, which a stat cannot tell, so the walk goes past it.
_DECISIVE = tuple(n for n in HADOLINT_FILES + DOCKERLINT_FILES if n != "pyproject.toml")


@dataclass
class WorkspaceSettings:
    """The editor's settings: `select`, `ignore`, `unsafeFixes`."""

    select: list[str] | None = None
    ignore: list[str] = field(default_factory=list)
    unsafe_fixes: bool | None = None
    baseline_findings: str | None = None  # "hidden" (default) or "hint"

    @classmethod
    def from_client(cls, value: Any) -> tuple["WorkspaceSettings", list[str]]:
        """Parse the client's value; returns the settings and problems worth telling the user."""
        from dockerlint import ruleset

        problems: list[str] = []
        if not isinstance(value, dict):
            return cls(), problems

        def selectors(key: str) -> list[str] | None:
            raw = value.get(key)
            if raw is None:
                return None
            items = raw.split(",") if isinstance(raw, str) else raw if isinstance(raw, list) else None
            if items is None:
                problems.append(f"dockerlint.{key} must be a list of rule codes")
                return None
            out = []
            for item in items:
                code = str(item).strip()
                if not code:
                    continue
                if ruleset.is_known_selector(code):
                    out.append(code)
                else:
                    problems.append(f"dockerlint.{key}: unknown rule or prefix {code!r}")
            return out

        unsafe = value.get("unsafeFixes")
        if unsafe is not None and not isinstance(unsafe, bool):
            problems.append("dockerlint.unsafeFixes must be true or false")
            unsafe = None
        baselined = value.get("baselineFindings")
        if baselined is not None and baselined not in ("hidden", "hint"):
            problems.append('dockerlint.baselineFindings must be "hidden" or "hint"')
            baselined = None
        select = selectors("select")
        return cls(select=select or None, ignore=selectors("ignore") or [], unsafe_fixes=unsafe,
                   baseline_findings=baselined), problems

    def apply(self, settings: Settings) -> Settings:
        if self.select is None and not self.ignore and self.unsafe_fixes is None and self.baseline_findings is None:
            return settings
        s = replace(settings)
        if self.select is not None:
            s.select = list(self.select)
            s.extend_select = []
        if self.ignore:
            s.ignore = s.ignore + self.ignore
        if self.unsafe_fixes is not None:
            s.unsafe_fixes = self.unsafe_fixes
        if self.baseline_findings is not None:
            s.baseline_findings = self.baseline_findings
        return s


def config_stamp(directory: str) -> tuple:
    """What the config files that can apply to `directory` look like on disk (names, mtimes,
    sizes). A few stat calls per directory level: cheap enough to check before every lint."""
    stamp = []
    current = os.path.abspath(directory)
    while True:
        decisive = False
        for name in CONFIG_NAMES:
            try:
                st = os.stat(os.path.join(current, name))
            except OSError:
                continue
            stamp.append((current, name, st.st_mtime_ns, st.st_size))
            decisive = decisive or name in _DECISIVE
        parent = os.path.dirname(current)
        if decisive or parent == current:
            return tuple(stamp)
        current = parent


class ConfigCache:
    """Settings per directory, recomputed when the directory's config stamp changes."""

    def __init__(self, fallback_directory: str | None = None):
        self.workspace = WorkspaceSettings()  # the editor's settings with no folder scope
        # Settings scoped to a workspace folder (multi-root workspaces), by folder path.
        self.folders: dict[str, WorkspaceSettings] = {}
        self.fallback_directory = fallback_directory or os.getcwd()
        self._entries: dict[str, tuple[tuple, Settings, str | None]] = {}

    def workspace_for(self, path: str | None) -> WorkspaceSettings:
        """The editor settings for a document: those of the innermost workspace folder holding
        it, else the unscoped ones."""
        if path:
            absolute = os.path.abspath(path)
            holding = [f for f in self.folders if absolute == f or absolute.startswith(f.rstrip(os.sep) + os.sep)]
            if holding:
                return self.folders[max(holding, key=len)]
        return self.workspace

    def invalidate(self) -> None:
        self._entries = {}

    def settings_for(self, path: str | None) -> tuple[Settings, str | None]:
        """(settings, config error message or None) for a document at `path` (None: untitled)."""
        directory = os.path.dirname(os.path.abspath(path)) if path else self.fallback_directory
        stamp = config_stamp(directory)
        entry = self._entries.get(directory)
        if entry is None or entry[0] != stamp:
            try:
                settings, error = ConfigResolver(Settings()).for_directory(Path(directory)), None
            except ConfigError as e:
                settings, error = Settings(), str(e)
            entry = (stamp, settings, error)
            self._entries[directory] = entry
        return self.workspace_for(path).apply(entry[1]), entry[2]
