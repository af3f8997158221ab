"""Compose file model over the YAML node model: the services of a Compose file.

Anchors and merge keys (`<<: *defaults`) are resolved by the YAML layer, so `Service.node.get`
sees merged fields; `Service.node.pairs` is the mapping as written.
"""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.model import Span
from dockerlint.parse.yaml import MappingNode, ScalarNode, YamlDocument

__all__ = ["Service", "services", "is_v1_layout"]

# top-level keys of the Compose specification (and of the old v2/v3 formats)
_TOP_LEVEL_KEYS = {"version", "name", "services", "networks", "volumes", "configs", "secrets", "include", "models"}


@dataclass(eq=False)
class Service:
    """One service of a Compose file: its name, the key that names it and its mapping."""

    name: str
    name_node: ScalarNode
    node: MappingNode

    @property
    def span(self) -> Span:
        return self.node.span

    @property
    def missing_span(self) -> Span:
        """Where to report a field missing from the service: its name."""
        return self.name_node.span

    @property
    def image(self) -> ScalarNode | None:
        node = self.node.get("image")
        return node if type(node) is ScalarNode and not node.is_null else None


def _is_service_like(node) -> bool:
    return type(node) is MappingNode and ("image" in node or "build" in node)


def is_v1_layout(root: MappingNode) -> bool:
    """The old v1 format: no `services`, services at the top level."""
    if "services" in root:
        return False
    return any(
        _is_service_like(v) for k, v in root.items() if k.value not in _TOP_LEVEL_KEYS and not k.value.startswith("x-")
    )


def services(documents: list[YamlDocument]) -> list[Service]:
    """Each service of top-level `services:` in order, or, in the v1 layout (no `services`, and
    some top-level mapping has `image` or `build`), each top-level mapping; `x-` extension
    keys and non-mapping entries are skipped."""
    result: list[Service] = []
    for doc in documents:
        root = doc.root
        if type(root) is not MappingNode:
            continue
        if "services" in root:
            container = root.get_mapping("services")
            if container is None:
                continue
            entries = [(k, v) for k, v in container.items() if type(v) is MappingNode]
        elif is_v1_layout(root):
            # every top-level mapping is a service then (one may only `extends` another)
            entries = [(k, v) for k, v in root.items() if k.value not in _TOP_LEVEL_KEYS and type(v) is MappingNode]
        else:
            continue
        for key, value in entries:
            if key.value.startswith("x-"):
                continue
            result.append(Service(key.value, key, value))
    return result
