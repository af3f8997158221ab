"""ECS container definitions in AWS CDK and Pulumi AWS programs, for the EC rules.

Recognised (the callee decides; `privileged=True` on a CodeBuild `BuildEnvironment` is not a
container and is never read):

- AWS CDK `task_definition.add_container(id, image=..., ...)` and `ecs.ContainerDefinition(...)`
  in programs that import `aws_cdk.aws_ecs` (CDK v1 `aws_cdk.aws_ecs` or v2 `from aws_cdk import
  aws_ecs`), and AWS Batch `EcsEc2ContainerDefinition` / `EcsFargateContainerDefinition`;
- `aws_ecs_patterns` constructs and their task image options: the image only, since those
  containers take no user, privileged or read-only settings;
- Pulumi AWS `ecs.TaskDefinition(container_definitions=json.dumps([...]))` (a literal, folded
  like any other value) or a JSON string literal, and awsx `TaskDefinitionContainerDefinitionArgs`.

Fields are named as in the ECS API (`image`, `privileged`, `user`, `readonlyRootFilesystem`,
`linuxParameters.capabilities.add`), whatever the program's spelling.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import libcst as cst

from dockerlint.model import Span
from dockerlint.parse.python.iac import UNKNOWN_TAG, PythonModel, Reader, Scope, mapping, scalar, sequence
from dockerlint.parse.yaml import MappingNode, Node, ScalarNode, SequenceNode

_CONTAINER_CLASSES = ("aws_cdk.aws_ecs.ContainerDefinition",)
_BATCH_MODULES = ("aws_cdk.aws_batch", "aws_cdk.aws_batch_alpha")
_BATCH_CLASSES = ("EcsEc2ContainerDefinition", "EcsFargateContainerDefinition", "JobDefinitionContainer")
_DUMPS = ("json.dumps", "pulumi.Output.json_dumps")
_TASK_DEFINITION_CLASSES = (
    "aws_cdk.aws_ecs.Ec2TaskDefinition",
    "aws_cdk.aws_ecs.TaskDefinition",
    "aws_cdk.aws_ecs.ExternalTaskDefinition",
)
# ECS ignores `user` and `readonlyRootFilesystem` for Windows containers
_WINDOWS_IMAGE = re.compile(
    r"(?:^|/)(?:windows|nanoserver|servercore|windowsservercore)|microsoft/(?:iis|dotnet-framework|mssql-server-windows)"
    r"|mcr\.microsoft\.com/(?:windows|dotnet/framework)",
    re.IGNORECASE,
)
_WINDOWS_PROGRAM = re.compile(r"OperatingSystemFamily\.WINDOWS|WindowsOptimizedImage|EcsOptimizedImage\.windows|\"WINDOWS_SERVER")
_BUILT_IMAGES = ("from_asset", "from_docker_image_asset", "from_tarball")


@dataclass(eq=False)
class EcsImage:
    """The image of an ECS container, as far as the program tells it."""

    ref: str | None  # the reference when known: "nginx", "repo:1.2"; None when unknown
    span: Span
    source: str  # "registry", "ecr", "built", "unknown"
    tag: str | None = None  # from_ecr_repository's tag (None: not given, CDK uses `latest`)


@dataclass(eq=False)
class EcsTaskDefinition:
    """An ECS task definition of a CDK or Pulumi program."""

    framework: str  # "aws-cdk", "pulumi-aws"
    fields: MappingNode  # its settings under ECS API names (pidMode, ipcMode, networkMode)
    anchor: Span


@dataclass(eq=False)
class EcsContainer:
    """An ECS container definition of a CDK or Pulumi program."""

    framework: str  # "aws-cdk", "aws-batch", "ecs-patterns", "pulumi-aws", "pulumi-awsx"
    fields: MappingNode
    anchor: Span  # where a missing field is reported: the callee, or the dict
    image: EcsImage | None
    name: str | None = None
    definition: bool = True  # False for ecs_patterns task image options: only the image applies
    windows: bool = False  # a Windows container (its image, or the program's Windows platform)

    @property
    def missing_span(self) -> Span:
        return self.anchor


def _image(reader: Reader, expr, scope: Scope) -> EcsImage:
    inner, inner_scope = reader.resolve(expr, scope)
    span = reader.span(expr)
    if isinstance(inner, cst.Call):
        qual = reader.qualname(inner.func, inner_scope) or ""
        method = qual.rsplit(".", 1)[-1] if "ContainerImage." in qual else ""
        positional = [a for a in inner.args if a.keyword is None and not a.star]
        keywords = {a.keyword.value: a for a in inner.args if a.keyword is not None}
        if method == "from_registry":
            arg = positional[0] if positional else keywords.get("name")
            if arg is None:
                return EcsImage(None, span, "unknown")
            ref = reader.constant(arg.value, inner_scope)
            return EcsImage(ref if type(ref) is str else None, reader.span(arg.value) if inner is expr else span, "registry")
        if method == "from_ecr_repository":
            tag_arg = keywords.get("tag") or (positional[1] if len(positional) > 1 else None)
            if tag_arg is None:
                return EcsImage(None, span, "ecr", None)
            tag = reader.constant(tag_arg.value, inner_scope)
            return EcsImage(None, span, "ecr", tag if type(tag) is str else "?")
        if method in _BUILT_IMAGES:
            return EcsImage(None, span, "built")
        return EcsImage(None, span, "unknown")
    ref = reader.constant(inner, inner_scope)
    if type(ref) is str:
        return EcsImage(ref, span, "registry")
    return EcsImage(None, span, "unknown")


def _image_field(images: list):
    def convert(reader: Reader, expr, scope: Scope, arg) -> Node:
        image = _image(reader, expr, scope)
        images.append(image)
        if image.ref is not None:
            return scalar(reader.span(expr), image.ref)
        return reader.unknown(expr, record=False)

    return convert


def _capabilities(reader: Reader, expr, scope: Scope, arg) -> Node | None:
    """linux_parameters=lp where lp = ecs.LinuxParameters(...); lp.add_capabilities(...)."""
    target = reader.resolve_receiver(expr, scope)
    if target is None or not isinstance(target[0], cst.Call):
        return reader.value(expr, scope, field_name="linuxParameters", region=arg)
    construct = target[0]
    add: list[Node] = []
    drop: list[Node] = []
    for call, call_scope in reader.calls:
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value not in ("add_capabilities", "drop_capabilities"):
            continue
        receiver = reader.resolve_receiver(func.value, call_scope)
        if receiver is None or receiver[0] is not construct:
            continue
        for a in call.args:
            if a.keyword is None:
                node = reader.value(a.value, call_scope, region=a)
                (add if func.attr.value == "add_capabilities" else drop).append(node)
    span = reader.span(expr)
    caps = []
    if add:
        caps.append((scalar(span, "add"), sequence(span, add)))
    if drop:
        caps.append((scalar(span, "drop"), sequence(span, drop)))
    return mapping(span, [(scalar(span, "capabilities"), mapping(span, caps))])


def _enum_constant(reader: Reader, expr, qual: str, scope: Scope, field_name):
    """`ecs.Capability.SYS_ADMIN` -> "SYS_ADMIN", `ecs.PidMode.HOST` -> "host"."""
    if not isinstance(expr, cst.Attribute) or not qual.startswith(("aws_cdk.aws_ecs.", "aws_cdk.aws_batch.")):
        return None
    parts = qual.split(".")
    if len(parts) != 4:
        return None
    if parts[2] == "Capability":
        return scalar(reader.span(expr), parts[3])
    if parts[2] in ("PidMode", "IpcMode", "NetworkMode"):
        return scalar(reader.span(expr), parts[3].lower().replace("_", ""))
    return None


def _container_name(reader: Reader, call, scope: Scope, fields: MappingNode) -> str | None:
    name = fields.get("containerName")
    if type(name) is ScalarNode and name.tag != UNKNOWN_TAG:
        return name.value
    positional = [a for a in call.args if a.keyword is None and not a.star]
    if positional and isinstance(call.func, cst.Attribute):
        value = reader.constant(positional[0].value, scope)
        return value if type(value) is str else None
    if len(positional) >= 2:
        value = reader.constant(positional[1].value, scope)
        return value if type(value) is str else None
    return None


def _cdk_container(reader: Reader, call, scope: Scope, framework: str, renames=None) -> EcsContainer:
    images: list[EcsImage] = []
    fields = reader.call_mapping(
        call, scope, framework="ecs", renames=renames,
        field_converters={"image": _image_field(images), "linux_parameters": _capabilities},
    )
    anchor = reader.span(call.func)
    return EcsContainer(framework, fields, anchor, images[0] if images else None, _container_name(reader, call, scope, fields))


def _json_containers(reader: Reader, expr, scope: Scope, framework: str) -> list[EcsContainer]:
    """container_definitions=json.dumps([...]) or pulumi.Output.json_dumps([...]) (also inside
    an Output.apply lambda) or a JSON string literal."""
    out: list[EcsContainer] = []
    inner, inner_scope = reader.resolve(expr, scope)
    if isinstance(inner, (cst.SimpleString, cst.ConcatenatedString)):
        text = reader.constant(inner, inner_scope)
        try:
            data = json.loads(text) if type(text) is str else None
        except ValueError:
            data = None
        span = reader.span(inner)
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict):
                node = _from_json(item, span)
                image = item.get("image")
                out.append(EcsContainer(framework, node, span, EcsImage(image if isinstance(image, str) else None, span, "registry"),
                                        item.get("name") if isinstance(item.get("name"), str) else None))
        return out
    dumps = _find_dumps(reader, inner)
    if dumps is None:
        return out
    call, call_scope = dumps
    arg = [a for a in call.args if a.keyword is None and not a.star]
    if not arg:
        return out
    node = reader.value(arg[0].value, call_scope, naming="verbatim", region=arg[0])
    for item in node.items if type(node) is SequenceNode else []:
        if type(item) is not MappingNode:
            continue
        image_node = item.get("image")
        image = None
        if type(image_node) is ScalarNode:
            image = EcsImage(image_node.value if image_node.tag != UNKNOWN_TAG else None, image_node.span, "registry")
        name = item.str("name")
        out.append(EcsContainer(framework, item, item.span, image, name if name and item.get("name").tag != UNKNOWN_TAG else None))
    return out


def _find_dumps(reader: Reader, expr):
    """The first `json.dumps(...)` call inside `expr` with its scope."""
    scopes = {id(c): s for c, s in reader.calls}
    found = []

    class Finder(cst.CSTVisitor):
        def visit_Call(self, node: cst.Call):
            if not found and reader.qualname(node.func) in _DUMPS:
                found.append(node)
            return not found

    expr.visit(Finder()) if isinstance(expr, cst.CSTNode) else None
    if not found:
        return None
    return found[0], scopes.get(id(found[0]), reader.module_scope)


def _from_json(value, span: Span) -> Node:
    if isinstance(value, dict):
        return mapping(span, [(scalar(span, str(k)), _from_json(v, span)) for k, v in value.items()])
    if isinstance(value, list):
        return sequence(span, [_from_json(v, span) for v in value])
    return scalar(span, value)


def _patterns_image(reader: Reader, call, scope: Scope) -> EcsContainer | None:
    for arg in call.args:
        if arg.keyword is None:
            continue
        keyword = arg.keyword.value
        if keyword == "image":
            image = _image(reader, arg.value, scope)
            span = reader.span(call.func)
            return EcsContainer("ecs-patterns", mapping(span, []), span, image, definition=False)
        if keyword.endswith("task_image_options"):
            options, options_scope = reader.resolve(arg.value, scope)
            if isinstance(options, cst.Dict):
                for element in options.elements:
                    if isinstance(element, cst.DictElement) and reader.constant(element.key, options_scope) == "image":
                        image = _image(reader, element.value, options_scope)
                        span = reader.span(options)
                        return EcsContainer("ecs-patterns", mapping(span, []), span, image, definition=False)
    return None


def read(reader: Reader, model: PythonModel) -> None:
    """Collect every ECS container definition of the program into `model.ecs_containers`."""
    reader.converters.append(_enum_constant)
    imports_ecs = any(q.startswith(("aws_cdk.aws_ecs", "aws_cdk.aws_batch")) for q in reader.imports.values())
    consumed = model.consumed_calls
    containers = model.ecs_containers
    for call, scope in reader.calls:
        if id(call) in consumed:
            continue
        qual = reader.qualname(call.func, scope) or ""
        module, _, cls = qual.rpartition(".")
        if qual in _CONTAINER_CLASSES:
            containers.append(_cdk_container(reader, call, scope, "aws-cdk"))
        elif module in _BATCH_MODULES and cls in _BATCH_CLASSES:
            # CDK v1's JobDefinitionContainer spells the read-only root filesystem `read_only`
            renames = {"read_only": "readonlyRootFilesystem"} if cls == "JobDefinitionContainer" else None
            containers.append(_cdk_container(reader, call, scope, "aws-batch", renames))
        elif qual.startswith("aws_cdk.aws_ecs_patterns."):
            found = _patterns_image(reader, call, scope)
            if found is not None:
                containers.append(found)
        elif qual == "pulumi_aws.ecs.TaskDefinition":
            for arg in call.args:
                if arg.keyword is not None and arg.keyword.value == "container_definitions":
                    containers.extend(_json_containers(reader, arg.value, scope, "pulumi-aws"))
            fields = reader.call_mapping(call, scope, framework="ecs", skip=("container_definitions", "opts"))
            model.ecs_task_definitions.append(EcsTaskDefinition("pulumi-aws", fields, reader.span(call.func)))
        elif qual in _TASK_DEFINITION_CLASSES:
            fields = reader.call_mapping(call, scope, framework="ecs")
            model.ecs_task_definitions.append(EcsTaskDefinition("aws-cdk", fields, reader.span(call.func)))
        elif qual.startswith("pulumi_awsx.") and qual.endswith("TaskDefinitionContainerDefinitionArgs"):
            images: list[EcsImage] = []
            fields = reader.call_mapping(call, scope, framework="ecs", field_converters={"image": _image_field(images)})
            containers.append(EcsContainer("pulumi-awsx", fields, reader.span(call.func), images[0] if images else None))
        elif (
            imports_ecs
            and isinstance(call.func, cst.Attribute)
            and call.func.attr.value == "add_container"
            and any(a.keyword is not None and a.keyword.value == "image" for a in call.args)
        ):
            containers.append(_cdk_container(reader, call, scope, "aws-cdk"))
    windows_program = bool(_WINDOWS_PROGRAM.search(reader.source.text))
    for c in containers:
        ref = c.image.ref if c.image is not None else None
        c.windows = windows_program or bool(ref and _WINDOWS_IMAGE.search(ref))
