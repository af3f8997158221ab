"""Shared pieces of the Kubernetes security rules (KS...): workloads, PSS aliases, wording.

Pod Security Standards controls are named as in the upstream checks (see
../shared/conformance/pss/controls.tsv). A finding carries `PSS:<level>:<control>` aliases for
exactly the controls it violates; at restricted, four baseline controls are replaced by their
restricted counterparts, so a baseline violation is named with the replacement there.
"""
from __future__ import annotations

from dockerlint.rulekit.k8s_model import Container, Workload, workloads
from dockerlint.parse.yaml import MappingNode, Node, ScalarNode, SequenceNode

# baseline control -> the restricted control that replaces it at restricted
RESTRICTED_OVERRIDES = {
    "capabilities_baseline": "capabilities_restricted",
    "seccompProfile_baseline": "seccompProfile_restricted",
    "hostPathVolumes": "restrictedVolumes",
    "procMount": "procMount_restricted",
}

_GROUP_WORDS = {
    "containers": "container",
    "initContainers": "init container",
    "ephemeralContainers": "ephemeral container",
}


def pod_workloads(ctx) -> list[Workload]:
    """Every workload of the file, computed once and shared by all rules."""
    return ctx.cached("workloads", lambda: workloads(ctx.model))


def pss(*, baseline: str | None = None, restricted: str | None = None) -> tuple[str, ...]:
    """`PSS:<level>:<control>` aliases of the controls a finding violates."""
    out = []
    if baseline:
        out.append(f"PSS:baseline:{baseline}")
    if restricted:
        out.append(f"PSS:restricted:{restricted}")
    return tuple(out)


def pss_baseline(control: str, *, restricted: bool = True) -> tuple[str, ...]:
    """Aliases of a baseline violation: also a restricted one (under the overriding control's
    name) unless `restricted` is False (an exemption that applies only at restricted)."""
    return pss(baseline=control, restricted=RESTRICTED_OVERRIDES.get(control, control) if restricted else None)


def trivy(number: int) -> tuple[str, str]:
    """Trivy's AVD id and legacy id of KSV-00nn: ("AVD-KSV-0017", "KSV017")."""
    return f"AVD-KSV-{number:04d}", f"KSV{number:03d}"


def describe(container: Container) -> str:
    """`container "web"`, `init container "setup"`, `ephemeral container "debug"`."""
    word = _GROUP_WORDS.get(container.group, "container")
    if container.name:
        return f'{word} "{container.name}"'
    return f"unnamed {word}"


def scalar(node: Node | None) -> ScalarNode | None:
    """A non-null scalar, else None."""
    if type(node) is ScalarNode and not node.is_null:
        return node
    return None


def is_true(node: Node | None) -> bool:
    return type(node) is ScalarNode and node.py is True


def is_set(node: Node | None) -> bool:
    """Present and not null (an empty mapping is set)."""
    return node is not None and not (type(node) is ScalarNode and node.is_null)


def text(node: Node | None) -> str | None:
    """The string value of a non-null scalar (what Go's decoder puts in a string field)."""
    s = scalar(node)
    return s.value if s is not None else None


def mapping(node: Node | None) -> MappingNode | None:
    return node if type(node) is MappingNode else None


def sequence_items(node: Node | None) -> list[Node]:
    return list(node.items) if type(node) is SequenceNode else []


def key_span(parent: MappingNode, key: str):
    """The span of `key:` in `parent` (the key scalar), for values that are collections."""
    node = parent.key_node(key)
    return node.span if node is not None else parent.span


def volume_sources(workload: Workload) -> list[tuple[str | None, ScalarNode, Node]]:
    """(volume name, source key node, source value) for each source set on each pod volume.

    Upstream checks every non-nil source field, so a volume that (invalidly) sets two sources
    yields both. A volume with no source at all becomes `emptyDir` by API defaulting and yields
    nothing."""
    out = []
    for item in sequence_items(workload.pod_spec.get("volumes")):
        if type(item) is not MappingNode:
            continue
        name = text(item.get("name"))
        for key, value in item.items():
            if key.value != "name" and is_set(value):
                out.append((name, key, value))
    return out
