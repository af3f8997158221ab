"""Python infrastructure-as-code programs (cdk8s, Pulumi, AWS CDK) read into our node model.

Kubernetes objects built by constructor calls (`k8s.KubeDeployment(...)`, `kplus.Deployment(...)`,
Pulumi `apps.v1.Deployment(...)`, EKS `cluster.add_manifest(...)`) become the YAML node model a
manifest gives: MappingNode / ScalarNode / SequenceNode with spans, one YamlDocument per object,
so `dockerlint.rulekit.k8s_model.workloads()` and the KS rules run unchanged. Spans point into the Python
source: a written field spans its value where it is used (a keyword argument's value, a dict
value), a field the framework fills in spans the constructor's callee. ECS container definitions
(AWS CDK, AWS Batch, Pulumi AWS task definitions) are collected beside the documents for the EC
rules. The frameworks themselves live in python_k8s.py and python_ecs.py.

Values are folded only where the result is certain: literals, names bound exactly once in the
function or module that uses them, f-strings and `+` of known parts, dict/list literals,
constructor calls of the frameworks' structs. Anything else is *unknown*:

- a ScalarNode tagged UNKNOWN_TAG whose `.py` is UNKNOWN (equal to nothing, falsy) and whose
  `.value` is the expression's source text as a template, `${labels['app']}` (so messages name
  it, and the rules' checks for templated values skip it);
- for fields that hold objects (`securityContext`, `resources`, ...), and for the keys a dict
  leaves to a `**spread` or a later mutation, an *open* MappingNode: its index answers every key
  not written with an unknown value, so `sc.get("privileged")` on an unknown security context
  is unknown, not missing.

Each unknown value is recorded as an unknown region (the keyword argument or dict entry that
holds it); findings inside one are dropped (`python_fixes.drop_unknown`), since a rule cannot
judge a value nobody knows. libcst is imported here only, and only when a .py file is linted.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable

import libcst as cst

from dockerlint.model import ParseError, SourceText, Span
from dockerlint.parse.python.scopes import MISSING, Scanner, Scope, offsets, scan
from dockerlint.parse.python.unknown import UNKNOWN, UNKNOWN_TAG, is_unknown, unknown_text
from dockerlint.parse.yaml import (
    BOOL_TAG,
    FLOAT_TAG,
    INT_TAG,
    MAP_TAG,
    NULL_TAG,
    SEQ_TAG,
    STR_TAG,
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
)

__all__ = [
    "UNKNOWN",
    "UNKNOWN_TAG",
    "PythonParseError",
    "PythonModel",
    "FieldOrigin",
    "MappingOrigin",
    "parse_python",
    "is_unknown",
    "k8s_name",
    "python_name",
]

MAX_FOLD_DEPTH = 40


class PythonParseError(ParseError):
    """The text is not valid Python. `line`/`column` are 1-based (None if unknown)."""


# ---- Kubernetes field names -----------------------------------------------------------------

_IRREGULAR = {
    "hostIpc": "hostIPC",
    "hostPid": "hostPID",
    "clusterIp": "clusterIP",
    "clusterIps": "clusterIPs",
    "externalIps": "externalIPs",
    "loadBalancerIp": "loadBalancerIP",
    "podIp": "podIP",
    "podIps": "podIPs",
    "hostIp": "hostIP",
    "targetCpuUtilizationPercentage": "targetCPUUtilizationPercentage",
}
_REGULAR = {v: k for k, v in _IRREGULAR.items()}
# maps whose keys are the user's own (labels, data): never renamed
FREE_FORM = frozenset({
    "labels", "annotations", "matchLabels", "nodeSelector", "data", "stringData", "binaryData",
    "limits", "requests", "capacity", "parameters", "hard",
})
# fields that hold an object: an unknown value there is an open mapping (see the module doc)
OBJECT_FIELDS = frozenset({
    "securityContext", "capabilities", "resources", "limits", "requests", "seccompProfile",
    "seLinuxOptions", "appArmorProfile", "windowsOptions", "metadata", "spec", "template",
    "jobTemplate", "os", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
    "valueFrom", "secretKeyRef", "configMapKeyRef", "hostPath", "emptyDir", "affinity",
    "dnsConfig", "strategy", "selector", "linuxParameters",
})


def k8s_name(name: str) -> str:
    """`security_context` -> `securityContext`, `host_pid` -> `hostPID`, `type_` -> `type`."""
    name = name.rstrip("_") or name
    if "_" in name:
        head, *rest = name.split("_")
        name = head + "".join(p[:1].upper() + p[1:] for p in rest)
    return _IRREGULAR.get(name, name)


def python_name(field_name: str, naming: str) -> str:
    """The spelling of a Kubernetes field in a program that uses `naming` ("snake"/"camel")."""
    if naming == "camel":
        return field_name
    name = _REGULAR.get(field_name, field_name)
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


# ---- origins: what the fixes need to edit the program ------------------------------------------


@dataclass(eq=False)
class MappingOrigin:
    """Where a synthesised mapping is written: a constructor call (keyword arguments) or a dict."""

    node: Any  # cst.Call | cst.Dict
    framework: str  # "pulumi", "cdk8s", "cdk8s-plus", "manifest" (verbatim dict), "ecs"
    naming: str  # "snake", "camel" or "auto" (as the program's dicts, Reader.dict_naming)
    callee: str = ""  # the call's callee source text ("k8s.core.v1.ContainerArgs"), "" for a dict
    spelling: dict[str, str] = field(default_factory=dict)  # field -> keyword, where not snake_case


@dataclass(eq=False)
class FieldOrigin:
    """Where one field's value is written: the cst.Arg / cst.DictElement and its value."""

    key: str  # the Kubernetes field name
    element: Any  # cst.Arg | cst.DictElement
    value: Any  # the value expression at the use site
    owner: Any  # the cst.Call / cst.Dict whose argument or element `element` is


# ---- the model ---------------------------------------------------------------------------------


class PythonModel(list):
    """The synthesised documents (a list of YamlDocument, like a manifest's model), plus what
    the EC rules and the fixes need: the libcst module, positions, origins, ECS containers."""

    def __init__(self, source: SourceText, module, reader: "Reader"):
        super().__init__()
        self.source = source
        self.module = module
        self.reader = reader
        self.ecs_containers: list = []  # python_ecs.EcsContainer
        self.ecs_task_definitions: list = []  # python_ecs.EcsTaskDefinition
        self.consumed_calls: set[int] = set()  # calls one reader took (cdk8s-plus add_container)
        self.document_frameworks: list[str] = []  # the framework of each document

    @property
    def documents(self) -> list[YamlDocument]:
        return list(self)

    @property
    def unknown_regions(self) -> list[tuple[int, int]]:
        return self.reader.unknown_regions

    def add_document(self, root: MappingNode, framework: str) -> None:
        self.append(YamlDocument(len(self), root, root.span))
        self.document_frameworks.append(framework)


class _OpenIndex(dict):
    """The key index of an open mapping (see the module doc): written keys as usual, every
    other key answers with an unknown value spanning `span` (the spread or the unknown value)."""

    def __init__(self, explicit, span: Span, text: str):
        super().__init__(explicit)
        self._span = span
        self._text = text
        self._made: dict[str, tuple] = {}

    def get(self, key, default=None):
        found = dict.get(self, key)
        if found is not None:
            return found
        made = self._made.get(key)
        if made is None:
            value = open_mapping(self._span, [], (self._span, self._text))
            made = self._made[key] = (ScalarNode(self._span, STR_TAG, key), value)
        return made

    def __contains__(self, key) -> bool:
        return True


def open_mapping(span: Span, pairs: list[tuple[Node, Node]], unknown: tuple[Span, str], tag: str = UNKNOWN_TAG) -> MappingNode:
    """A mapping whose keys beyond `pairs` are unknown (answered by an _OpenIndex with values
    spanning `unknown`: the span and source text of what may hold them)."""
    node = MappingNode(span, tag, pairs, True)
    explicit = {}
    for k, v in pairs:
        if type(k) is ScalarNode:
            explicit[k.value] = (k, v)
    node._index = _OpenIndex(explicit, *unknown)
    return node


def scalar(span: Span, value: Any) -> ScalarNode:
    """A scalar for a known Python value (as the YAML resolver would type it)."""
    if value is None:
        return ScalarNode(span, NULL_TAG, "null", None, None, None)
    if value is True or value is False:
        return ScalarNode(span, BOOL_TAG, "true" if value else "false", None, None, value)
    if isinstance(value, int):
        return ScalarNode(span, INT_TAG, str(value), None, None, value)
    if isinstance(value, float):
        return ScalarNode(span, FLOAT_TAG, repr(value), None, None, value)
    return ScalarNode(span, STR_TAG, str(value), '"', None, str(value))


def mapping(span: Span, pairs: list[tuple[Node, Node]]) -> MappingNode:
    return MappingNode(span, MAP_TAG, pairs, True)


def sequence(span: Span, items: list[Node]) -> SequenceNode:
    return SequenceNode(span, SEQ_TAG, items, True)


# A converter turns a recognised call (a framework's struct or helper) into a node, or returns
# None to leave it unknown: converter(reader, call, qualified name, scope, field) -> Node | None
Converter = Callable[["Reader", Any, str, Scope, str | None], "Node | None"]


class Reader:
    """Positions, name resolution and value folding over one parsed module."""

    def __init__(self, source: SourceText, module, positions, scanner: Scanner, bom: int):
        self.source = source
        self.module = module
        self.positions = positions
        self.imports = scanner.imports
        self.module_scope = scanner.module_scope
        self.calls = scanner.calls
        self.bom = bom
        self.converters: list[Converter] = []
        self.unknown_regions: list[tuple[int, int]] = []
        self.field_origins: dict[int, tuple[Node, FieldOrigin]] = {}
        self.mapping_origins: dict[int, tuple[MappingNode, MappingOrigin]] = {}
        self.key_votes = {"snake": 0, "camel": 0}  # how the program spells multi-word dict keys
        self._resolving: set[tuple[int, str]] = set()
        self._depth = 0

    # positions
    def offsets(self, node) -> tuple[int, int]:
        start, end = self.positions[node]
        return start + self.bom, end + self.bom

    def span(self, node) -> Span:
        return self.source.span(*self.offsets(node))

    def text(self, node) -> str:
        start, end = self.offsets(node)
        return self.source.text[start:end]

    # names
    def qualname(self, expr, scope: Scope | None = None) -> str | None:
        """`k8s.apps.v1.Deployment` -> `pulumi_kubernetes.apps.v1.Deployment` through the imports."""
        if isinstance(expr, cst.Name):
            return self.imports.get(expr.value)
        if isinstance(expr, cst.Attribute):
            base = self.qualname(expr.value, scope)
            return f"{base}.{expr.attr.value}" if base is not None else None
        return None

    def resolve(self, expr, scope: Scope):
        """Follow a name bound once to its value: (expression, scope); else (expr, scope)."""
        seen = 0
        while isinstance(expr, cst.Name) and seen < MAX_FOLD_DEPTH:
            found = scope.lookup(expr.value)
            if found is None or found is MISSING:
                break
            expr, scope = found
            seen += 1
        return expr, scope

    def resolve_receiver(self, expr, scope: Scope):
        """The expression an object-valued name or `self.<attr>` stands for, or None."""
        if isinstance(expr, cst.Name):
            found = scope.lookup(expr.value)
            if found is None or found is MISSING:
                return None
            value, value_scope = found
            return self.resolve_receiver(value, value_scope) or (value, value_scope)
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == "self":
            owner = scope.enclosing_class()
            values = owner.attributes.get(expr.attr.value) if owner is not None else None
            if values and len(values) == 1 and values[0] is not None:
                return values[0], owner
            return None
        if isinstance(expr, cst.Call):
            return expr, scope
        return None

    # folding
    def constant(self, expr, scope: Scope) -> Any:
        """A Python constant (str/int/float/bool/None) for `expr`, else UNKNOWN."""
        node = self.value(expr, scope, record=False)
        if type(node) is ScalarNode and node.tag != UNKNOWN_TAG:
            return node.py
        return UNKNOWN

    def unknown(self, expr, field_name: str | None = None, region=None, record: bool = True) -> Node:
        span = self.span(expr)
        text = self.text(expr)
        if record:
            self.unknown_regions.append(self.offsets(region if region is not None else expr))
        if field_name in OBJECT_FIELDS:
            return open_mapping(span, [], (span, text))
        return ScalarNode(span, UNKNOWN_TAG, unknown_text(text), None, None, UNKNOWN)

    def value(self, expr, scope: Scope, *, field_name: str | None = None, naming: str = "convert",
              region=None, record: bool = True) -> Node:
        """The node for a value expression. `naming`: "convert" renames snake_case dict keys to
        Kubernetes names (Pulumi), "verbatim" keeps them (raw manifests). `region`: the element
        holding the value, recorded when the value is unknown."""
        if self._depth > MAX_FOLD_DEPTH:
            return self.unknown(expr, field_name, region, record)
        self._depth += 1
        try:
            node = self._value(expr, scope, field_name, naming, region, record)
        finally:
            self._depth -= 1
        return node

    def _value(self, expr, scope, field_name, naming, region, record) -> Node:
        span = self.span(expr)
        if isinstance(expr, cst.Name):
            if expr.value in ("True", "False", "None"):
                return scalar(span, {"True": True, "False": False, "None": None}[expr.value])
            found = scope.lookup(expr.value)
            key = (id(scope), expr.value)
            if found is None or found is MISSING or key in self._resolving:
                return self.unknown(expr, field_name, region, record)
            bound, bound_scope = found
            self._resolving.add(key)
            try:
                node = self.value(bound, bound_scope, field_name=field_name, naming=naming,
                                  region=region if region is not None else expr, record=record)
            finally:
                self._resolving.discard(key)
            if type(node) is ScalarNode:
                # a constant reports where it is used
                return ScalarNode(span, node.tag, node.value, node.style, None, node.py)
            if type(node) is MappingNode and scope.is_mutated(expr.value) and node.tag != UNKNOWN_TAG:
                if record:  # keys added later (d["k"] = v, d.update(...)) are unknown
                    self.unknown_regions.append(self.offsets(region if region is not None else expr))
                return open_mapping(node.span, node.pairs, (span, self.text(expr)), node.tag)
            return node
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            text = self._string(expr, scope)
            if text is UNKNOWN:
                return self.unknown(expr, field_name, region, record)
            return scalar(span, text)
        if isinstance(expr, (cst.Integer, cst.Float)):
            return scalar(span, expr.evaluated_value)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            inner = self.constant(expr.expression, scope)
            if type(inner) in (int, float):
                return scalar(span, -inner if isinstance(expr.operator, cst.Minus) else inner)
            return self.unknown(expr, field_name, region, record)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.Add):
            left, right = self.constant(expr.left, scope), self.constant(expr.right, scope)
            if (type(left) is str and type(right) is str) or (type(left) in (int, float) and type(right) in (int, float)):
                return scalar(span, left + right)
            return self.unknown(expr, field_name, region, record)
        if isinstance(expr, cst.Dict):
            return self.dict_mapping(expr, scope, naming=naming, record=record)
        if isinstance(expr, (cst.List, cst.Tuple, cst.Set)):
            items: list[Node] = []
            for element in expr.elements:
                if isinstance(element, cst.StarredElement):
                    inner, inner_scope = self.resolve(element.value, scope)
                    if isinstance(inner, (cst.List, cst.Tuple)):
                        node = self.value(inner, inner_scope, field_name=field_name, naming=naming, record=record)
                        items.extend(node.items if type(node) is SequenceNode else [])
                    continue
                items.append(self.value(element.value, scope, field_name=field_name, naming=naming,
                                        region=element.value, record=record))
            return sequence(span, items)
        if isinstance(expr, cst.Call):
            qual = self.qualname(expr.func, scope)
            if qual == "dict" or (isinstance(expr.func, cst.Name) and expr.func.value == "dict" and qual is None):
                return self.call_mapping(expr, scope, framework="manifest", naming_mode=naming, record=record)
            for converter in self.converters:
                node = converter(self, expr, qual or "", scope, field_name)
                if node is not None:
                    return node
            return self.unknown(expr, field_name, region, record)
        if isinstance(expr, cst.Attribute):
            qual = self.qualname(expr, scope)
            for converter in self.converters:
                node = converter(self, expr, qual or "", scope, field_name)
                if node is not None:
                    return node
        return self.unknown(expr, field_name, region, record)

    def _string(self, expr, scope) -> Any:
        if isinstance(expr, cst.SimpleString):
            value = expr.evaluated_value
            return value if isinstance(value, str) else UNKNOWN
        if isinstance(expr, cst.ConcatenatedString):
            left, right = self._string(expr.left, scope), self._string(expr.right, scope)
            return left + right if type(left) is str and type(right) is str else UNKNOWN
        if "b" in expr.prefix.lower():
            return UNKNOWN
        out = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                if "\\" in part.value and "r" not in expr.prefix.lower():
                    return UNKNOWN
                out.append(part.value.replace("{{", "{").replace("}}", "}"))
                continue
            if part.conversion is not None or part.format_spec is not None:
                return UNKNOWN
            value = self.constant(part.expression, scope)
            if type(value) not in (str, int, float):
                return UNKNOWN
            out.append(str(value))
        return "".join(out)

    # collections
    def dict_mapping(self, expr, scope: Scope, *, naming: str = "convert", framework: str = "",
                     record: bool = True) -> MappingNode:
        """A dict literal; snake_case keys become Kubernetes names unless `naming` is verbatim."""
        pairs: list[tuple[Node, Node]] = []
        spread = None
        for element in expr.elements:
            if isinstance(element, cst.StarredDictElement):
                inner, inner_scope = self.resolve(element.value, scope)
                if isinstance(inner, cst.Dict):
                    node = self.dict_mapping(inner, inner_scope, naming=naming, framework=framework, record=record)
                    pairs.extend(node.pairs)
                    if node.tag == UNKNOWN_TAG:
                        spread = spread or element
                    continue
                spread = spread or element
                if record:
                    self.unknown_regions.append(self.offsets(element))
                continue
            key = self.constant(element.key, scope)
            if type(key) is not str:
                spread = spread or element  # a computed key may be any field
                if record:
                    self.unknown_regions.append(self.offsets(element))
                continue
            name = k8s_name(key) if naming == "convert" else key
            if naming == "convert":
                if "_" in key:
                    self.key_votes["snake"] += 1
                elif re.search(r"[a-z][A-Z]", key):
                    self.key_votes["camel"] += 1
            inner_naming = "verbatim" if name in FREE_FORM else naming
            key_node = scalar(self.span(element.key), name)
            value = self.value(element.value, scope, field_name=name, naming=inner_naming, region=element, record=record)
            self._origin(value, FieldOrigin(name, element, element.value, expr))
            pairs.append((key_node, value))
        span = self.span(expr)
        node = open_mapping(span, pairs, (self.span(spread), self.text(spread))) if spread is not None else mapping(span, pairs)
        self.mapping_origins[id(node)] = (node, MappingOrigin(expr, framework or "dict", "camel" if naming == "verbatim" else "auto"))
        return node

    def dict_naming(self) -> str:
        """How a key added to one of the program's dicts is spelled: as most multi-word keys of
        the program are (Pulumi takes both), camelCase when none is."""
        return "snake" if self.key_votes["snake"] > self.key_votes["camel"] else "camel"

    def call_mapping(self, call, scope: Scope, *, framework: str, renames: dict[str, str] | None = None,
                     naming_mode: str = "convert", skip: tuple[str, ...] = (), record: bool = True,
                     field_converters: dict[str, Callable] | None = None) -> MappingNode:
        """The keyword arguments of a struct's constructor as a mapping of Kubernetes fields.
        `renames` maps keyword names that are not plain snake_case of the field (cdk8s-plus);
        `field_converters` turn a keyword's value into a node their own way."""
        pairs: list[tuple[Node, Node]] = []
        spread = None
        for arg in call.args:
            if arg.star == "**":
                inner, inner_scope = self.resolve(arg.value, scope)
                if isinstance(inner, cst.Dict):
                    node = self.dict_mapping(inner, inner_scope, naming=naming_mode, record=record)
                    pairs.extend(node.pairs)
                    if node.tag == UNKNOWN_TAG:
                        spread = spread or arg
                    continue
                spread = spread or arg
                if record:
                    self.unknown_regions.append(self.offsets(arg))
                continue
            if arg.keyword is None or arg.star:
                continue
            keyword = arg.keyword.value
            if keyword in skip:
                continue
            name = (renames or {}).get(keyword) or k8s_name(keyword)
            inner_naming = "verbatim" if name in FREE_FORM else naming_mode
            converter = (field_converters or {}).get(keyword)
            if converter is not None:
                value = converter(self, arg.value, scope, arg)
                if value is None:
                    continue
            else:
                value = self.value(arg.value, scope, field_name=name, naming=inner_naming, region=arg, record=record)
            self._origin(value, FieldOrigin(name, arg, arg.value, call))
            pairs.append((scalar(self.span(arg.keyword), name), value))
        span = self.span(call)
        node = open_mapping(span, pairs, (self.span(spread), self.text(spread))) if spread is not None else mapping(span, pairs)
        spelling = {v: k for k, v in (renames or {}).items()}
        self.mapping_origins[id(node)] = (node, MappingOrigin(call, framework, "snake", self.text(call.func), spelling))
        return node

    def _origin(self, value: Node, origin: FieldOrigin) -> None:
        if id(value) not in self.field_origins:
            self.field_origins[id(value)] = (value, origin)


def parse_python(source: SourceText) -> PythonModel:
    """Parse a program and read its Kubernetes objects and ECS containers."""
    text = source.text
    bom = 1 if text.startswith("\ufeff") else 0
    code = text[bom:]
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as e:
        raise PythonParseError(e.message, e.raw_line, e.raw_column + 1) from None
    try:
        compile(code, source.path, "exec", dont_inherit=True)
    except SyntaxError as e:
        raise PythonParseError(e.msg, e.lineno, e.offset) from None
    except ValueError as e:  # e.g. NUL bytes
        raise PythonParseError(str(e)) from None
    reader = Reader(source, module, offsets(module), scan(module), bom)
    model = PythonModel(source, module, reader)

    from dockerlint.parse.python import ecs as python_ecs
    from dockerlint.parse.python import k8s as python_k8s

    python_k8s.read(reader, model)
    python_ecs.read(reader, model)
    return model


def python_comments(source: SourceText) -> list[tuple[int, int, str]]:
    """(line, column of '#', text after '#') of every comment, via tokenize (strings are not
    comments)."""
    import io
    import tokenize

    text = source.text.lstrip("\ufeff")
    out = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                out.append((tok.start[0], tok.start[1] + 1, tok.string[1:].strip()))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return out
