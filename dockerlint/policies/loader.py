"""Read `custom-rules` files into a `PolicySet`.

A file is YAML, one or more documents:

- a document with `rules:` holds native rules (see `native.py` for the fields);
- `ValidatingAdmissionPolicy` and `ValidatingAdmissionPolicyBinding` manifests
  (admissionregistration.k8s.io v1, v1beta1 or v1alpha1) are admission policies for KS900;
- any other Kubernetes object is a candidate param object for a binding's `paramRef`.

Every CEL expression is compiled when the file is loaded, so a bad expression, an unknown field
or a wrong type is a config error naming the file, line and column, never a traceback at lint
time. Loaded sets are cached by (path, size, mtime): the language server re-reads configs often.
"""
from __future__ import annotations

import glob
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from dockerlint.config import ConfigError
from dockerlint.model import FileKind, Severity, SourceText
from dockerlint.parse.yaml import MappingNode, Node, ScalarNode, SequenceNode, YamlParseError, load_documents, to_python

CODE = re.compile(r"^X[A-Z]*\d{1,6}$")
NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KINDS = {"kubernetes": FileKind.KUBERNETES, "compose": FileKind.COMPOSE, "dockerfile": FileKind.DOCKERFILE}
VARIABLES = {
    FileKind.KUBERNETES: ("object",),
    FileKind.COMPOSE: ("service", "name"),
    FileKind.DOCKERFILE: ("instruction", "stage"),
}
ADMISSION_VARIABLES = ("object", "oldObject", "request", "params", "namespaceObject", "variables")
RULE_FIELDS = {"code", "name", "kinds", "severity", "message", "match", "assert", "description", "why", "fix"}
ADMISSION_GROUP = re.compile(r"^admissionregistration\.k8s\.io/(v1|v1beta1|v1alpha1)$")


@dataclass
class Expr:
    """A compiled CEL expression and where it is written (for messages)."""

    source: str
    program: Any
    where: str  # "file:line:col"


@dataclass
class Template:
    """A message with `{expression}` parts: literal text and compiled expressions, in order."""

    parts: list  # str | Expr


@dataclass
class NativeRuleSpec:
    """A custom rule of a policy file, before it becomes a Rule class."""

    code: str
    name: str
    kinds: frozenset
    severity: Severity
    message: Template
    assertion: Expr
    match: Expr | None
    description: str
    why: str
    fix_set: dict[str, Any]
    fix_remove: list[str]
    where: str

    @property
    def null_variables(self) -> dict:
        return {name: None for kind in self.kinds for name in VARIABLES[kind]}


@dataclass
class AdmissionPolicy:
    """A ValidatingAdmissionPolicy of a policy file, its expressions compiled."""

    name: str
    spec: dict
    node: MappingNode
    where: str
    match_conditions: list[tuple[str, Expr]] = field(default_factory=list)
    variables: list[tuple[str, Expr]] = field(default_factory=list)
    validations: list[dict] = field(default_factory=list)  # {"expression": Expr, "message": str|None, "messageExpression": Expr|None}


@dataclass
class Binding:
    """A ValidatingAdmissionPolicyBinding of a policy file."""

    name: str
    policy: str
    spec: dict
    where: str


@dataclass
class PolicySet:
    """Everything the configured policy files define."""

    files: tuple[str, ...]
    native: tuple = ()  # Rule subclasses (see native.py)
    policies: tuple[AdmissionPolicy, ...] = ()
    bindings: tuple[Binding, ...] = ()
    params: tuple[dict, ...] = ()  # other Kubernetes objects of the rule files

    def selected(self, kind: FileKind, select, ignore) -> tuple:
        from dockerlint import ruleset

        wanted = {kind, FileKind.KUBERNETES} if kind is FileKind.PYTHON else {kind}
        return tuple(r for r in self.native if r.kinds & wanted and ruleset.rule_selected(r, list(select), list(ignore)))


_CACHE: dict[tuple, PolicySet] = {}


def loaded_names() -> set[str]:
    """Names of the custom rules loaded so far, so selectors in config may use them."""
    return {r.name for ps in _CACHE.values() for r in ps.native}


def load(patterns: list[str], base_dir: str, config_path: str) -> PolicySet:
    """The rule files matching `patterns` (relative to the config's directory), loaded."""
    files: list[str] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else os.path.join(base_dir, pattern)
        matched = sorted(glob.glob(full, recursive=True))
        if not matched and not glob.has_magic(pattern):
            raise ConfigError(f"`custom-rules`: no such file {pattern!r}", config_path)
        files += [m for m in matched if os.path.isfile(m)]
    if not files:
        return PolicySet(())
    from dockerlint.policies.cel_runtime import CelUnavailable, cel_module

    try:
        cel_module()
    except CelUnavailable as e:
        raise ConfigError(f"`custom-rules`: {e}", config_path) from None
    key = tuple((f, *_stamp(f)) for f in dict.fromkeys(files))
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    result = _load_files([k[0] for k in key])
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = result
    return result


def _stamp(path: str) -> tuple:
    try:
        st = os.stat(path)
        return st.st_size, st.st_mtime_ns
    except OSError:
        return (None, None)


def _load_files(files: list[str]) -> PolicySet:
    from dockerlint.policies.native import make_rule

    native, policies, bindings, params = [], [], [], []
    codes: dict[str, str] = {}
    for path in files:
        reader = _Reader(path)
        for kind, item in reader.read():
            if kind == "rule":
                if item.code in codes:
                    raise ConfigError(f"rule code {item.code} is already defined at {codes[item.code]}", item.where)
                codes[item.code] = item.where
                native.append(make_rule(item))
            elif kind == "policy":
                policies.append(item)
            elif kind == "binding":
                bindings.append(item)
            else:
                params.append(item)
    _check_names(native)
    return PolicySet(tuple(files), tuple(native), tuple(policies), tuple(bindings), tuple(params))


def _check_names(native) -> None:
    from dockerlint import ruleset

    seen: dict[str, str] = {}
    for rule in native:
        if ruleset.lookup(rule.name) is not None:
            raise ConfigError(f"rule name {rule.name!r} is the name of a built-in rule", rule.where)
        if rule.name in seen:
            raise ConfigError(f"rule name {rule.name!r} is already used at {seen[rule.name]}", rule.where)
        seen[rule.name] = rule.where


class _Reader:
    def __init__(self, path: str):
        self.path = path

    def at(self, node: Node | None, column_offset: int = 0) -> str:
        if node is None:
            return self.path
        return f"{self.path}:{node.span.line}:{node.span.col + column_offset}"

    def error(self, node: Node | None, problem: str) -> NoReturn:
        raise ConfigError(problem, self.at(node))

    def read(self):
        try:
            text = Path(self.path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError(f"cannot read custom rules: {e}", self.path) from None
        try:
            documents = load_documents(SourceText(text, self.path))
        except YamlParseError as e:
            where = f"{self.path}:{e.line}:{e.column}" if e.line else self.path
            raise ConfigError(f"invalid YAML: {e.message if hasattr(e, 'message') else e}", where) from None
        for doc in documents:
            root = doc.root
            if root is None:
                continue
            if type(root) is not MappingNode:
                self.error(root, "expected a mapping with `rules:`, or a Kubernetes object")
            if "apiVersion" in root and "kind" in root:
                yield from self._kubernetes(root)
            elif "rules" in root:
                unknown = [k for k in root.keys() if k != "rules"]
                if unknown:
                    self.error(root.key_node(unknown[0]), f"unknown key `{unknown[0]}` (a rule file holds `rules:`)")
                rules = root.get("rules")
                if type(rules) is not SequenceNode:
                    self.error(rules, "`rules` must be a list of rules")
                for item in rules.items:
                    yield "rule", self._native(item)
            else:
                self.error(root, "expected `rules:` (native rules) or a Kubernetes object (`apiVersion`, `kind`)")

    # ---- native rules ------------------------------------------------------------------------

    def _str(self, mapping: MappingNode, key: str, required: bool = True) -> str | None:
        node = mapping.get(key)
        if node is None:
            if required:
                self.error(mapping, f"rule lacks `{key}`")
            return None
        if type(node) is not ScalarNode or node.is_null or not isinstance(node.py, (str, int, float)) or isinstance(node.py, bool):
            self.error(node, f"`{key}` must be a string")
        return node.value

    def _optional_str(self, mapping: MappingNode, key: str) -> str | None:
        """`_str` of a field the API lets be absent or null (a validation's `message`, `reason`):
        a list or a mapping there is an error, not a message of None."""
        node = mapping.get(key)
        if node is None or (type(node) is ScalarNode and node.is_null):
            return None
        return self._str(mapping, key)

    def _native(self, node: Node) -> NativeRuleSpec:
        if type(node) is not MappingNode:
            self.error(node, "a rule must be a mapping (code, name, kinds, message, assert, ...)")
        for key in node.keys():
            if key not in RULE_FIELDS:
                self.error(node.key_node(key), f"unknown rule field `{key}` (known: {', '.join(sorted(RULE_FIELDS))})")
        code = self._str(node, "code")
        if not CODE.match(code):
            self.error(node.get("code"), f"custom rule codes start with X and end in digits (X001, XACME12), got {code!r}")
        name = self._str(node, "name")
        if not NAME.match(name):
            self.error(node.get("name"), f"rule names are kebab-case (no-latest-images), got {name!r}")
        kinds_node = node.get("kinds")
        if type(kinds_node) is not SequenceNode or not kinds_node.items:
            self.error(kinds_node or node, f"`kinds` must be a list of {', '.join(KINDS)}")
        kinds = []
        for item in kinds_node.items:
            if type(item) is not ScalarNode or item.value not in KINDS:
                self.error(item, f"unknown kind {getattr(item, 'value', '?')!r} (expected one of {', '.join(KINDS)})")
            kinds.append(KINDS[item.value])
        severity = Severity.WARNING
        if node.get("severity") is not None:
            try:
                severity = Severity.parse(self._str(node, "severity"))
            except ValueError as e:
                self.error(node.get("severity"), str(e))
        variables = tuple(sorted({v for k in kinds for v in VARIABLES[k]}))
        assertion = self.expr(node, "assert", variables)
        match = self.expr(node, "match", variables, required=False)
        message = self.template(node.get("message"), variables) if node.get("message") is not None else self.error(node, "rule lacks `message`")
        fix_set, fix_remove = self._fix(node.get("fix"), kinds)
        return NativeRuleSpec(code, name, frozenset(kinds), severity, message, assertion, match,
                              self._str(node, "description", False) or "", self._str(node, "why", False) or "",
                              fix_set, fix_remove, self.at(node.get("code")))

    def _fix(self, node: Node | None, kinds: list) -> tuple[dict, list]:
        if node is None:
            return {}, []
        if type(node) is not MappingNode or not node.keys() or set(node.keys()) - {"set", "remove"}:
            self.error(node, "`fix` holds `set:` (a mapping of dotted field paths to values) and/or `remove:` (a list of dotted paths)")
        if FileKind.DOCKERFILE in kinds:
            self.error(node, "`fix` edits YAML fields: it is for kubernetes and compose rules only")
        fix_set: dict[str, Any] = {}
        fix_remove: list[str] = []
        set_node = node.get("set")
        if set_node is not None:
            if type(set_node) is not MappingNode:
                self.error(set_node, "`fix.set` must map dotted field paths to values")
            for key_node, _value in set_node.pairs:
                if type(key_node) is not ScalarNode:  # (items() leaves such keys out: the entry was lost)
                    self.error(key_node, "`fix.set` keys are dotted field paths (text), not lists or mappings")
            for key_node, value in set_node.items():
                if type(value) is not ScalarNode:
                    self.error(value, "`fix.set` values are scalars (a string, number, boolean or null)")
                fix_set[key_node.value] = value.py
        remove = node.get("remove")
        if remove is not None:
            if type(remove) is not SequenceNode or not all(type(i) is ScalarNode for i in remove.items):
                self.error(remove, "`fix.remove` must be a list of dotted field paths")
            fix_remove = [i.value for i in remove.items]
        for path in [*fix_set, *fix_remove]:
            if not re.fullmatch(r"[A-Za-z0-9_./-]+(\.[A-Za-z0-9_./-]+)*", path) or ".." in path:
                self.error(set_node if path in fix_set else remove, f"bad field path {path!r} (dotted keys: spec.template.spec.hostNetwork)")
        return fix_set, fix_remove

    # ---- expressions ---------------------------------------------------------------------------

    def expr(self, mapping: MappingNode, key: str, variables: tuple[str, ...], required: bool = True) -> Expr | None:
        node = mapping.get(key)
        if node is None:
            if required:
                self.error(mapping, f"lacks `{key}` (a CEL expression)")
            return None
        if type(node) is not ScalarNode or node.is_null or not node.value.strip():
            self.error(node, f"`{key}` must be a CEL expression (a string)")
        return self.compile(node, node.value, variables)

    def compile(self, node: ScalarNode, source: str, variables: tuple[str, ...], offset: int = 0) -> Expr:
        from dockerlint.policies.cel_runtime import CelCompileError, compile_expression

        try:
            return Expr(source, compile_expression(source, variables), self.at(node))
        except CelCompileError as e:
            raise ConfigError(f"CEL: {e.message}", self._position(node, e.line, e.column, offset)) from None

    def _position(self, node: ScalarNode, line: int | None, column: int | None, offset: int = 0) -> str:
        """file:line:col of a position inside an expression written in `node`."""
        if line is None:
            return self.at(node)
        if node.style in ("|", ">"):
            return f"{self.path}:{node.span.line + line}"
        quote = 1 if node.style in ("'", '"') else 0
        if line == 1:
            return f"{self.path}:{node.span.line}:{node.span.col + quote + offset + (column or 1) - 1}"
        return f"{self.path}:{node.span.line + line - 1}"

    def template(self, node: Node, variables: tuple[str, ...]) -> Template:
        if type(node) is not ScalarNode or node.is_null:
            self.error(node, "`message` must be a string")
        text = node.value
        parts: list = []
        i = 0
        literal = ""
        while i < len(text):
            c = text[i]
            if c == "{" and text.startswith("{{", i):
                literal += "{"; i += 2
            elif c == "}" and text.startswith("}}", i):
                literal += "}"; i += 2
            elif c == "{":
                end = _closing_brace(text, i)
                if end < 0:
                    self.error(node, f"`message`: unclosed `{{` at character {i + 1}")
                if literal:
                    parts.append(literal); literal = ""
                parts.append(self.compile(node, text[i + 1:end], variables, i + 1))
                i = end + 1
            elif c == "}":
                self.error(node, f"`message`: unmatched `}}` at character {i + 1} (write `}}}}` for a brace)")
            else:
                literal += c; i += 1
        if literal:
            parts.append(literal)
        return Template(parts)

    # ---- Kubernetes objects --------------------------------------------------------------------

    def _kubernetes(self, root: MappingNode):
        kind = root.str("kind")
        api = root.str("apiVersion") or ""
        if kind in ("ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"):
            if not ADMISSION_GROUP.match(api):
                self.error(root.get("apiVersion"), f"{kind} must be admissionregistration.k8s.io/v1 (or v1beta1, v1alpha1), got {api!r}")
            name = root.get_in("metadata", "name")
            if type(name) is not ScalarNode or not name.value:
                self.error(root, f"{kind} lacks `metadata.name`")
            spec = root.get("spec")
            if type(spec) is not MappingNode:
                self.error(spec or root, f"{kind} lacks `spec`")
            if kind == "ValidatingAdmissionPolicy":
                yield "policy", self._policy(name.value, root, spec)
            else:
                policy = spec.get("policyName")
                if type(policy) is not ScalarNode or not policy.value:
                    self.error(spec, "binding lacks `spec.policyName`")
                yield "binding", Binding(name.value, policy.value, to_python(spec), self.at(root))
        else:
            yield "param", to_python(root)

    def _policy(self, name: str, root: MappingNode, spec: MappingNode) -> AdmissionPolicy:
        policy = AdmissionPolicy(name, to_python(spec), root, self.at(root))
        variables = ADMISSION_VARIABLES
        for section, target in (("matchConditions", policy.match_conditions), ("variables", policy.variables)):
            items = spec.get(section)
            if items is None:
                continue
            if type(items) is not SequenceNode:
                self.error(items, f"`spec.{section}` must be a list")
            for item in items.items:
                if type(item) is not MappingNode or item.str("name") is None:
                    self.error(item, f"each of `spec.{section}` needs `name` and `expression`")
                target.append((item.str("name"), self.expr(item, "expression", variables)))
        validations = spec.get("validations")
        if validations is not None and type(validations) is not SequenceNode:
            self.error(validations, "`spec.validations` must be a list")
        for item in (validations.items if validations is not None else []):
            if type(item) is not MappingNode:
                self.error(item, "each validation needs `expression`")
            known = {"expression", "message", "messageExpression", "reason"}
            for key in item.keys():
                if key not in known:
                    self.error(item.key_node(key), f"unknown validation field `{key}` (known: {', '.join(sorted(known))})")
            policy.validations.append({
                "expression": self.expr(item, "expression", variables),
                "message": self._optional_str(item, "message"),
                "messageExpression": self.expr(item, "messageExpression", variables, required=False),
                "reason": self._optional_str(item, "reason"),
            })
        if not policy.validations:
            self.error(spec, "a ValidatingAdmissionPolicy without `validations` checks nothing (auditAnnotations alone are not evaluated offline)")
        return policy


def _closing_brace(text: str, start: int) -> int:
    """The `}` that closes the `{` at `start`, skipping braces inside CEL strings and maps."""
    depth, i, quote = 0, start, None
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\":
                i += 2
                continue
            if c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1
