"""Fixes of Kubernetes `securityContext` settings, built on :mod:`dockerlint.fixers.yaml_edits`.

A field is set on a container (``containers[i].securityContext``) or on the pod
(``spec.securityContext``); the block is created when missing, filled in when null and extended
otherwise, at the file's indentation. Fixes of several rules on one container compose through
the fix engine: each pass applies one insert per position and re-lints, and the next pass
finds the block the previous one created.
"""
from __future__ import annotations


from dockerlint.fixers.fields import editor
from dockerlint.model import Applicability, Edit, Fix
from dockerlint.parse.yaml import MappingNode, ScalarNode
from dockerlint.fixers.yaml_edits import YamlStyle, detect_style

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Sequence

__all__ = [
    "is_yaml",
    "yaml_style",
    "fix_of",
    "set_field",
    "ensure_fields",
    "set_value",
    "pod_or_container",
]


def is_yaml(ctx) -> bool:
    """Is the linted text a YAML manifest? Fixes that edit YAML syntax directly (annotations,
    comments) have no meaning in a program; field edits go through `fixers.fields`."""
    from dockerlint.fixers.fields import YamlFields

    return isinstance(editor(ctx), YamlFields)


def yaml_style(ctx) -> YamlStyle:
    """The file's YAML style, detected once per linted file."""
    return ctx.cached("yaml_style", lambda: detect_style(ctx.source, ctx.model))


def fix_of(
    edits: Sequence[Edit] | None,
    description: str,
    applicability: Applicability = Applicability.UNSAFE,
) -> Fix | None:
    """A fix of these edits, or None when there is nothing (or nothing certain) to do."""
    if not edits or any(e is None for e in edits):
        return None
    return Fix(tuple(edits), applicability, description)


def set_field(ctx, owner: MappingNode, path: Sequence[str], value: Any) -> list[Edit] | None:
    """Set ``securityContext.<path>`` of a container or pod spec to `value` (a Python scalar),
    in a manifest or a program (`fixers.fields`)."""
    fields = editor(ctx)
    return fields.set_field(ctx, owner, ["securityContext", *path], value) if fields is not None else None


def ensure_fields(ctx, owner: MappingNode, path: Sequence[str], value: dict) -> list[Edit] | None:
    """Add what is missing of `value` at ``securityContext.<path>`` (lists: missing items)."""
    fields = editor(ctx)
    return fields.ensure_fields(ctx, owner, ["securityContext", *path], value) if fields is not None else None


def set_value(ctx, node: ScalarNode, value: Any) -> list[Edit] | None:
    """Replace a written value: `value` is a Python scalar (`False`, `1000`) or, as the YAML
    rules write it, scalar text (`"false"`)."""
    fields = editor(ctx)
    if fields is None:
        return None
    if isinstance(value, str):
        value = {"true": True, "false": False}.get(value, int(value) if value.isdigit() else value)
    return fields.set_value(ctx, node, value)


def pod_or_container(workload, container, field: str) -> tuple[MappingNode, str]:
    """Where to set a field that exists at both levels: the pod, unless some container of the
    workload sets it itself (the file then configures it per container). Returns (owner, word)."""
    for c in workload.containers:
        sc = c.security_context
        node = sc.get(field) if sc is not None else None
        if node is not None and not (type(node) is ScalarNode and node.is_null):
            return container.node, "the container"
    return workload.pod_spec, "the pod"
