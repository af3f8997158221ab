"""Render a Helm chart in-process with the Helm v4 SDK (`helm-python-sdk`, the `[helm]` extra),
as written and instrumented, and map every rendered character back to its template line.

`helm_python` is imported here and nowhere else, only when a chart is linted.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from dockerlint.parse.helm_template import TemplateInfo, instrument, line_map, read_template

INSTALL_HINT = "the helm extra: pip install helm-python-sdk"


class RenderError(Exception):
    """The chart cannot be rendered: the message says why (missing extra, dependency, template
    error). `code` E001 for what the user's setup must fix (exit 2), E002 for the chart's own problems."""

    def __init__(self, message: str, code: str = "E002"):
        super().__init__(message)
        self.code = code


@dataclass
class RenderOptions:
    """How to render a chart (`helm template`'s options)."""

    release_name: str = "release-name"  # what `helm template` calls a release by default
    namespace: str = "default"
    values: dict[str, Any] | None = None  # merged overrides (values files), over the chart's defaults
    kube_version: str | None = None
    include_tests: bool = True
    template_overrides: dict[str, str] | None = None  # rel path -> text not yet saved (the editor's)


@dataclass
class RenderedTemplate:
    """One template of a chart as rendered, mapped back to its lines where it can be."""

    name: str  # as Helm names it: "<chart>/templates/x.yaml", "<chart>/charts/sub/templates/y.yaml"
    source_path: str | None  # the template file on disk (None inside a packaged subchart)
    text: str  # the real render
    template: TemplateInfo | None
    lines: list[int] | None  # offset in `text` -> template line; None when unmapped


@dataclass
class Rendering:
    """A chart's rendered templates, and those that could not be mapped to their lines."""

    templates: list[RenderedTemplate] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


def helm_sdk():
    try:
        import helm_python  # noqa: F401 - the optional [helm] extra
    except ImportError:
        raise RenderError(f"Helm chart not linted: the Helm SDK is not installed ({INSTALL_HINT})", "E001") from None
    except OSError as e:  # its native library failed to load
        raise RenderError(f"Helm chart not linted: the Helm SDK's native library failed to load: {e}", "E001") from None
    return helm_python


def missing_dependencies(chart) -> list[str]:
    """Dependencies declared in Chart.yaml (or a v1 chart's requirements.yaml) not found under charts/."""
    loaded = {d.get("name") for d in chart.dependencies}
    declared = chart.metadata.get("dependencies") or []
    return [f"{d.get('name')} {d.get('version') or ''}".strip() for d in declared if d.get("name") not in loaded]


def _render(chart, options: RenderOptions) -> dict[str, str]:
    import json

    from helm_python import _native  # the public render() has no kube_version; the C ABI does

    opts: dict[str, Any] = {"name": options.release_name, "namespace": options.namespace}
    if options.kube_version:
        opts["kube_version"] = options.kube_version
    values = None if options.values is None else json.dumps(options.values)
    return json.loads(_native.call_string("helm_render", chart._raw(), values, json.dumps(opts)))


def _instrumented_archive(chart_dir: str, replaced: dict[str, str]) -> bytes:
    """The chart as an in-memory .tgz with the instrumented templates (a temporary directory
    costs ten times more on a slow file system)."""
    import io
    import tarfile

    name = os.path.basename(chart_dir)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for root, dirs, files in os.walk(chart_dir):
            dirs[:] = sorted(d for d in dirs if d != ".git")
            for fname in sorted(files):
                full = os.path.join(root, fname)
                rel = os.path.relpath(full, chart_dir).replace(os.sep, "/")
                if rel in replaced:
                    data = replaced[rel].encode("utf-8")
                else:
                    if not os.path.isfile(full):
                        continue
                    with open(full, "rb") as f:
                        data = f.read()
                member = tarfile.TarInfo(f"{name}/{rel}")
                member.size = len(data)
                tar.addfile(member, io.BytesIO(data))
    return buffer.getvalue()


def _chart_templates(chart_dir: str):
    """(path relative to the chart, absolute path) of every template file, subcharts included."""
    for root, dirs, files in os.walk(chart_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        rel_root = os.path.relpath(root, chart_dir)
        parts = [] if rel_root == "." else rel_root.split(os.sep)
        # templates/ of the chart or of a subchart under charts/<name>/
        if "templates" not in parts:
            continue
        for name in sorted(files):
            yield "/".join(parts + [name]), os.path.join(root, name)


def render_chart(chart_dir: str, options: RenderOptions) -> Rendering:
    helm = helm_sdk()
    chart_dir = os.path.abspath(chart_dir)
    overrides = options.template_overrides or {}

    def load():
        if overrides:  # unsaved templates: render from an archive that holds them
            return helm.Chart.load_archive(_instrumented_archive(chart_dir, overrides))
        return helm.Chart.load(chart_dir)

    try:
        with load() as chart:
            missing = missing_dependencies(chart)
            if missing:
                raise RenderError(
                    "Helm chart not linted: dependencies missing under charts/: " + ", ".join(missing) + " (run `helm dependency build`)"
                )
            plain = _render(chart, options)
    except helm.HelmError as e:
        raise RenderError(f"Helm chart does not render: {e}") from None
    infos: dict[str, tuple[str, TemplateInfo]] = {}
    replaced: dict[str, str] = {}
    for rel, full in _chart_templates(chart_dir):
        try:
            if rel in overrides:
                text = overrides[rel]
            else:
                with open(full, encoding="utf-8") as f:
                    text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        info = read_template(text)
        infos[rel] = (full, info)
        replaced[rel] = instrument(info)
    try:
        with helm.Chart.load_archive(_instrumented_archive(chart_dir, replaced)) as chart:
            marked = _render(chart, options)
    except helm.HelmError:
        marked = {}  # no map: findings are still reported, at the template's first line
    rendering = Rendering()
    for name, text in plain.items():
        _, _, rel = name.partition("/")  # "<chart name>/templates/x.yaml"
        if not options.include_tests and "/tests/" in "/" + rel:
            continue
        if rel.endswith("NOTES.txt"):
            continue
        source_path, info = infos.get(rel, (None, None))
        lines = line_map(text, marked[name]) if name in marked and info is not None else None
        if lines is None and text.strip():
            rendering.unmapped.append(rel)
        rendering.templates.append(RenderedTemplate(name, source_path, text, info, lines))
    return rendering
