"""Resolved settings for linting one file (after config files, CLI flags and defaults)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dockerlint.model import Severity


@dataclass
class Settings:
    select: list[str] = field(default_factory=lambda: ["DEFAULT"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    severity_overrides: dict[str, Severity] = field(default_factory=dict)  # code -> severity
    failure_threshold: Severity = Severity.INFO
    exclude: list[str] = field(default_factory=list)
    rule_options: dict[str, dict[str, Any]] = field(default_factory=dict)  # code -> options
    # Dockerfile knowledge
    build_args: dict[str, str] = field(default_factory=dict)  # --build-arg values for ARG resolution
    trusted_registries: list[str] = field(default_factory=list)  # DL3026
    approved_images: list[str] = field(default_factory=list)
    label_schema: dict[str, str] = field(default_factory=dict)  # DL3049-DL3058
    strict_labels: bool = False
    disable_ignore_pragma: bool = False
    # Schema validation (KS100-KS103)
    kubernetes_version: str | None = None  # "1.34"; None: the newest bundled schemas
    crd_paths: list[str] = field(default_factory=list)  # CRD files/directories (absolute)
    crds: Any = None  # the run's CustomResourceDefinitions (schemas.crds.CrdCatalogue), set by the front end
    # Fixes
    unsafe_fixes: bool = False
    extend_safe_fixes: list[str] = field(default_factory=list)
    extend_unsafe_fixes: list[str] = field(default_factory=list)
    unfixable: list[str] = field(default_factory=list)
    # Where the settings came from (for error messages and the LSP)
    config_path: str | None = None
