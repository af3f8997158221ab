"""Scopes, imports and positions of a libcst module, for the Python IaC reader.

- `scan(module)` walks the tree once (our own walk over the nodes' fields: libcst's visitor
  rebuilds every node it passes, which costs more than the rest of linting a program) and
  records the imports, what each name is bound to in each scope (module, function, class;
  several bindings, parameters and loop variables make a name unknown), which dicts and lists
  are mutated after their binding, `self.<attr> = value` per class, and every call with the
  scope it is made in.
- `offsets(module)` gives each node's [start, end) character offsets in the code, the ranges
  libcst's PositionProvider gives, from one code generation that counts characters instead of
  splitting every token into lines.
"""
from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

__all__ = ["Scope", "Scanner", "MISSING", "scan", "offsets", "dotted"]

_MUTATORS = frozenset({"append", "extend", "insert", "update", "setdefault", "pop", "remove", "clear"})
MISSING: Any = object()


@dataclass(eq=False)
class Scope:
    """A module, function or class scope of a Python program: what its names are bound to."""

    kind: str  # "module", "function", "class"
    parent: "Scope | None"
    bindings: dict[str, list] = field(default_factory=dict)  # name -> bound values (None: unknown)
    mutated: set[str] = field(default_factory=set)
    attributes: dict[str, list] = field(default_factory=dict)  # class scopes: self.<attr> = value

    def bind(self, name: str, value) -> None:
        self.bindings.setdefault(name, []).append(value)

    def lookup(self, name: str):
        """(value expression, its scope) when `name` is bound exactly once to a value; None when
        bound otherwise (parameters, loops, several assignments); MISSING when not bound."""
        scope: Scope | None = self
        while scope is not None:
            if scope.kind == "class" and scope is not self:
                scope = scope.parent
                continue
            values = scope.bindings.get(name)
            if values is not None:
                if len(values) == 1 and values[0] is not None:
                    return values[0], scope
                return None
            scope = scope.parent
        return MISSING

    def is_mutated(self, name: str) -> bool:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.bindings:
                return name in scope.mutated
            scope = scope.parent
        return False

    def enclosing_class(self) -> "Scope | None":
        scope: Scope | None = self
        while scope is not None and scope.kind != "class":
            scope = scope.parent
        return scope


class Scanner:
    """One pass: imports, bindings per scope, and every call with the scope it is made in."""

    def __init__(self):
        self.module_scope = Scope("module", None)
        self.stack: list[Scope] = [self.module_scope]
        self.imports: dict[str, str] = {}  # local name -> qualified name
        self.calls: list[tuple[cst.Call, Scope]] = []

    @property
    def scope(self) -> Scope:
        return self.stack[-1]

    # scopes
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scope.bind(node.name.value, None)
        scope = Scope("function", self.scope)
        params = node.params
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.bind(p.name.value, None)
        for p in (params.star_arg, params.star_kwarg):
            if isinstance(p, cst.Param):
                scope.bind(p.name.value, None)
        self.stack.append(scope)

    def leave_FunctionDef(self, node) -> None:
        self.stack.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        scope = Scope("function", self.scope)
        params = node.params
        for p in (*params.posonly_params, *params.params, *params.kwonly_params):
            scope.bind(p.name.value, None)
        self.stack.append(scope)

    def leave_Lambda(self, node) -> None:
        self.stack.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scope.bind(node.name.value, None)
        self.stack.append(Scope("class", self.scope))

    def leave_ClassDef(self, node) -> None:
        self.stack.pop()

    # bindings
    def _bind_target(self, target, value) -> None:
        if isinstance(target, cst.Name):
            self.scope.bind(target.value, value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind_target(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind_target(target.value, None)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name):
            self._mutate(target.value.value)
        elif (
            isinstance(target, cst.Attribute)
            and isinstance(target.value, cst.Name)
            and target.value.value == "self"
        ):
            owner = self.scope.enclosing_class()
            if owner is not None:
                owner.attributes.setdefault(target.attr.value, []).append(value)

    def _mutate(self, name: str) -> None:
        scope: Scope | None = self.scope
        while scope is not None:
            if name in scope.bindings or scope.parent is None:
                scope.mutated.add(name)
                return
            scope = scope.parent

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind_target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name):
            self.scope.bind(node.target.value, None)
        else:
            self._bind_target(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind_target(node.target, None)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._bind_target(node.target, None)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind_target(node.asname.name, None)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._bind_target(node.name.name, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind_target(node.target, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
                self.imports[local] = name
            else:
                local = name.split(".")[0]
                self.imports[local] = local
            self.scope.bind(local, None)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        module = dotted(node.module) if node.module is not None else ""
        if module is None or isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            name = dotted(alias.name)
            if name is None:
                continue
            local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
            self.imports[local] = f"{module}.{name}" if module else name
            self.scope.bind(local, None)

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append((node, self.scope))
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and func.attr.value in _MUTATORS:
            self._mutate(func.value.value)


def dotted(node) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


# ---- the walk -----------------------------------------------------------------------------------

# fields that never hold anything the scan looks at (whitespace, brackets, punctuation)
_SKIPPED = frozenset({
    "lpar", "rpar", "lbrace", "rbrace", "lbracket", "rbracket", "comma", "semicolon", "colon",
    "dot", "equal", "star_tok", "leading_lines", "lines_after_decorators", "header", "footer",
    "trailing_whitespace", "operator", "whitespace", "newline", "prefix", "value_whitespace",
})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        names = tuple(
            f.name for f in dataclasses.fields(cls) if f.name not in _SKIPPED and not f.name.startswith("whitespace")
        )
        _CHILD_FIELDS[cls] = names
    return names


def scan(module) -> Scanner:
    """Walk the module once (iteratively, in source order) calling the scanner's visit_<Node> /
    leave_<Node> methods."""
    scanner = Scanner()
    visits: dict[type, Any] = {}
    leaves: dict[type, Any] = {}
    stack: list = [(module, False)]
    while stack:
        node, leaving = stack.pop()
        cls = type(node)
        if leaving:
            leaves[cls](node)
            continue
        visit = visits.get(cls, MISSING)
        if visit is MISSING:
            visit = visits[cls] = getattr(scanner, "visit_" + cls.__name__, None)
            leaves[cls] = getattr(scanner, "leave_" + cls.__name__, None)
        if visit is not None:
            visit(node)
        if leaves[cls] is not None:
            stack.append((node, True))
        children = []
        for name in _child_fields(cls):
            value = getattr(node, name)
            if isinstance(value, cst.CSTNode):
                children.append(value)
            elif isinstance(value, (list, tuple)):
                children.extend(v for v in value if isinstance(v, cst.CSTNode))
        stack.extend((child, False) for child in reversed(children))
    return scanner


# ---- positions -----------------------------------------------------------------------------------


@dataclass(frozen=False)
class _OffsetState(CodegenState):
    """Code generation that only counts characters and records each node's offsets."""

    offsets: dict = field(default_factory=dict)
    position: int = 0
    starts: list = field(default_factory=list)

    def add_indent_tokens(self) -> None:
        for token in self.indent_tokens:
            self.position += len(token)

    def add_token(self, value: str) -> None:
        self.position += len(value)

    def before_codegen(self, node) -> None:
        self.starts.append(self.position)

    def after_codegen(self, node) -> None:
        start = self.starts.pop()
        if node not in self.offsets:  # a syntactic position, recorded inside, wins
            self.offsets[node] = (start, self.position)

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None):
        start = self.position
        try:
            yield
        finally:
            end = self.position
            if start_node is not None:
                start = self.offsets[start_node][0]
            if end_node is not None:
                end = self.offsets[end_node][1]
            self.offsets[node] = (start, end)


def offsets(module) -> dict:
    """node -> (start, end) character offsets into `module.code` (PositionProvider's ranges)."""
    state = _OffsetState(default_indent=module.default_indent, default_newline=module.default_newline)
    module._codegen(state)
    return state.offsets
