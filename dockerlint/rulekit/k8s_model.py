"""Kubernetes object and workload model over the YAML node model.

`objects()` lists every Kubernetes object of a file (the items of `kind: List` and `*List`
included); `workloads()` every object with a pod template, with its pod spec and containers.
Nodes are the YAML layer's (with spans and merge keys resolved), so rules report at the
offending value, or at `Container.missing_span` / `Workload.missing_span` when a field is
missing.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

from dockerlint.model import Span
from dockerlint.parse.yaml import (
    MappingNode,
    Node,
    ScalarNode,
    YamlDocument,
    to_python,
)

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Literal

__all__ = [
    "K8sObject",
    "Workload",
    "Container",
    "Volume",
    "objects",
    "workloads",
    "TEMPLATE_KINDS",
    "CONTAINER_GROUPS",
]

# kind -> path of the pod template (a mapping with `metadata` and `spec`) in the object
TEMPLATE_KINDS: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "PodTemplate": ("template",),
    "DeploymentConfig": ("spec", "template"),  # OpenShift (apps.openshift.io/v1)
}
# unknown kinds (CRDs such as Argo Rollout, Knative Service, OpenKruise CloneSet) by shape
SHAPE_PATHS: tuple[tuple[str, ...], ...] = (
    ("spec", "template"),
    ("spec", "jobTemplate", "spec", "template"),
)

# Kubernetes' VisitContainers order
CONTAINER_GROUPS = ("initContainers", "containers", "ephemeralContainers")
if TYPE_CHECKING:
    ContainerGroup = Literal["containers", "initContainers", "ephemeralContainers"]
    Level = Literal["container", "pod"]

# securityContext fields present at both levels: the container's value wins when set
_BOTH_LEVELS = {
    "runAsUser",
    "runAsGroup",
    "runAsNonRoot",
    "seLinuxOptions",
    "seccompProfile",
    "appArmorProfile",
    "windowsOptions",
}
# only on PodSecurityContext
_POD_ONLY = {
    "fsGroup",
    "fsGroupChangePolicy",
    "supplementalGroups",
    "supplementalGroupsPolicy",
    "sysctls",
    "seLinuxChangePolicy",
}
_MAX_LIST_NESTING = 16


def _null(node: Node | None) -> bool:
    return node is None or (type(node) is ScalarNode and node.is_null)


def _value(node: Node) -> Any:
    return node.py if type(node) is ScalarNode else to_python(node)


@dataclass(eq=False)
class K8sObject:
    """One Kubernetes object of a file: its document's root mapping and what identifies it."""

    doc_index: int
    node: MappingNode
    kind: str | None
    api_version: str | None
    name: str | None
    namespace: str | None
    metadata: MappingNode | None
    list_item: bool = False  # an item of a `kind: List` (or `*List`)

    @property
    def span(self) -> Span:
        return self.node.span

    @property
    def kind_span(self) -> Span:
        """`kind: X`, else the object's first key: where to report about the object."""
        return self.node.head_span(("kind",))

    def annotations(self) -> MappingNode | None:
        return self.metadata.get_mapping("annotations") if self.metadata is not None else None

    def labels(self) -> MappingNode | None:
        return self.metadata.get_mapping("labels") if self.metadata is not None else None


@dataclass(eq=False)
class Container:
    """One container (init and ephemeral ones included) of a pod spec."""

    node: MappingNode
    name: str | None
    group: ContainerGroup
    image: ScalarNode | None
    security_context: MappingNode | None

    @property
    def missing_span(self) -> Span:
        """Where to report a field missing from this container: `name: x`, else its first key."""
        return self.node.head_span(("name", "image"))

    @property
    def security_context_key(self) -> ScalarNode | None:
        return self.node.key_node("securityContext")


class Volume(namedtuple("Volume", "name node source_type")):
    """A pod's volume: its name (str or None), its MappingNode, and the type of its source
    ("emptyDir" for a volume with only a name: API defaulting)."""

    __slots__ = ()

    @property
    def source(self) -> Node | None:
        return self.node.get(self.source_type)


@dataclass(eq=False)
class Workload:
    """An object that runs pods (a Pod, or a controller's pod template), with its containers."""

    obj: K8sObject
    pod_meta: MappingNode | None  # the template's metadata, or the Pod's own
    pod_spec: MappingNode
    containers: list[Container] = field(default_factory=list)
    spec_key: ScalarNode | None = None  # the `spec` key of the pod spec

    @property
    def kind(self) -> str | None:
        return self.obj.kind

    @property
    def missing_span(self) -> Span:
        """Where to report a pod-level field that is missing: the pod spec's `spec:` key."""
        if self.spec_key is not None:
            return self.spec_key.span
        return self.pod_spec.head_span(())

    @property
    def is_windows(self) -> bool:
        return _str(self.pod_spec.get_in("os", "name")) == "windows"

    @property
    def host_users_false(self) -> bool:
        node = self.pod_spec.get("hostUsers")
        return type(node) is ScalarNode and node.py is False

    @property
    def pod_security_context(self) -> MappingNode | None:
        return self.pod_spec.get_mapping("securityContext")

    @property
    def annotations(self) -> MappingNode | None:
        return self.pod_meta.get_mapping("annotations") if self.pod_meta is not None else None

    def effective(self, container: Container, *path: str) -> tuple[Any, Node | None, Level | None]:
        """A securityContext field as the kubelet resolves it: (value, node, level).

        Fields that exist at both levels come from the container when it sets them (a null is
        not set), else from the pod. Structs are taken whole (`seccompProfile`,
        `seLinuxOptions`, `appArmorProfile`: a container's `seccompProfile: {}` hides the
        pod's type), except `windowsOptions`, merged field by field. Container-only fields
        (privileged, capabilities, ...) come from the container only, pod-only ones (fsGroup,
        sysctls, ...) from the pod only. Unset everywhere: (None, None, None).
        """
        if not path:
            raise ValueError("effective() needs a field name")
        head = path[0]
        csc = container.security_context
        psc = self.pod_security_context
        if head in _POD_ONLY:
            levels: list[tuple[MappingNode | None, Level]] = [(psc, "pod")]
        elif head in _BOTH_LEVELS:
            levels = [(csc, "container"), (psc, "pod")]
        else:
            levels = [(csc, "container")]
        per_field = head == "windowsOptions" and len(path) > 1
        for sc, level in levels:
            if sc is None:
                continue
            top = sc.get(head)
            if _null(top):
                continue
            node = sc.get_in(*path)
            if per_field and _null(node):
                continue  # windowsOptions: an unset field falls through to the pod
            if _null(node):
                return None, None, level  # e.g. container seccompProfile {} without type
            return _value(node), node, level
        return None, None, None

    @property
    def volumes(self) -> list[Volume]:
        result = []
        seq = self.pod_spec.get_sequence("volumes")
        if seq is None:
            return result
        for item in seq.items:
            if type(item) is not MappingNode:
                continue
            sources = [k.value for k, v in item.items() if k.value != "name" and not _null(v)]
            result.append(Volume(item.str("name"), item, sources[0] if sources else "emptyDir"))
        return result

    def all_containers(self, group: ContainerGroup | None = None) -> list[Container]:
        return [c for c in self.containers if group is None or c.group == group]


def _str(node: Node | None) -> str | None:
    if type(node) is ScalarNode and not node.is_null:
        return node.value
    return None


def _make_object(doc_index: int, node: MappingNode, list_item: bool) -> K8sObject:
    metadata = node.get_mapping("metadata")
    return K8sObject(
        doc_index=doc_index,
        node=node,
        kind=node.str("kind"),
        api_version=node.str("apiVersion"),
        name=metadata.str("name") if metadata is not None else None,
        namespace=metadata.str("namespace") if metadata is not None else None,
        metadata=metadata,
        list_item=list_item,
    )


def _is_list(node: MappingNode) -> bool:
    kind = node.str("kind")
    return kind is not None and kind.endswith("List") and node.get_sequence("items") is not None


def objects(documents: list[YamlDocument]) -> list[K8sObject]:
    """Every Kubernetes object (a mapping with a `kind`); a List is replaced by its items."""
    result: list[K8sObject] = []
    for doc in documents:
        root = doc.root
        if type(root) is not MappingNode:
            continue
        # iterative walk of (possibly nested) Lists, in document order
        stack: list[tuple[MappingNode, bool, int]] = [(root, False, 0)]
        while stack:
            node, in_list, depth = stack.pop()
            if _is_list(node) and depth < _MAX_LIST_NESTING:
                items = [i for i in node.get_sequence("items").items if type(i) is MappingNode]
                stack.extend((i, True, depth + 1) for i in reversed(items))
                continue
            if node.str("kind") is None:
                continue
            result.append(_make_object(doc.index, node, in_list))
    return result


def _template(obj: K8sObject) -> tuple[MappingNode | None, MappingNode, ScalarNode | None] | None:
    """(pod metadata, pod spec, `spec` key node) of an object, or None."""
    node = obj.node
    kind = obj.kind
    if kind == "Pod":
        spec = node.get_mapping("spec")
        if spec is None:
            return None
        return obj.metadata, spec, node.key_node("spec")
    path = TEMPLATE_KINDS.get(kind or "")
    if path is not None:
        return _template_at(node, path, require_containers=False)
    for path in SHAPE_PATHS:
        found = _template_at(node, path, require_containers=True)
        if found is not None:
            return found
    return None


def _template_at(node: MappingNode, path: tuple[str, ...], require_containers: bool):
    template = node.get_in(*path)
    if type(template) is not MappingNode:
        return None
    spec = template.get_mapping("spec")
    if spec is None:
        return None
    if require_containers and spec.get_sequence("containers") is None:
        return None
    return template.get_mapping("metadata"), spec, template.key_node("spec")


def _containers(spec: MappingNode) -> list[Container]:
    result = []
    for group in CONTAINER_GROUPS:
        seq = spec.get_sequence(group)
        if seq is None:
            continue
        for item in seq.items:
            if type(item) is not MappingNode:
                continue
            image = item.get("image")
            result.append(
                Container(
                    node=item,
                    name=item.str("name"),
                    group=group,  # type: ignore[arg-type]
                    image=image if type(image) is ScalarNode else None,
                    security_context=item.get_mapping("securityContext"),
                )
            )
    return result


def workloads(documents: list[YamlDocument]) -> list[Workload]:
    """Every object with a pod template: Pod, the built-in controllers, CronJob, PodTemplate,
    List items, and unknown kinds whose `spec.template.spec.containers` (or the CronJob-like
    `spec.jobTemplate.spec.template.spec.containers`) is a sequence."""
    result = []
    for obj in objects(documents):
        found = _template(obj)
        if found is None:
            continue
        pod_meta, pod_spec, spec_key = found
        result.append(Workload(obj, pod_meta, pod_spec, _containers(pod_spec), spec_key))
    return result
