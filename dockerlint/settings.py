"""Resolved settings for linting one file (after config files, CLI flags and defaults)."""
from __future__ import annotations

from dataclasses import dataclass, field

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any

from dockerlint.model import Severity


@dataclass
class Settings:
    """The effective settings for a file: rule selection, severities, rule options and knowledge."""

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
    image_replacements: dict[str, str] = field(default_factory=dict)  # glob -> image (DF005, KS302, DC302)
    as_of: str | None = None  # ISO date the end-of-life rules judge against (None: today)
    policies: Any = None  # dockerlint.policies.loader.PolicySet from `custom-rules`, or None
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
    # Between runs (dockerlint.state)
    baseline: str | None = None  # hide the findings recorded in this file
    baseline_findings: str = "hidden"  # in the editor: "hidden", or "hint" (shown faintly)
    cache: bool = True
    cache_dir: str | None = None  # default: .dockerlint_cache beside the nearest config file
    # Helm charts (`[tool.dockerlint.helm]`, `--helm-values`)
    helm_values: list[str] = field(default_factory=list)  # --helm-values files (absolute), applied last
    helm_values_config: list[str] = field(default_factory=list)  # config `values`, relative to the chart
    helm_values_matrix: dict[str, list[str]] = field(default_factory=dict)  # set name -> files (relative to the chart)
    helm_release_name: str = "release-name"
    helm_namespace: str = "default"
    helm_kube_version: str | None = None
    helm_skip_tests: bool = False
    # `dockerlint format` ([tool.dockerlint.format], validated by dockerlint.format.options)
    format_options: dict[str, Any] = field(default_factory=dict)
    # Where the settings came from (for error messages and the LSP)
    config_path: str | None = None
