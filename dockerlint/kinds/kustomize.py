"""Kustomize overlays: a directory with `kustomization.yaml` (`.yml`, `Kustomization`). Built
with `kubectl kustomize` (the `[kustomize]` extra), the built objects linted with the Kubernetes
rules, findings reported at the resource or patch line that set the field (`dockerlint.kustomize`)."""
from __future__ import annotations

import os

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
        from dockerlint.kustomize.overlay import kustomization_file, lint_overlay

        try:
            return lint_overlay(path, settings)
        except Exception as e:  # noqa: BLE001 - reported as an error of this overlay, the run goes on
            return self.internal_error(path, os.path.basename(kustomization_file(path) or "kustomization.yaml"), e)

    def fix_directory(self, path, settings):
        from collections import Counter

        from dockerlint.kustomize.overlay import fix_overlay, kustomization_file

        try:
            return fix_overlay(path, settings)
        except Exception as e:  # noqa: BLE001
            return self.internal_error(path, os.path.basename(kustomization_file(path) or "kustomization.yaml"), e), [], Counter()


PLUGIN = KustomizePlugin()
