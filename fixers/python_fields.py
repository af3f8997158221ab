"""Field edits of Python IaC programs (cdk8s, Pulumi, AWS CDK ECS): the program-text side of
`fixers.fields`. The model is the Kubernetes/ECS node graph the reader synthesised; every node
it wrote remembers where (`reader.field_origins`, `reader.mapping_origins`), so a change is made
where the program writes the value, in the program's own style:
- a written value is replaced (`run_as_non_root=False` -> `True`);
- a missing field is added to the innermost mapping the program writes, as a keyword argument
  of the `*Args` / struct call or an entry of the dict literal (with the program's key
  spelling), wrapping missing intermediate mappings (`security_context=SecurityContextArgs(...)`)
  and importing that class only when the program has no name for it;
- a field is removed with its comma.
Nothing is edited in a mapping partly computed at run time.
"""
from __future__ import annotations


from dockerlint.model import Edit

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any

# the class of a new `securityContext` mapping, by framework, for a container and for a pod
_SECURITY_CONTEXT = {"pulumi": "SecurityContextArgs", "cdk8s": "SecurityContext"}
_POD_SECURITY_CONTEXT = {"pulumi": "PodSecurityContextArgs", "cdk8s": "PodSecurityContext"}


def literal(value) -> str:
    return repr(value)  # True, False, 'x', 3


def replace_value(model, node, value: Any) -> list[Edit] | None:
    """Rewrite the value the program writes for `node`."""
    from dockerlint.fixers.python_edits import replace

    found = model.reader.field_origins.get(id(node))
    if found is None:
        return None
    return [replace(model.reader, found[1].value, literal(value))]


def remove_field(model, node) -> list[Edit] | None:
    """Remove the keyword argument or dict entry that writes `node`."""
    from dockerlint.fixers.python_edits import remove_entry

    found = model.reader.field_origins.get(id(node))
    if found is None:
        return None
    origin = found[1]
    return remove_entry(model.reader, origin.owner, origin.element) or None


def set_field(model, mapping_node, path: tuple[str, ...], value: Any) -> list[Edit] | None:
    """Set `path` (e.g. ("securityContext", "allowPrivilegeEscalation")) under a mapping the
    program writes."""
    return set_fields(model, mapping_node, path[:-1], {path[-1]: value})


def set_fields(model, mapping_node, path: tuple[str, ...], values: dict[str, Any]) -> list[Edit] | None:
    """Set every `values` leaf under `path` of a mapping the program writes: rewrite written
    values, add the missing ones to the innermost written mapping, or add the missing mappings
    around them (one new argument or entry holding all of them)."""
    from dockerlint.parse.python.iac import UNKNOWN_TAG
    from dockerlint.parse.yaml import MappingNode

    reader = model.reader
    pod = type(mapping_node) is MappingNode and mapping_node.get("containers") is not None
    node = mapping_node
    for depth, key in enumerate(path):
        if node.tag == UNKNOWN_TAG:
            return None  # partly unknown: the field may be set where we cannot see
        child = node.get(key)
        if child is None:
            return _add_entry(model, node, path[depth:], values, pod)
        if type(child) is not MappingNode:
            return None
        node = child
    if node.tag == UNKNOWN_TAG:
        return None
    edits: list[Edit] = []
    missing = {}
    for key, value in values.items():
        child = node.get(key)
        if child is None:
            missing[key] = value
            continue
        if reader.field_origins.get(id(child)) is None:
            return None  # a framework default, not written anywhere
        edits += replace_value(model, child, value) or []
    if missing:
        added = _add_entry(model, node, (), missing, pod)
        if added is None:
            return None
        edits += added
    return edits or None


def _add_entry(model, node, path: tuple[str, ...], values: dict[str, Any], pod: bool) -> list[Edit] | None:
    from dockerlint.fixers import python_edits

    found = model.reader.mapping_origins.get(id(node))
    if found is None:
        return None
    origin = found[1]
    entry = _entry(model, node, origin, path, values, _POD_SECURITY_CONTEXT if pod else _SECURITY_CONTEXT)
    if entry is None:
        return None
    texts, extra = entry
    return python_edits.add_entry(model.reader, origin.node, texts) + list(extra)


def _entry(model, node, origin, path: tuple[str, ...], values: dict[str, Any], classes):
    """(the texts of new arguments / dict entries setting `values` under `path`, extra edits
    such as imports)."""
    from dockerlint.fixers import python_edits
    from dockerlint.parse.python.iac import python_name

    reader = model.reader
    if origin.framework in ("cdk8s-plus",) or len(path) > 1:
        return None
    indent, step = python_edits.layout(reader, origin.node)
    newline = "\r\n" if "\r\n" in reader.source.text else "\n"

    def wrap(open_, inner: list[str], close):  # a new nested call or dict, laid out like its neighbours
        if indent is None:
            return f"{open_}{', '.join(inner)}{close}"
        body = "".join(f"{newline}{indent}{step}{item}," for item in inner)
        return f"{open_}{body}{newline}{indent}{close}"

    if hasattr(origin.node, "args"):  # keyword arguments
        if not path:
            return [f"{origin.spelling.get(k) or python_name(k, 'snake')}={literal(v)}" for k, v in values.items()], []
        if path[0] != "securityContext":
            return None
        name = origin.spelling.get(path[0]) or python_name(path[0], "snake")
        cls = classes.get(origin.framework)
        if cls is None:
            return None
        inner = [f"{python_name(k, 'snake')}={literal(v)}" for k, v in values.items()]
        prefix, _, _ = origin.callee.rpartition(".")
        if prefix:
            return [f"{name}={wrap(f'{prefix}.{cls}(', inner, ')')}"], []
        qual = reader.qualname(origin.node.func) or ""
        module = qual.rpartition(".")[0]
        if not module:
            return None
        return [f"{name}={wrap(f'{cls}(', inner, ')')}"], python_edits.ensure_import(reader, module, cls)
    holder = reader.field_origins.get(id(node))  # the dict this one is written in, if any
    quote = python_edits.quote_of(reader, origin.node, holder[1].owner if holder is not None else None)
    naming = reader.dict_naming() if origin.naming == "auto" else origin.naming

    def key(field):
        return f"{quote}{python_name(field, naming)}{quote}"

    inner = [f"{key(k)}: {literal(v)}" for k, v in values.items()]
    if not path:
        return inner, []
    return [f"{key(path[0])}: {wrap('{', inner, '}')}"], []
