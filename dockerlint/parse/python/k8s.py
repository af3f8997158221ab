"""Kubernetes objects in cdk8s, cdk8s-plus, Pulumi Kubernetes and AWS CDK EKS programs.

Each recognised constructor call becomes one document in the manifest shape:

- Pulumi `apps.v1.Deployment("web", metadata=..., spec=DeploymentSpecArgs(...) | {...})`: the
  keyword arguments are the object's fields (snake_case renamed: `security_context` ->
  `securityContext`), `*Args` classes and dicts alike; apiVersion and kind come from the module
  path and class. `apiextensions.CustomResource` takes them from its arguments.
- cdk8s `k8s.KubeDeployment(scope, id, spec=k8s.DeploymentSpec(...))` from the generated
  `imports.k8s`: the same with the `Kube` prefix and version suffix dropped from the kind.
- cdk8s `ApiObject(scope, id, api_version=..., kind=..., spec={...})` and EKS
  `cluster.add_manifest(id, {...})` / `eks.KubernetesManifest(manifest=[...])`: raw manifests,
  dict keys kept verbatim.
- cdk8s-plus `kplus.Deployment(scope, id, containers=[kplus.ContainerProps(...)])` plus
  `x.add_container(...)` / `x.add_init_container(...)` on it: the pod template is synthesised
  from the construct's properties. From cdk8s-plus-22 (the 2.x line) each container gets the
  library's defaults for what it leaves out: runAsNonRoot true, privileged false,
  readOnlyRootFilesystem true, allowPrivilegeEscalation false, and CPU/memory requests and
  limits; only explicit overrides can then be findings.
"""
from __future__ import annotations

import re

import libcst as cst

from dockerlint.parse.python.iac import (
    UNKNOWN,
    UNKNOWN_TAG,
    FieldOrigin,
    k8s_name,
    MappingOrigin,
    PythonModel,
    Reader,
    Scope,
    mapping,
    open_mapping,
    scalar,
    sequence,
)
from dockerlint.parse.yaml import MappingNode, Node, ScalarNode, SequenceNode

_API_GROUPS = {
    "core": "",
    "rbac": "rbac.authorization.k8s.io",
    "networking": "networking.k8s.io",
    "storage": "storage.k8s.io",
    "scheduling": "scheduling.k8s.io",
    "admissionregistration": "admissionregistration.k8s.io",
    "apiextensions": "apiextensions.k8s.io",
    "certificates": "certificates.k8s.io",
    "coordination": "coordination.k8s.io",
    "discovery": "discovery.k8s.io",
    "node": "node.k8s.io",
}
_KIND_API_VERSIONS = {
    **{k: "apps/v1" for k in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision")},
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    **{k: "rbac.authorization.k8s.io/v1" for k in ("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding")},
    "Ingress": "networking.k8s.io/v1",
    "NetworkPolicy": "networking.k8s.io/v1",
    "IngressClass": "networking.k8s.io/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "PodDisruptionBudget": "policy/v1",
    "StorageClass": "storage.k8s.io/v1",
}
_NOT_OBJECTS = {"yaml", "helm", "kustomize", "provider", "meta", "Provider"}
_KUBE_CLASS = re.compile(r"^Kube(?P<kind>[A-Z]\w*?)(?P<version>V\d+(?:(?:Alpha|Beta)\d+)?)?$")
_PLUS_MODULE = re.compile(r"^cdk8s_plus_(?P<major>\d+)$")
_PLUS_WORKLOADS = {"Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod"}
# cdk8s-plus 2.x container defaults (cdk8s-plus-22 and later)
_PLUS_SECURITY_DEFAULTS = (
    ("runAsNonRoot", True),
    ("privileged", False),
    ("readOnlyRootFilesystem", True),
    ("allowPrivilegeEscalation", False),
)
_PLUS_RESOURCE_DEFAULTS = {"requests": {"cpu": "1000m", "memory": "512Mi"}, "limits": {"cpu": "1500m", "memory": "2048Mi"}}
_SIZE_UNITS = {"kibibytes": "Ki", "mebibytes": "Mi", "gibibytes": "Gi", "tebibytes": "Ti", "pebibyte": "Pi"}


def _cdk8s_class(qual: str) -> list[str] | None:
    """For a name from a cdk8s-generated `k8s` module (imports.k8s, cdk8s_plus_NN.k8s): the
    path after the module (["KubeDeployment"], ["IntOrString", "from_number"])."""
    parts = qual.split(".")
    if "k8s" not in parts[:-1] or parts[0] in ("pulumi_kubernetes", "kubernetes"):
        return None
    i = parts.index("k8s")
    return parts[i + 1 :] or None


def _plus(qual: str) -> tuple[int, list[str]] | None:
    """(major version, path after the module) for a cdk8s-plus name."""
    parts = qual.split(".")
    m = _PLUS_MODULE.match(parts[0])
    if m is None or len(parts) < 2 or parts[1] == "k8s":
        return None
    return int(m.group("major")), parts[1:]


# ---- converters: struct constructors and helpers as values --------------------------------------


def _convert(reader: Reader, expr, qual: str, scope: Scope, field_name):
    if not isinstance(expr, cst.Call):
        if qual.startswith("cdk8s_plus_") and ".Capability." in qual:
            return scalar(reader.span(expr), "CAP_" + qual.rsplit(".", 1)[1])
        return None
    if qual.startswith("pulumi_kubernetes.") and qual.rsplit(".", 1)[1].endswith("Args"):
        return reader.call_mapping(expr, scope, framework="pulumi")
    path = _cdk8s_class(qual)
    if path is not None:
        if len(path) == 2 and path[0] in ("IntOrString", "Quantity") and path[1] in ("from_number", "from_string"):
            return _first_arg(reader, expr, scope)
        if len(path) == 1 and not path[0].startswith("Kube") and path[0][:1].isupper():
            return reader.call_mapping(expr, scope, framework="cdk8s")
        return None
    if qual in ("cdk8s.ApiObjectMetadata",):
        return reader.call_mapping(expr, scope, framework="cdk8s")
    plus = _plus(qual)
    if plus is not None:
        major, path = plus
        name = path[0]
        if name == "ContainerProps":
            return plus_container(reader, expr, scope, expr.func, major)
        if name == "ContainerSecurityContextProps":
            return _plus_container_security(reader, expr, scope)
        if name == "ContainerResources":
            return _plus_resources(reader, expr, scope)
        if name == "ContainerPort":
            return reader.call_mapping(expr, scope, framework="cdk8s-plus", renames={"number": "containerPort"})
        if name == "PodSecurityContextProps":
            return reader.call_mapping(expr, scope, framework="cdk8s-plus", renames=_PLUS_POD_SC)
        if name in ("Cpu", "Size") and len(path) == 2:
            return _plus_quantity(reader, expr, scope, path[1])
        if name == "EnvValue" and len(path) == 2 and path[1] == "from_value":
            return _first_arg(reader, expr, scope)
    if qual.startswith("cdk8s.Size.") or qual.startswith("cdk8s.Cpu."):
        return _plus_quantity(reader, expr, scope, qual.rsplit(".", 1)[1])
    return None


def _first_arg(reader: Reader, call, scope: Scope) -> Node:
    args = [a for a in call.args if not a.star]
    if not args:
        return reader.unknown(call)
    return reader.value(args[0].value, scope, region=args[0])


def _plus_quantity(reader: Reader, call, scope: Scope, method: str) -> Node:
    args = [a for a in call.args if not a.star]
    value = reader.constant(args[0].value, scope) if args else UNKNOWN
    if type(value) not in (int, float):
        return reader.unknown(call)
    number = int(value) if float(value).is_integer() else value
    if method == "millis":
        text = f"{number}m"
    elif method == "units":
        text = str(number)
    elif method in _SIZE_UNITS:
        text = f"{number}{_SIZE_UNITS[method]}"
    else:
        return reader.unknown(call)
    return scalar(reader.span(call), text)


# ---- cdk8s-plus -----------------------------------------------------------------------------------

_PLUS_CONTAINER_SC = {
    "ensure_non_root": "runAsNonRoot",
    "user": "runAsUser",
    "group": "runAsGroup",
}
_PLUS_POD_SC = {"ensure_non_root": "runAsNonRoot", "user": "runAsUser", "group": "runAsGroup"}
_PLUS_CONTAINER_FIELDS = {
    "env_variables": "env",
    "liveness": "livenessProbe",
    "readiness": "readinessProbe",
    "startup": "startupProbe",
}


def _plus_container_security(reader: Reader, call, scope: Scope) -> MappingNode:
    return reader.call_mapping(call, scope, framework="cdk8s-plus", renames=_PLUS_CONTAINER_SC)


def _plus_resources(reader: Reader, call, scope: Scope) -> MappingNode:
    """ContainerResources(cpu=CpuResources(request=, limit=), memory=MemoryResources(...)) ->
    {requests: {cpu, memory}, limits: {...}}."""
    requests: list = []
    limits: list = []
    spread = None
    for arg in call.args:
        if arg.keyword is None:
            spread = spread or arg
            reader.unknown_regions.append(reader.offsets(arg))
            continue
        resource = {"cpu": "cpu", "memory": "memory", "ephemeral_storage": "ephemeral-storage"}.get(arg.keyword.value)
        inner, inner_scope = reader.resolve(arg.value, scope)
        if resource is None:
            continue
        if not isinstance(inner, cst.Call):
            spread = spread or arg
            reader.unknown_regions.append(reader.offsets(arg))
            continue
        for inner_arg in inner.args:
            if inner_arg.keyword is None:
                continue
            target = {"request": requests, "limit": limits}.get(inner_arg.keyword.value)
            if target is not None:
                value = reader.value(inner_arg.value, inner_scope, region=inner_arg)
                target.append((scalar(reader.span(inner_arg.keyword), resource), value))
    span = reader.span(call)
    pairs = []
    if requests:
        pairs.append((scalar(span, "requests"), mapping(span, requests)))
    if limits:
        pairs.append((scalar(span, "limits"), mapping(span, limits)))
    if spread is not None:
        return open_mapping(span, pairs, (reader.span(spread), reader.text(spread)))
    return mapping(span, pairs)


def _plus_env(reader: Reader, expr, scope: Scope, arg) -> Node | None:
    """env_variables={"NAME": EnvValue.from_value("x")} -> env: [{name, value}]."""
    inner, inner_scope = reader.resolve(expr, scope)
    if not isinstance(inner, cst.Dict):
        return reader.value(expr, scope, region=arg)
    items = []
    for element in inner.elements:
        if not isinstance(element, cst.DictElement):
            continue
        name = reader.constant(element.key, inner_scope)
        if type(name) is not str:
            continue
        key_span = reader.span(element.key)
        pairs = [(scalar(key_span, "name"), scalar(key_span, name))]
        value, value_scope = reader.resolve(element.value, inner_scope)
        qual = reader.qualname(value.func, value_scope) if isinstance(value, cst.Call) else None
        method = qual.rsplit(".", 1)[1] if qual else ""
        if method == "from_value":
            pairs.append((scalar(key_span, "value"), _first_arg(reader, value, value_scope)))
        elif method == "from_secret_value":
            span = reader.span(element.value)
            pairs.append((scalar(span, "valueFrom"), mapping(span, [(scalar(span, "secretKeyRef"), mapping(span, []))])))
        else:
            span = reader.span(element.value)
            pairs.append((scalar(span, "valueFrom"), reader.unknown(element.value, "valueFrom", region=element)))
        items.append(mapping(reader.span(element), pairs))
    return sequence(reader.span(inner), items)


def plus_container(reader: Reader, call, scope: Scope, anchor, major: int) -> MappingNode:
    """A cdk8s-plus container (ContainerProps(...) or add_container(...) keyword arguments) as a
    Kubernetes container, with the 2.x defaults for what it leaves out."""
    converters = {"env_variables": _plus_env}
    node = reader.call_mapping(
        call, scope, framework="cdk8s-plus", renames=_PLUS_CONTAINER_FIELDS, field_converters=converters
    )
    anchor_span = reader.span(anchor)
    extra = []
    port = node.get("portNumber") or node.get("port")
    if port is not None and "ports" not in node.keys():
        extra.append((scalar(port.span, "ports"), sequence(port.span, [mapping(port.span, [(scalar(port.span, "containerPort"), port)])])))
    if "name" not in node.keys():
        extra.append((scalar(anchor_span, "name"), scalar(anchor_span, "main")))
    if major >= 22:
        sc = node.get("securityContext")
        if type(sc) is MappingNode and sc.tag != UNKNOWN_TAG:
            _add_defaults(sc, anchor_span, _PLUS_SECURITY_DEFAULTS)
        elif sc is None:
            defaults = mapping(anchor_span, [])
            _add_defaults(defaults, anchor_span, _PLUS_SECURITY_DEFAULTS)
            extra.append((scalar(anchor_span, "securityContext"), defaults))
        if "resources" not in node.keys():
            resources = mapping(anchor_span, [
                (scalar(anchor_span, section), mapping(anchor_span, [(scalar(anchor_span, r), scalar(anchor_span, v)) for r, v in values.items()]))
                for section, values in _PLUS_RESOURCE_DEFAULTS.items()
            ])
            extra.append((scalar(anchor_span, "resources"), resources))
    if extra:
        node.pairs.extend(extra)
        if type(node._index) is dict or node._index is None:
            node._index = None
        else:
            for k, v in extra:
                dict.__setitem__(node._index, k.value, (k, v))
    return node


def _add_defaults(sc: MappingNode, span, defaults) -> None:
    present = set(sc.keys())
    added = [(scalar(span, k), scalar(span, v)) for k, v in defaults if k not in present]
    if not added:
        return
    sc.pairs.extend(added)
    if type(sc._index) is dict or sc._index is None:
        sc._index = None
    else:
        for k, v in added:
            dict.__setitem__(sc._index, k.value, (k, v))


class _PlusWorkload:
    def __init__(self, kind: str, major: int, call, anchor_span):
        self.kind = kind
        self.major = major
        self.call = call
        self.anchor_span = anchor_span
        self.containers: list[Node] = []
        self.init_containers: list[Node] = []
        self.pod_pairs: list = []
        self.metadata: Node | None = None
        self.spread = None


def _plus_workload(reader: Reader, call, scope: Scope, kind: str, major: int) -> _PlusWorkload:
    w = _PlusWorkload(kind, major, call, reader.span(call.func))
    for arg in call.args:
        if arg.star == "**":
            w.spread = arg
            reader.unknown_regions.append(reader.offsets(arg))
            continue
        if arg.keyword is None:
            continue
        keyword = arg.keyword.value
        if keyword in ("containers", "init_containers"):
            target = w.containers if keyword == "containers" else w.init_containers
            items, items_scope = reader.resolve(arg.value, scope)
            if not isinstance(items, (cst.List, cst.Tuple)):
                reader.unknown_regions.append(reader.offsets(arg))
                continue
            for element in items.elements:
                if isinstance(element, cst.StarredElement):
                    continue
                target.append(_plus_container_value(reader, element.value, items_scope, major))
        elif keyword == "security_context":
            value = reader.value(arg.value, scope, field_name="securityContext", region=arg)
            w.pod_pairs.append((scalar(reader.span(arg.keyword), "securityContext"), value))
            reader._origin(value, FieldOrigin("securityContext", arg, arg.value, call))
        elif keyword == "metadata":
            w.metadata = reader.value(arg.value, scope, field_name="metadata", region=arg)
        elif keyword in ("host_network", "host_pid", "host_ipc", "service_account_name", "automount_service_account_token"):
            name = k8s_name(keyword)
            value = reader.value(arg.value, scope, field_name=name, region=arg)
            reader._origin(value, FieldOrigin(name, arg, arg.value, call))
            w.pod_pairs.append((scalar(reader.span(arg.keyword), name), value))
    return w


def _plus_container_value(reader: Reader, expr, scope: Scope, major: int) -> Node:
    inner, inner_scope = reader.resolve(expr, scope)
    if isinstance(inner, cst.Call):
        qual = reader.qualname(inner.func, inner_scope) or ""
        if qual.endswith("ContainerProps") or qual.endswith(".Container"):
            return plus_container(reader, inner, inner_scope, inner.func, major)
    if isinstance(inner, cst.Dict):
        return reader.dict_mapping(inner, inner_scope)
    return reader.unknown(expr)


def _plus_document(reader: Reader, w: _PlusWorkload) -> MappingNode:
    span = w.anchor_span
    containers = [c for c in w.containers if type(c) is MappingNode]
    inits = [c for c in w.init_containers if type(c) is MappingNode]
    pod_pairs = [(scalar(span, "containers"), sequence(span, containers))]
    if inits:
        pod_pairs.append((scalar(span, "initContainers"), sequence(span, inits)))
    pod_pairs.extend(w.pod_pairs)
    if w.spread is not None:
        pod_spec = open_mapping(span, pod_pairs, (reader.span(w.spread), reader.text(w.spread)))
    else:
        pod_spec = mapping(span, pod_pairs)
    reader.mapping_origins[id(pod_spec)] = (pod_spec, MappingOrigin(w.call, "cdk8s-plus", "snake", reader.text(w.call.func)))
    template = mapping(span, [(scalar(span, "metadata"), mapping(span, [])), (scalar(span, "spec"), pod_spec)])
    if w.kind == "Pod":
        spec = pod_spec
    elif w.kind == "CronJob":
        spec = mapping(span, [(scalar(span, "jobTemplate"), mapping(span, [(scalar(span, "spec"), mapping(span, [(scalar(span, "template"), template)]))]))])
    else:
        spec = mapping(span, [(scalar(span, "template"), template)])
    metadata = w.metadata if w.metadata is not None else mapping(span, [])
    return mapping(reader.span(w.call), [
        (scalar(span, "apiVersion"), scalar(span, _KIND_API_VERSIONS.get(w.kind, "v1"))),
        (scalar(span, "kind"), scalar(span, w.kind)),
        (scalar(span, "metadata"), metadata),
        (scalar(span, "spec"), spec),
    ])


# ---- objects ---------------------------------------------------------------------------------------


def _with_head(reader: Reader, node: MappingNode, head: list) -> MappingNode:
    """`node` with apiVersion/kind (and metadata) pairs first; origins kept."""
    pairs = head + [p for p in node.pairs if not (type(p[0]) is ScalarNode and p[0].value in {k.value for k, _ in head})]
    if node.tag == UNKNOWN_TAG:
        new = open_mapping(node.span, pairs, (node._index._span, node._index._text))
    else:
        new = mapping(node.span, pairs)
    origin = reader.mapping_origins.get(id(node))
    if origin is not None:
        reader.mapping_origins[id(new)] = (new, origin[1])
    return new


def _head(span, api_version: str, kind: str) -> list:
    return [(scalar(span, "apiVersion"), scalar(span, api_version)), (scalar(span, "kind"), scalar(span, kind))]


def _resource_name(reader: Reader, call, scope: Scope):
    for arg in call.args:
        if arg.keyword is None and not arg.star:
            return reader.value(arg.value, scope, record=False)
        if arg.keyword is not None and arg.keyword.value == "resource_name":
            return reader.value(arg.value, scope, record=False)
    return None


def _pulumi_object(reader: Reader, call, scope: Scope, qual: str) -> MappingNode | None:
    parts = qual.split(".")
    if len(parts) == 3 and parts[1] == "apiextensions" and parts[2] == "CustomResource":
        root = reader.call_mapping(call, scope, framework="pulumi", skip=("opts", "resource_name"))
        return root if "kind" in root.keys() else None
    if len(parts) != 4 or parts[1] in _NOT_OBJECTS:
        return None
    group, version, kind = parts[1], parts[2], parts[3]
    if not kind[:1].isupper() or kind.endswith(("Args", "Patch", "List")) or not re.fullmatch(r"v\d\w*", version):
        return None
    api_group = _API_GROUPS.get(group, group)
    api_version = f"{api_group}/{version}" if api_group else version
    span = reader.span(call.func)
    root = reader.call_mapping(call, scope, framework="pulumi", skip=("opts", "resource_name", "api_version", "kind"))
    head = _head(span, api_version, kind)
    if "metadata" not in [k.value for k, _ in root.pairs if type(k) is ScalarNode]:
        name = _resource_name(reader, call, scope)
        meta_pairs = [(scalar(span, "name"), name)] if type(name) is ScalarNode and name.tag != UNKNOWN_TAG else []
        head.append((scalar(span, "metadata"), mapping(span, meta_pairs)))
    return _with_head(reader, root, head)


def _cdk8s_object(reader: Reader, call, scope: Scope, path: list[str]) -> MappingNode | None:
    if len(path) != 1:
        return None
    m = _KUBE_CLASS.match(path[0])
    if m is None:
        return None
    kind = m.group("kind")
    version = m.group("version")
    api_version = _KIND_API_VERSIONS.get(kind, "v1")
    if version:
        api_version = api_version.rsplit("/", 1)[0] + "/" + version.lower() if "/" in api_version else version.lower()
    root = reader.call_mapping(call, scope, framework="cdk8s")
    return _with_head(reader, root, _head(reader.span(call.func), api_version, kind))


def _manifests(reader: Reader, model: PythonModel, expr, scope: Scope, region) -> None:
    node = reader.value(expr, scope, naming="verbatim", region=region)
    items = node.items if type(node) is SequenceNode else [node]
    for item in items:
        if type(item) is MappingNode and item.str("kind") is not None:
            model.add_document(item, "eks")


def read(reader: Reader, model: PythonModel) -> None:
    """Add every Kubernetes object the program builds to `model`."""
    reader.converters.append(_convert)
    imports_eks = any(q.startswith("aws_cdk.aws_eks") for q in reader.imports.values())
    plus_workloads: dict[int, _PlusWorkload] = {}
    consumed: set[int] = set()
    methods = []
    for call, scope in reader.calls:
        qual = reader.qualname(call.func, scope)
        if qual is None:
            if isinstance(call.func, cst.Attribute):
                methods.append((call, scope))
            continue
        if qual.startswith("pulumi_kubernetes."):
            root = _pulumi_object(reader, call, scope, qual)
            if root is not None:
                model.add_document(root, "pulumi")
            continue
        path = _cdk8s_class(qual)
        if path is not None:
            root = _cdk8s_object(reader, call, scope, path)
            if root is not None:
                model.add_document(root, "cdk8s")
            continue
        if qual == "cdk8s.ApiObject":
            root = reader.call_mapping(call, scope, framework="manifest", naming_mode="verbatim")
            if root.str("kind") is not None:
                model.add_document(root, "cdk8s")
            continue
        plus = _plus(qual)
        if plus is not None and len(plus[1]) == 1 and plus[1][0] in _PLUS_WORKLOADS:
            plus_workloads[id(call)] = _plus_workload(reader, call, scope, plus[1][0], plus[0])
            continue
        if qual == "aws_cdk.aws_eks.KubernetesManifest":
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == "manifest":
                    _manifests(reader, model, arg.value, scope, arg)
            continue
        if isinstance(call.func, cst.Attribute):
            methods.append((call, scope))
    for call, scope in methods:
        method = call.func.attr.value
        if method in ("add_container", "add_init_container") and plus_workloads:
            target = reader.resolve_receiver(call.func.value, scope)
            w = plus_workloads.get(id(target[0])) if target is not None else None
            if w is None:
                continue
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if positional:
                container = _plus_container_value(reader, positional[0].value, scope, w.major)
            else:
                container = plus_container(reader, call, scope, call.func.attr, w.major)
            (w.containers if method == "add_container" else w.init_containers).append(container)
            consumed.add(id(call))
        elif method == "add_manifest" and imports_eks:
            for arg in call.args[1:]:
                if arg.keyword is None and not arg.star:
                    _manifests(reader, model, arg.value, scope, arg)
    for w in plus_workloads.values():
        model.add_document(_plus_document(reader, w), "cdk8s-plus")
    model.consumed_calls = consumed
