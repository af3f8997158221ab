"""Compose files: the YAML node graph; the services are read by `rulekit.compose_model`."""
from __future__ import annotations

from dockerlint.kinds.yaml_kinds import YamlPlugin
from dockerlint.model import FileKind


class ComposePlugin(YamlPlugin):
    kind = FileKind.COMPOSE
    rule_kinds = frozenset({FileKind.COMPOSE})
    label = "Compose file"


PLUGIN = ComposePlugin()
