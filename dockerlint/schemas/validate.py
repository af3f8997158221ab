"""Validators compiled from compact schemas into closures, once per (schema set, type).

A compact schema is a table of named types plus type expressions (see
tools/build_k8s_schemas.py): a primitive name, "#<type>", ["list", T], ["map", T],
["enum", [values]], or a constrained {"t": T, "enum": [...], "pattern": "..."}. A named type
is {"f": {field: T}, "r": [required], "m": T (map values / extra fields), "u": true (unknown
fields kept: x-kubernetes-preserve-unknown-fields), "e": true (an embedded object: apiVersion,
kind and metadata allowed)}.

`Compiler.compile(expr)` returns `check(node, out, key)`: it appends `Issue`s to `out`; `key`
is the mapping key the value sits under (for messages and positions), or None. Objects compile
their fields lazily, on their first document, so only the types present cost anything. The
walk is over our YAML nodes directly (merge keys resolved), never over a converted dict.
"""
from __future__ import annotations

import re

from dockerlint.model import Span
from dockerlint.parse.yaml import (
    BOOL_TAG, FLOAT_TAG, INT_TAG, NULL_TAG, STR_TAG, MappingNode, Node, ScalarNode, SequenceNode,
)
from dockerlint.schemas.values import close_matches, is_base64, is_quantity, is_rfc3339

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Callable

TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_STRINGS = frozenset({STR_TAG, TIMESTAMP_TAG})  # Go's YAML decoder keeps timestamps as strings
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)


UNKNOWN, VALUE, REQUIRED, KIND, MISSING_CRD = "unknown", "value", "required", "kind", "missing-crd"


class Issue:
    """One schema problem. (A plain class: a dataclass costs milliseconds at import.)"""

    __slots__ = ("category", "span", "message", "key", "rename_to", "near")

    def __init__(self, category: str, span: Span, message: str, key: ScalarNode | None = None,
                 rename_to: str | None = None, near: tuple[str, ...] = ()):
        # what kind of problem (the rules pick theirs, `Rule.schema_issue`): UNKNOWN field,
        # bad VALUE, REQUIRED field missing, unknown KIND/apiVersion, MISSING_CRD
        self.category = category
        self.span = span
        self.message = message
        self.key = key  # an unknown key (for the rename fix)
        self.rename_to = rename_to  # the one close valid name, when the mapping does not use it yet
        self.near = near  # the close valid names

    def __repr__(self) -> str:
        return f"Issue({self.category}, {self.span.line}:{self.span.col}, {self.message!r})"


if TYPE_CHECKING:
    Check = Callable[[Node, list, "ScalarNode | None"], None]

_TAG_WORDS = {STR_TAG: "string", TIMESTAMP_TAG: "string", INT_TAG: "integer", FLOAT_TAG: "number",
              BOOL_TAG: "boolean", NULL_TAG: "null"}


def describe(node: Node) -> str:
    t = type(node)
    if t is MappingNode:
        return "a mapping"
    if t is SequenceNode:
        return "a list"
    word = _TAG_WORDS.get(node.tag, "a value")
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f'{word} "{shown}"' if word != "null" else "null"


def templated(value: str) -> bool:
    """A value a template engine fills in later (Helm, envsubst, Replicated): its form is not
    checked, only its type."""
    return "{{" in value or "${" in value


def _is_null(node: Node) -> bool:
    return type(node) is ScalarNode and node.tag == NULL_TAG


def _name(key: ScalarNode | None) -> str:
    return key.value if key is not None else "value"


def _at(node: Node, key: ScalarNode | None) -> Span:
    """Where to report a wrong value: the scalar itself, or the key of a collection."""
    if type(node) is ScalarNode or key is None:
        return node.span
    return key.span


class Compiler:
    """Compiles the type expressions of one schema set (one Kubernetes version, one CRD
    version, the Compose spec). Compiled checks are memoised per expression."""

    def __init__(self, types: dict, code_for: dict | None = None, nullable: bool = True):
        self.types = types
        # Kubernetes decodes null as "unset" for every field; the Compose schema allows null
        # only where it says so
        self.null_tag = NULL_TAG if nullable else "<null not allowed>"
        self._cache: dict[str, Check] = {}
        codes = {"unknown": UNKNOWN, "value": VALUE, "required": REQUIRED}
        codes.update(code_for or {})
        self.unknown_code, self.value_code, self.required_code = codes["unknown"], codes["value"], codes["required"]

    def compile(self, expr) -> Check:
        cache_key = expr if isinstance(expr, str) else repr(expr)
        check = self._cache.get(cache_key)
        if check is None:
            check = self._build(expr)
            self._cache[cache_key] = check
        return check

    # ---- builders -------------------------------------------------------------------------
    def _build(self, expr) -> Check:
        if isinstance(expr, str):
            if expr.startswith("#"):
                return self._object(expr[1:])
            return self._primitive(expr)
        if isinstance(expr, dict):
            if "one" in expr:
                return self._one_of(expr["one"])
            return self._constrained(expr)
        head = expr[0]
        if head == "list":
            return self._list(expr[1])
        if head == "map":
            return self._map(expr[1])
        if head == "enum":
            return self._constrained({"t": "string", "enum": expr[1]})
        raise ValueError(f"unknown schema expression {expr!r}")

    def _mismatch(self, expected: str) -> Check:
        code = self.value_code

        def check(node, out, key):
            if not (type(node) is ScalarNode and node.tag == self.null_tag):
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected {expected}, got {describe(node)}"))
        return check

    def _primitive(self, name: str) -> Check:
        code = self.value_code
        if name == "any":
            return lambda node, out, key: None
        if name == "null":
            return self._scalar_tags(frozenset({NULL_TAG}), "null")
        if name == "object":
            mismatch = self._mismatch("a mapping")

            def check_object(node, out, key):
                if type(node) is not MappingNode:
                    mismatch(node, out, key)
            return check_object
        if name in ("string", "byte", "date-time"):
            extra = {"byte": (is_base64, "is not valid base64"),
                     "date-time": (is_rfc3339, "is not an RFC 3339 date-time (2024-01-31T12:00:00Z)")}.get(name)
            expected = {"string": "a string", "byte": "a base64 string", "date-time": "an RFC 3339 date-time string"}[name]

            def check_string(node, out, key):
                if type(node) is ScalarNode:
                    tag = node.tag
                    if tag in _STRINGS:
                        if extra is not None and node.value and not extra[0](node.value) and not templated(node.value):
                            out.append(Issue(code, node.span, f'{_name(key)}: "{node.value}" {extra[1]}'))
                        return
                    if tag == self.null_tag:
                        return
                    hint = " (quote it)" if tag in (INT_TAG, FLOAT_TAG, BOOL_TAG) else ""
                    out.append(Issue(code, node.span, f"{_name(key)}: expected {expected}, got {describe(node)}{hint}"))
                    return
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected {expected}, got {describe(node)}"))
            return check_string
        if name in ("integer", "int32", "int64"):
            low, high = _INT32 if name == "int32" else _INT64

            def check_int(node, out, key):
                if type(node) is ScalarNode:
                    tag = node.tag
                    if tag == INT_TAG or (tag == FLOAT_TAG and isinstance(node.py, float) and node.py.is_integer()):
                        value = node.py
                        if isinstance(value, (int, float)) and not low <= value <= high:
                            out.append(Issue(code, node.span, f"{_name(key)}: {node.value} is out of range for a {name}"))
                        return
                    if tag == self.null_tag:
                        return
                    hint = " (remove the quotes)" if tag == STR_TAG and re.fullmatch(r"[+-]?[0-9]+", node.value.strip()) else ""
                    out.append(Issue(code, node.span, f"{_name(key)}: expected an integer, got {describe(node)}{hint}"))
                    return
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected an integer, got {describe(node)}"))
            return check_int
        if name == "number":
            return self._scalar_tags(frozenset({INT_TAG, FLOAT_TAG}), "a number")
        if name == "boolean":
            return self._scalar_tags(frozenset({BOOL_TAG}), "true or false")
        if name == "int-or-string":
            return self._scalar_tags(_STRINGS | {INT_TAG}, "an integer or a string")
        if name == "quantity":
            def check_quantity(node, out, key):
                if type(node) is ScalarNode:
                    tag = node.tag
                    if tag in (INT_TAG, FLOAT_TAG) or tag == self.null_tag:
                        return
                    if tag in _STRINGS:
                        if not is_quantity(node.value) and not templated(node.value):
                            out.append(Issue(code, node.span, f'{_name(key)}: "{node.value}" is not a Kubernetes quantity '
                                             "(a number with an optional suffix: 500m, 128Mi, 1G, 2)"))
                        return
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected a quantity (500m, 128Mi, 1G), got {describe(node)}"))
            return check_quantity
        raise ValueError(f"unknown primitive {name!r}")

    def _scalar_tags(self, tags: frozenset, expected: str) -> Check:
        code = self.value_code

        def check(node, out, key):
            if type(node) is ScalarNode and (node.tag in tags or node.tag == self.null_tag):
                return
            out.append(Issue(code, _at(node, key), f"{_name(key)}: expected {expected}, got {describe(node)}"))
        return check

    def _constrained(self, spec: dict) -> Check:
        base = self.compile(spec.get("t", "any"))
        allowed = spec.get("enum")
        pattern = re.compile(spec["pattern"]) if spec.get("pattern") else None
        code = self.value_code
        shown = ", ".join(str(v) for v in allowed) if allowed else ""
        allowed_set = set(allowed or ())

        def check(node, out, key):
            before = len(out)
            base(node, out, key)
            if len(out) != before or type(node) is not ScalarNode or node.tag == self.null_tag or templated(node.value):
                return
            value = node.py if node.tag not in _STRINGS else node.value
            if allowed is not None and value not in allowed_set and value != "":
                near = close_matches(str(value), [str(a) for a in allowed])
                hint = f'; did you mean "{near[0]}"?' if near else ""
                out.append(Issue(code, node.span, f'{_name(key)}: "{node.value}" is not allowed (allowed: {shown}){hint}'))
            elif pattern is not None and isinstance(value, str) and not pattern.search(value):
                out.append(Issue(code, node.span, f'{_name(key)}: "{node.value}" does not match the pattern {pattern.pattern}'))
        return check

    def _one_of(self, alternatives: list) -> Check:
        """oneOf / a list of types: valid when one alternative is. Otherwise the issues of the
        alternative of the node's own shape (a mapping's unknown keys, a scalar's enum), or a
        mismatch naming the shapes expected."""
        code = self.value_code
        checks: list = []
        shapes = [_shape(a, self.types) for a in alternatives]
        expected = " or ".join(dict.fromkeys(_SHAPE_WORDS[s] for s in shapes))

        def check(node, out, key):
            if not checks:
                checks.extend(self.compile(a) for a in alternatives)
            shape = _node_shape(node)
            best = None
            for alt, alt_shape in zip(checks, shapes):
                if shape != "null" and alt_shape not in (shape, "any"):
                    continue
                trial: list = []
                alt(node, trial, key)
                if not trial:
                    return
                if best is None or (alt_shape == shape and len(trial) < len(best)):
                    best = trial
            if best is not None and shape != "scalar":
                out.extend(best)
            elif best is not None and len(best) == 1:
                out.extend(best)
            else:
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected {expected}, got {describe(node)}"))
        return check

    def _list(self, item_expr) -> Check:
        code = self.value_code
        item_check: list[Check] = []

        def check(node, out, key):
            if type(node) is SequenceNode:
                if not item_check:
                    item_check.append(self.compile(item_expr))
                item = item_check[0]
                for child in node.items:
                    item(child, out, key)
            elif not (type(node) is ScalarNode and node.tag == self.null_tag):
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected a list, got {describe(node)}"))
        return check

    def _map(self, value_expr) -> Check:
        code = self.value_code
        value_check: list[Check] = []

        def check(node, out, key):
            if type(node) is MappingNode:
                if not value_check:
                    value_check.append(self.compile(value_expr))
                inner = value_check[0]
                for k, v in node.items():
                    inner(v, out, k)
            elif not (type(node) is ScalarNode and node.tag == self.null_tag):
                out.append(Issue(code, _at(node, key), f"{_name(key)}: expected a mapping, got {describe(node)}"))
        return check

    def _object(self, name: str) -> Check:
        spec = self.types[name]
        label = spec.get("label") or name.rsplit(".", 1)[-1]
        required = tuple(spec.get("r", ()))
        keep_unknown = bool(spec.get("u"))
        embedded = bool(spec.get("e"))
        state: dict = {}
        unknown_code, value_code, required_code = self.unknown_code, self.value_code, self.required_code

        def compiled():
            fields = {k: self.compile(e) for k, e in (spec.get("f") or {}).items()}
            if embedded:
                any_check = self._primitive("any")
                for k in ("apiVersion", "kind", "metadata"):
                    fields.setdefault(k, any_check)
            extra = self.compile(spec["m"]) if "m" in spec else None
            patterns = [(re.compile(p), self.compile(e)) for p, e in spec.get("p", ())]
            state["fields"], state["extra"], state["patterns"] = fields, extra, patterns
            return fields, extra

        def check(node, out, key):
            if type(node) is not MappingNode:
                if not (type(node) is ScalarNode and node.tag == self.null_tag):
                    out.append(Issue(value_code, _at(node, key), f"{_name(key)}: expected a mapping ({label}), got {describe(node)}"))
                return
            fields = state.get("fields")
            extra = state.get("extra")
            if fields is None:
                fields, extra = compiled()
            misspelt = None
            # the pairs as written (cheaper than the merged index); with merge keys, the
            # merged view, as Kubernetes and Compose see it
            pairs = node.items() if node.has_merge else node.pairs
            present = {} if required else None
            for k, v in pairs:
                if type(k) is not ScalarNode:
                    continue
                name = k.value
                if present is not None:
                    present[name] = (k, v)
                field_check = fields.get(name)
                if field_check is not None:
                    field_check(v, out, k)
                elif extra is not None:
                    extra(v, out, k)
                elif state["patterns"] and _by_pattern(state["patterns"], k, v, out):
                    pass
                elif not keep_unknown and not name.startswith("$"):  # $patch: strategic-merge directives
                    issue = unknown_field(unknown_code, k, fields, node, label, v)
                    out.append(issue)
                    if issue.near:
                        misspelt = (misspelt or set()) | set(issue.near)
            for field in required:
                if misspelt and field in misspelt:
                    continue  # `contianers:` is one problem, said by the unknown field
                pair = present.get(field)
                if pair is None or _is_null(pair[1]):
                    span = pair[0].span if pair is not None else _missing_span(node, key)
                    out.append(Issue(required_code, span, f'{label} is missing the required field "{field}"'))
        return check


_SHAPE_WORDS = {"mapping": "a mapping", "list": "a list", "scalar": "a scalar", "null": "null", "any": "anything"}
_SCALAR_PRIMITIVES = {"string", "integer", "int32", "int64", "number", "boolean", "int-or-string", "quantity",
                      "date-time", "byte"}


def _shape(expr, types) -> str:
    if isinstance(expr, str):
        if expr.startswith("#") or expr == "object":
            return "mapping"
        if expr == "null":
            return "null"
        return "scalar" if expr in _SCALAR_PRIMITIVES else "any"
    if isinstance(expr, dict):
        if "one" in expr:
            shapes = {_shape(a, types) for a in expr["one"]}
            return shapes.pop() if len(shapes) == 1 else "any"
        return _shape(expr.get("t", "any"), types)
    return {"list": "list", "map": "mapping", "enum": "scalar"}.get(expr[0], "any")


def _node_shape(node: Node) -> str:
    t = type(node)
    if t is MappingNode:
        return "mapping"
    if t is SequenceNode:
        return "list"
    return "null" if node.tag == NULL_TAG else "scalar"


def unknown_field(code: str, key: ScalarNode, fields: dict, node: MappingNode, label: str, value: Node | None = None) -> Issue:
    """An unknown key, with the valid names within two edits whose type accepts its value
    (`pre_start:` holding a list of hooks is no typo of `restart:`)."""
    near = close_matches(key.value, fields)
    if value is not None and near:
        near = [name for name in near if _fits(fields[name], value, key)]
    message = f'unknown field "{key.value}" in {label}'
    rename = None
    if near:
        message += "; did you mean " + " or ".join(f'"{n}"' for n in near[:3]) + "?"
        if len(near) == 1 and near[0] not in node:
            rename = near[0]
    return Issue(code, key.span, message, key=key, rename_to=rename, near=tuple(near))


def _fits(check, value: Node, key: ScalarNode) -> bool:
    """Does `value` have the shape the field expects? (Problems deeper inside do not count.)"""
    trial: list = []
    check(value, trial, key)
    at = _at(value, key)
    return not any(issue.span == at and issue.category != UNKNOWN for issue in trial)


def _by_pattern(patterns, key: ScalarNode, value: Node, out: list) -> bool:
    for regex, check in patterns:
        if regex.search(key.value):
            check(value, out, key)
            return True
    return False


def _missing_span(node: MappingNode, key: ScalarNode | None) -> Span:
    if key is not None and key.span.line == node.span.line:
        return key.span  # a flow mapping on the key's line
    if node.pairs:
        first = node.pairs[0][0]
        return first.span
    return key.span if key is not None else node.span
