"""Kustomize overlays: a directory with `kustomization.yaml` (`.yml`, `Kustomization`). Built
with `kubectl kustomize` (the `[kustomize]` extra), the built objects linted with the Kubernetes
rules, findings reported at the resource or patch line that set the field (`dockerlint.kustomize`)."""
from __future__ import annotations

from dockerlint.kinds import KindPlugin
from dockerlint.model import FileKind


class KustomizePlugin(KindPlugin):
    kind = FileKind.KUSTOMIZE
    rule_kinds = frozenset({FileKind.KUBERNETES})
    label = "Kustomize overlay"
    directory = True

    def parse(self, source, documents=None):
        from dockerlint.model import ParseError

        raise ParseError("a Kustomize overlay is linted as a directory")

    def lint_directory(self, path, settings):
        from dockerlint.kustomize.overlay import lint_overlay

        return lint_overlay(path, settings)

    def fix_directory(self, path, settings):
        from dockerlint.kustomize.overlay import fix_overlay

        return fix_overlay(path, settings)


PLUGIN = KustomizePlugin()
