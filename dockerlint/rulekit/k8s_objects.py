"""Shared pieces of the Kubernetes rules from KS019 on: objects other than pods (RBAC, Services,
ServiceAccounts, ConfigMaps), container resources and env, sensitive names, templated values.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dockerlint.rulekit.k8s_model import Container, K8sObject, objects
from dockerlint.parse.yaml import MappingNode, Node, ScalarNode
from dockerlint.rule import Rule
from dockerlint.rulekit.k8s import describe, pod_workloads, scalar, sequence_items, text
from dockerlint.rulekit.secret_names import (  # noqa: F401 (re-exported for the KS rules)
    TEMPLATED, is_literal_secret, is_sensitive_name, is_templated, split_words,
)


RBAC_ROLE_KINDS = ("Role", "ClusterRole")
RBAC_BINDING_KINDS = ("RoleBinding", "ClusterRoleBinding")
# run-to-completion kinds: no Service sends them traffic, they are not restarted when healthy
BATCH_KINDS = ("Job", "CronJob")


def all_objects(ctx) -> list[K8sObject]:
    """Every object of the file, computed once and shared by all rules."""
    return ctx.cached("k8s_objects", lambda: objects(ctx.model))


def of_kind(ctx, *kinds: str) -> list[K8sObject]:
    return [o for o in all_objects(ctx) if o.kind in kinds]


def names(node: Node | None) -> list[ScalarNode]:
    """The non-null scalars of a sequence (a lone scalar counts as a one-item list, as some
    tools read it)."""
    if type(node) is ScalarNode:
        return [node] if not node.is_null else []
    return [s for s in (scalar(i) for i in sequence_items(node)) if s is not None]


# ---- containers --------------------------------------------------------------------------------


def regular_and_init(workload) -> list[Container]:
    """Containers that can have resources (ephemeral containers may not)."""
    return [c for c in workload.containers if c.group != "ephemeralContainers"]


def resource_value(container: Container, section: str, resource: str) -> ScalarNode | None:
    """`resources.<section>.<resource>` when it is set to a non-zero quantity (or a templated
    value), else None: kube-linter and the API treat 0 as no request/limit."""
    node = scalar(container.node.get_in("resources", section, resource))
    if node is None:
        return None
    value = node.value.strip()
    if not value or re.fullmatch(r"0+(\.0*)?[a-zA-Z]*", value):
        return None
    return node


def resource_span(container: Container, section: str):
    """Where to point at a missing resource: `requests:`/`limits:`, else `resources:`, else the
    container's name."""
    resources = container.node.get_mapping("resources")
    if resources is not None:
        key = resources.key_node(section)
        if key is not None:
            return key.span
        key = container.node.key_node("resources")
        if key is not None:
            return key.span
    key = container.node.key_node("resources")
    if key is not None:
        return key.span
    return container.missing_span


@dataclass
class EnvVar:
    """One item of a container's `env`: its name, the item, and its `value` or `valueFrom`."""

    name: ScalarNode
    item: MappingNode
    value: Node | None  # the `value` node, None when absent
    value_from: MappingNode | None


def env_vars(container: Container) -> list[EnvVar]:
    out = []
    for item in sequence_items(container.node.get("env")):
        if type(item) is not MappingNode:
            continue
        name = scalar(item.get("name"))
        if name is None:
            continue
        out.append(EnvVar(name, item, item.get("value"), item.get_mapping("valueFrom")))
    return out


# ---- RBAC ---------------------------------------------------------------------------------------


@dataclass
class PolicyRule:
    """One rule of a Role or ClusterRole: what it grants, each list's items as written."""

    obj: K8sObject
    node: MappingNode
    api_groups: list[ScalarNode]
    resources: list[ScalarNode]
    verbs: list[ScalarNode]
    non_resource_urls: list[ScalarNode]

    def has_verb(self, *wanted: str) -> ScalarNode | None:
        for v in self.verbs:
            if v.value in wanted or v.value == "*":
                return v
        return None

    def covers_resource(self, *wanted: str) -> ScalarNode | None:
        """The resource entry that grants one of `wanted` (`pods`, `pods/exec`...), `*` included;
        `pods/*` grants every subresource of pods."""
        for r in self.resources:
            value = r.value
            if value == "*" or value in wanted:
                return r
            if value.endswith("/*") and any(w.startswith(value[:-1]) for w in wanted):
                return r
        return None

    def covers_group(self, *groups: str) -> bool:
        """The rule applies to one of the API groups (`""` is the core group)."""
        if not self.api_groups:
            return "" in groups  # apiGroups omitted: Kubernetes rejects it; read it as core
        return any(g.value == "*" or g.value in groups for g in self.api_groups)


def policy_rules(obj: K8sObject) -> list[PolicyRule]:
    out = []
    for item in sequence_items(obj.node.get("rules")):
        if type(item) is not MappingNode:
            continue
        out.append(
            PolicyRule(
                obj,
                item,
                names(item.get("apiGroups")),
                names(item.get("resources")),
                names(item.get("verbs")),
                names(item.get("nonResourceURLs")),
            )
        )
    return out


def rbac_roles(ctx) -> list[K8sObject]:
    return of_kind(ctx, *RBAC_ROLE_KINDS)


def role_ref(binding: K8sObject) -> tuple[str | None, str | None, Node | None]:
    """(kind, name, name node) of a binding's roleRef."""
    ref = binding.node.get_mapping("roleRef")
    if ref is None:
        return None, None, None
    return text(ref.get("kind")), text(ref.get("name")), ref.get("name")


def subjects(binding: K8sObject) -> list[MappingNode]:
    return [s for s in sequence_items(binding.node.get("subjects")) if type(s) is MappingNode]


def find_role(ctx, binding: K8sObject, kind: str | None, name: str | None) -> K8sObject | None:
    """The Role/ClusterRole of this file a binding refers to (a Role only in the binding's
    namespace)."""
    if not kind or not name:
        return None
    for obj in rbac_roles(ctx):
        if obj.kind != kind or obj.name != name:
            continue
        if kind == "Role" and (obj.namespace or None) != (binding.namespace or None):
            continue
        return obj
    return None


def object_span(obj: K8sObject):
    """`name: x` in the object's metadata, else `kind: X`: where to report about the object."""
    if obj.metadata is not None and "name" in obj.metadata:
        return obj.metadata.head_span(("name",))
    return obj.kind_span


# ---- a base for the four "resources not set" rules ----------------------------------------------


_RESOURCE_WORDS = {"cpu": "CPU", "memory": "memory"}
_SECTION_WORDS = {"requests": "request", "limits": "limit"}


class MissingResource(Rule):
    """Base of KS019-KS022: a regular or init container without `resources.<section>.<resource>`.

    A missing request with a limit set passes: the API server copies the limit into the request."""

    section: str = "requests"
    resource: str = "cpu"

    def check(self, ctx):
        section, resource = self.section, self.resource
        what = f"{_RESOURCE_WORDS[resource]} {_SECTION_WORDS[section]}"
        for workload in pod_workloads(ctx):
            for container in regular_and_init(workload):
                if resource_value(container, section, resource) is not None:
                    continue
                if section == "requests" and resource_value(container, "limits", resource) is not None:
                    continue
                ctx.report(
                    resource_span(container, section),
                    f"{describe(container)} has no {what}: set resources.{section}.{resource}",
                )


class MissingProbe(Rule):
    """Base of KS023/KS024: a long-running container without a `<probe>` field."""

    probe: str = "livenessProbe"

    def check(self, ctx):
        word = "liveness" if self.probe == "livenessProbe" else "readiness"
        for workload in pod_workloads(ctx):
            if is_run_to_completion(workload):
                continue
            for container in workload.containers:
                if container.group != "containers":
                    continue
                node = container.node.get(self.probe)
                if node is not None and not (type(node) is ScalarNode and node.is_null):
                    continue
                ctx.report(container.missing_span, f"{describe(container)} has no {word} probe: set {self.probe}")


def is_run_to_completion(workload) -> bool:
    """A Job, a CronJob, or a pod whose restartPolicy is Never or OnFailure."""
    if workload.kind in BATCH_KINDS:
        return True
    policy = text(workload.pod_spec.get("restartPolicy"))
    return policy in ("Never", "OnFailure")


def int_value(node: Node | None) -> int | None:
    """An integer scalar's value (not a bool), else None."""
    s = scalar(node)
    if s is None or type(s.py) is not int:
        return None
    return s.py


class LowId(Rule):
    """Base of KS033/KS034: the effective runAsUser/runAsGroup of a container is below a minimum."""

    field: str = "runAsUser"
    word: str = "UID"

    def check(self, ctx):
        minimum = int(ctx.options.get("minimum", 10000))
        for workload in pod_workloads(ctx):
            if workload.host_users_false or workload.is_windows:
                continue
            for container in workload.containers:
                value, node, level = workload.effective(container, self.field)
                who = describe(container)
                if node is None:
                    ctx.report(
                        container.missing_span,
                        f"{who} sets no {self.field}, so it runs with the image's {self.word}: set {self.field} >= {minimum}",
                    )
                    continue
                number = int_value(node)
                if number is None or number >= minimum:
                    continue  # templated or not a number: not judged
                where = "" if level == "container" else " (from the pod)"
                ctx.report(node.span, f"{who} runs with {self.word} {number}{where}: use {self.word} >= {minimum}")


def capability_name(node: Node | None) -> str | None:
    """A capability as the container runtime reads it: case-insensitive, `CAP_` optional
    (containerd and CRI-O upper-case the name and add the prefix)."""
    value = text(node)
    if value is None:
        return None
    name = value.strip().upper()
    return name[4:] if name.startswith("CAP_") else name


def capabilities(container: Container) -> tuple[MappingNode | None, list[Node], list[Node]]:
    """(capabilities mapping, add entries, drop entries) of a container."""
    sc = container.security_context
    caps = sc.get("capabilities") if sc is not None else None
    if type(caps) is not MappingNode:
        return None, [], []
    return caps, sequence_items(caps.get("add")), sequence_items(caps.get("drop"))


def host_paths(workload) -> list[tuple[str | None, str, ScalarNode]]:
    """(volume name, normalised path, `path` value node) of each hostPath volume of a pod."""
    out = []
    for item in sequence_items(workload.pod_spec.get("volumes")):
        if type(item) is not MappingNode:
            continue
        source = item.get_mapping("hostPath")
        node = scalar(source.get("path")) if source is not None else None
        if node is None or is_templated(node.value):
            continue
        out.append((text(item.get("name")), normalise_path(node.value), node))
    return out


def normalise_path(path: str) -> str:
    """`/var//run/./docker.sock/` -> `/var/run/docker.sock` (no symlinks resolved)."""
    parts: list[str] = []
    for part in path.strip().split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


RUNTIME_SOCKETS = (
    "/var/run/docker.sock", "/run/docker.sock",
    "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
    "/var/run/crio/crio.sock", "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
    "/var/run/podman/podman.sock", "/run/podman/podman.sock",
    "/var/run/dockershim.sock", "/run/dockershim.sock",
)
# directories whose mount hands over a runtime socket
RUNTIME_SOCKET_DIRS = ("/var/run", "/run", "/var/run/docker", "/run/docker", "/var/run/containerd",
                       "/run/containerd", "/var/run/crio", "/run/crio", "/var/run/podman", "/run/podman")


def runtime_socket(path: str) -> bool:
    return path in RUNTIME_SOCKETS or path in RUNTIME_SOCKET_DIRS or path.endswith(("/docker.sock", "/containerd.sock", "/crio.sock"))


# ---- RBAC grants: reported where they take effect -------------------------------------------------


@dataclass
class Grant:
    """One permission a policy rule gives: `what` completes "grants ...", reported at `node`."""

    node: Node
    what: str
    aliases: tuple[str, ...]


def bindings_of(ctx, role: K8sObject) -> list[K8sObject]:
    """The RoleBindings and ClusterRoleBindings of this file that bind `role`."""
    out = []
    for binding in of_kind(ctx, *RBAC_BINDING_KINDS):
        kind, name, _ = role_ref(binding)
        if find_role(ctx, binding, kind, name) is role:
            out.append(binding)
    return out


def subject_names(binding: K8sObject) -> str:
    parts = []
    for s in subjects(binding):
        kind, name = text(s.get("kind")), text(s.get("name"))
        if name:
            parts.append(f"{kind or 'subject'} {name}")
    return ", ".join(parts) or "no subject"


def report_grants(ctx, find, *, skip_resource_names: bool = True) -> None:
    """Report the grants `find(policy_rule) -> list[Grant]` finds in the file's roles.

    A role bound by a binding of the same file is reported at each such binding (its
    `roleRef.name`), since that is where somebody receives the permission; a role with no
    binding here is reported at the offending entries of its rules. Rules limited by
    `resourceNames` are skipped when `skip_resource_names` (they grant named objects only)."""
    for role in rbac_roles(ctx):
        grants: list[Grant] = []
        for rule in policy_rules(role):
            if skip_resource_names and names(rule.node.get("resourceNames")):
                continue
            grants.extend(find(rule))
        if not grants:
            continue
        bindings = bindings_of(ctx, role)
        if not bindings:
            for grant in grants:
                ctx.report(grant.node.span, f"{role.kind} \"{role.name or ''}\" grants {grant.what}", aliases=grant.aliases)
            continue
        for binding in bindings:
            _, _, name_node = role_ref(binding)
            seen: set[str] = set()
            for grant in grants:
                if grant.what in seen:
                    continue
                seen.add(grant.what)
                ctx.report(
                    name_node.span,
                    f"{binding.kind} \"{binding.name or ''}\" gives {subject_names(binding)} {role.kind} "
                    f"\"{role.name or ''}\", which grants {grant.what}",
                    aliases=grant.aliases,
                )


CORE = ""
RBAC_GROUP = "rbac.authorization.k8s.io"
WRITE_VERBS = ("create", "update", "patch")


# ---- workload objects by shape (reliability rules) ----------------------------------------------

REPLICATED_KINDS = ("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig")
SELECTOR_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Job")


def labels_of(node: Node | None) -> dict[str, str]:
    if type(node) is not MappingNode:
        return {}
    return {k.value: (text(v) or "") for k, v in node.items()}


def template_labels(obj: K8sObject) -> dict[str, str]:
    return labels_of(obj.node.get_in("spec", "template", "metadata", "labels"))


def selector_matches(selector: Node | None, labels: dict[str, str], *, plain_map: bool = False) -> bool | None:
    """Whether a LabelSelector (or, with `plain_map`, a map selector as in ReplicationController
    and Service) selects `labels`. None when there is no usable selector."""
    if type(selector) is not MappingNode:
        return None
    if plain_map or ("matchLabels" not in selector and "matchExpressions" not in selector):
        wanted = labels_of(selector)
        return all(labels.get(k) == v for k, v in wanted.items()) if wanted else None
    wanted = labels_of(selector.get("matchLabels"))
    if any(labels.get(k) != v for k, v in wanted.items()):
        return False
    for expr in sequence_items(selector.get("matchExpressions")):
        if type(expr) is not MappingNode:
            continue
        key, op = text(expr.get("key")), text(expr.get("operator"))
        values = {text(v) for v in sequence_items(expr.get("values"))}
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def scalers_of(ctx, obj: K8sObject) -> list[tuple[K8sObject, int | None]]:
    """HorizontalPodAutoscalers and KEDA ScaledObjects of the file that scale `obj`, with their
    minimum replica count (None when unset or not a number)."""
    out = []
    for scaler in of_kind(ctx, "HorizontalPodAutoscaler", "ScaledObject"):
        ref = scaler.node.get_in("spec", "scaleTargetRef")
        if type(ref) is not MappingNode or text(ref.get("name")) != obj.name:
            continue
        if (text(ref.get("kind")) or "Deployment") != obj.kind:
            continue
        if (scaler.namespace or None) != (obj.namespace or None):
            continue
        key = "minReplicas" if scaler.kind == "HorizontalPodAutoscaler" else "minReplicaCount"
        out.append((scaler, int_value(scaler.node.get_in("spec", key))))
    return out


def key_span_of(parent: MappingNode, key: str):
    node = parent.key_node(key)
    return node.span if node is not None else parent.span


def on(resource: ScalarNode, *targets: str) -> str:
    """`on secrets`, or `on * (which includes secrets)` when a wildcard grants it."""
    if resource.value in targets:
        return f"on {resource.value}"
    return f"on {resource.value} (which includes {' and '.join(targets[:2])})"


# ---- cross-object checks within one file --------------------------------------------------------


def pod_label_sets(ctx) -> list[tuple[K8sObject, dict[str, str]]]:
    """(object, labels of the pods it creates) for every object of the file that creates pods:
    a Pod's own labels, else its pod template's (`spec.template`, CronJob `jobTemplate`)."""

    def compute():
        out = []
        for obj in all_objects(ctx):
            if obj.kind == "Pod":
                out.append((obj, labels_of(obj.labels())))
                continue
            for path in (("spec", "template"), ("spec", "jobTemplate", "spec", "template")):
                template = obj.node.get_in(*path)
                if type(template) is MappingNode:
                    out.append((obj, labels_of(template.get_in("metadata", "labels"))))
                    break
        return out

    return ctx.cached("pod_label_sets", compute)


def same_namespace(a: K8sObject, b: K8sObject) -> bool:
    return (a.namespace or "default") == (b.namespace or "default")
