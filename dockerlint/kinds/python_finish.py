"""What the engine does with rule results on a Python program, after the rules ran.

- Findings inside an unknown value (a region recorded by the reader) are dropped: the rule
  judged a value the program only computes at run time.
- The KS rules report on the synthesised Kubernetes model and know nothing of Python: the YAML
  edits they offer are dropped and their fixes are built here instead, from the finding's code and span: a field written with a bad value is
  rewritten (`run_as_non_root=False` -> `True`), `privileged=True` is removed, and a missing
  securityContext field is added to the container's `security_context=` / `"securityContext"`
  in the style the program already uses (an `*Args`/struct class or a dict literal with its key
  spelling), importing the class only when the program has no name for it. All unsafe.
The EC rules build their own fixes with the same helpers (`set_field`, `remove_field`).
"""
from __future__ import annotations

from dockerlint.model import Applicability, Finding, Fix
from dockerlint.parse.yaml import ScalarNode

# code -> (securityContext field, the value that passes, what to do with a bad written value)
_KS_FIELDS = {
    "KS002": ("runAsNonRoot", True, "replace"),
    "KS003": ("privileged", None, "remove"),
    "KS004": ("allowPrivilegeEscalation", False, "replace"),
    "KS008": ("readOnlyRootFilesystem", True, "replace"),
}
# the class of a new `security_context=` argument, by framework, for a container and for a pod
_SECURITY_CONTEXT = {"pulumi": "SecurityContextArgs", "cdk8s": "SecurityContext"}
_POD_SECURITY_CONTEXT = {"pulumi": "PodSecurityContextArgs", "cdk8s": "PodSecurityContext"}


def finish(findings: list[Finding], model) -> list[Finding]:
    """Drop findings about unknown values; attach fixes to the KS findings that can have one."""
    from dockerlint import ruleset
    from dockerlint.model import FileKind

    findings = drop_unknown(findings, model)
    containers = None
    for f in findings:
        rule = ruleset.rule_class(f.code)
        if rule is not None and FileKind.PYTHON not in rule.kinds:
            f.fix = None  # a Kubernetes rule's fix edits YAML text, not this program
        spec = _KS_FIELDS.get(f.code)
        if spec is None:
            continue
        if containers is None:
            from dockerlint.rulekit.k8s_model import workloads

            containers = {(c.missing_span.start, c.missing_span.end): (w, c) for w in workloads(model) for c in w.containers}
        f.fix = _ks_fix(model, f, spec, containers)
    return findings


def drop_unknown(findings: list[Finding], model) -> list[Finding]:
    """Findings inside an unknown value's region, except those at a container's own anchor
    (`name=...`, where missing fields are reported): a container whose name is a parameter is
    still judged on what it writes."""
    regions = model.unknown_regions
    if not regions:
        return findings
    from dockerlint.rulekit.k8s_model import workloads

    anchors = {
        (c.missing_span.start, c.missing_span.end)
        for w in workloads(model)
        for c in w.containers
        if any(type(k) is ScalarNode and k.value in ("name", "image") for k, _ in c.node.pairs)
    }
    return [
        f for f in findings
        if (f.span.start, f.span.end) in anchors
        or not any(start <= f.span.start and f.span.end <= end for start, end in regions)
    ]


def literal(value) -> str:
    return repr(value)  # True, False, 'x', 3


def _ks_fix(model, finding: Finding, spec, containers) -> Fix | None:
    field, good, mode = spec
    written = _written_field(model, finding)
    if written is not None:
        node, origin = written
        if origin.key != field:
            return None
        if mode == "remove":
            return remove_field(model, node, f"remove `{_spelled(model, origin)}`")
        return replace_value(model, node, good, f"set {field} to {literal(good)}")
    found = containers.get((finding.span.start, finding.span.end))
    if found is None or good is None:
        return None
    workload, container = found
    description = f"set securityContext.{field} to {literal(good)}"
    if field == "runAsNonRoot" and not any(
        c.security_context is not None and c.security_context.get(field) is not None for c in workload.containers
    ):  # as in manifests: once for the pod, unless the program sets it per container
        return set_field(model, workload.pod_spec, ("securityContext", field), good, description, _POD_SECURITY_CONTEXT)
    return set_field(model, container.node, ("securityContext", field), good, description)


def _written_field(model, finding: Finding):
    """(node, FieldOrigin) of the written value the finding points at, if it points at one."""
    reader = model.reader
    for node, origin in reader.field_origins.values():
        if origin.value is not None and reader.offsets(origin.value) == (finding.span.start, finding.span.end):
            return node, origin
    return None


def _spelled(model, origin) -> str:
    return model.reader.text(origin.element)


def replace_value(model, node, value, description: str) -> Fix | None:
    from dockerlint.fixers.python_edits import replace

    found = model.reader.field_origins.get(id(node))
    if found is None:
        return None
    return Fix((replace(model.reader, found[1].value, literal(value)),), Applicability.UNSAFE, description)


def remove_field(model, node, description: str) -> Fix | None:
    from dockerlint.fixers.python_edits import remove_entry

    found = model.reader.field_origins.get(id(node))
    if found is None:
        return None
    origin = found[1]
    edits = remove_entry(model.reader, origin.owner, origin.element)
    return Fix(tuple(edits), Applicability.UNSAFE, description) if edits else None


def set_field(model, mapping_node, path: tuple[str, ...], value, description: str, classes=None) -> Fix | None:
    """Set `path` (e.g. ("securityContext", "allowPrivilegeEscalation")) under a mapping the
    program writes: rewrite a written value, add the field to the innermost written mapping,
    or add the missing mappings around it."""
    from dockerlint.fixers import python_edits
    from dockerlint.parse.python.iac import UNKNOWN_TAG
    from dockerlint.parse.yaml import MappingNode

    reader = model.reader
    node = mapping_node
    for depth, key in enumerate(path):
        if node.tag == UNKNOWN_TAG:
            return None  # partly unknown: the field may be set where we cannot see
        child = node.get(key)
        if child is None:
            found = reader.mapping_origins.get(id(node))
            if found is None:
                return None
            origin = found[1]
            entry = _entry(model, node, origin, path[depth:], value, classes or _SECURITY_CONTEXT)
            if entry is None:
                return None
            edits, extra = entry
            return Fix(tuple(python_edits.add_entry(reader, origin.node, edits)) + tuple(extra), Applicability.UNSAFE, description)
        if depth == len(path) - 1:
            if reader.field_origins.get(id(child)) is None:
                return None  # a framework default, not written anywhere
            return replace_value(model, child, value, description)
        if type(child) is not MappingNode:
            return None
        node = child
    return None


def _entry(model, node, origin, path: tuple[str, ...], value, classes):
    """(the text of a new argument / dict entry setting `path`, extra edits such as imports)."""
    from dockerlint.fixers import python_edits
    from dockerlint.parse.python.iac import python_name

    reader = model.reader
    if origin.framework in ("cdk8s-plus",) or len(path) > 2:
        return None
    indent, step = python_edits.layout(reader, origin.node)
    newline = "\r\n" if "\r\n" in reader.source.text else "\n"

    def wrap(open_, inner, close):  # a new nested call or dict, laid out like its neighbours
        if indent is None:
            return f"{open_}{inner}{close}"
        return f"{open_}{newline}{indent}{step}{inner},{newline}{indent}{close}"

    if hasattr(origin.node, "args"):  # keyword arguments
        name = origin.spelling.get(path[0]) or python_name(path[0], "snake")
        if len(path) == 1:
            return f"{name}={literal(value)}", []
        if path[0] != "securityContext":
            return None
        cls = classes.get(origin.framework)
        if cls is None:
            return None
        inner = f"{python_name(path[1], 'snake')}={literal(value)}"
        prefix, _, _ = origin.callee.rpartition(".")
        if prefix:
            return f"{name}={wrap(f'{prefix}.{cls}(', inner, ')')}", []
        qual = reader.qualname(origin.node.func) or ""
        module = qual.rpartition(".")[0]
        if not module:
            return None
        return f"{name}={wrap(f'{cls}(', inner, ')')}", python_edits.ensure_import(reader, module, cls)
    holder = reader.field_origins.get(id(node))  # the dict this one is written in, if any
    quote = python_edits.quote_of(reader, origin.node, holder[1].owner if holder is not None else None)

    naming = reader.dict_naming() if origin.naming == "auto" else origin.naming

    def key(field):
        return f"{quote}{python_name(field, naming)}{quote}"

    if len(path) == 1:
        return f"{key(path[0])}: {literal(value)}", []
    return f"{key(path[0])}: {wrap('{', f'{key(path[1])}: {literal(value)}', '}')}", []
