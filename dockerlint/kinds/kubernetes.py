"""Kubernetes manifests: the YAML node graph; comments and `dockerlint.io/ignore` annotations
suppress findings."""
from __future__ import annotations

from dockerlint.kinds.yaml_kinds import YamlPlugin
from dockerlint.model import FileKind


class KubernetesPlugin(YamlPlugin):
    kind = FileKind.KUBERNETES
    rule_kinds = frozenset({FileKind.KUBERNETES})
    label = "Kubernetes manifest"

    @property
    def fields(self):
        from dockerlint.fixers.fields import YamlFields

        return YamlFields()

    def suppress(self, findings, model, source, settings):
        from dockerlint.kinds.k8s_annotations import filter_annotations

        return filter_annotations(super().suppress(findings, model, source, settings), model)


PLUGIN = KubernetesPlugin()
