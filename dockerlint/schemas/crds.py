"""CustomResourceDefinitions: a catalogue of (group/version, kind) -> compiled validator.

CRDs come from the file being linted and from the run's catalogue (`Settings.crds`), which the
front end fills before linting: every linted file whose text mentions
`CustomResourceDefinition`, plus the files and directories named by `crd-paths`
(`build_catalogue`). The engine lints file by file; this is how a rule sees the CRDs of the
whole run without the engine knowing about them.

A CRD version's `openAPIV3Schema` is translated into the same compact type table as the
bundled Kubernetes schemas (validate.py) and compiled lazily, on the first custom resource of
that kind: structural types, `required`, `enum`, `pattern`, `format` (int32, int64,
date-time, byte), `nullable`, `x-kubernetes-preserve-unknown-fields`,
`x-kubernetes-int-or-string` and `x-kubernetes-embedded-resource`. Not checked: numeric and
length bounds, `oneOf`/`anyOf`/`allOf`/`not`, CEL `x-kubernetes-validations`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from dockerlint.parse.yaml import MappingNode, YamlDocument, YamlParseError, to_python


@dataclass
class CrdVersion:
    group: str
    version: str
    kind: str
    served: bool
    schema: dict | None  # openAPIV3Schema as plain data, None when the CRD has none
    source: str  # "path:line" of the CRD, for messages
    _check: Any = field(default=None, repr=False)

    def checker(self):
        """The compiled check of this version's schema (compiled on first use)."""
        if self._check is None:
            from dockerlint.schemas.validate import Compiler

            types: dict = {}
            root = translate(self.schema or {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                             types, self.kind, top=True)
            self._check = Compiler(types).compile(root)
        return self._check


@dataclass
class CrdCatalogue:
    """(apiVersion, kind) -> CrdVersion; also which groups have CRDs at all.

    Its repr is a digest of the CRD files it was read from, so a settings repr that includes it
    (a result-cache key) stays short and changes when a CRD file changes."""

    versions: dict[tuple[str, str], CrdVersion] = field(default_factory=dict)
    kinds_by_group: dict[str, dict[str, list[CrdVersion]]] = field(default_factory=dict)
    digest: str = ""
    # CRD files not parsed yet, by the API group(s) they seem to define ("*": unknown): CRD
    # files are large (5.6 MB in the corpus), so each is parsed only when a custom resource
    # of its group is linted
    pending: dict[str, list[str]] = field(default_factory=dict)

    def __repr__(self) -> str:  # stable while files load lazily: only what it was read from
        return f"CrdCatalogue({self.digest or 'unsourced'})"

    def _load(self, group: str) -> None:
        if not self.pending:
            return
        paths = self.pending.pop(group, []) + self.pending.pop("*", [])
        for path in paths:
            for data in _read_crds(path):
                self.add_data(data, path)

    def kinds_in(self, group: str) -> dict[str, list[CrdVersion]]:
        self._load(group)
        return self.kinds_by_group.get(group, {})

    def add_documents(self, documents: list[YamlDocument], path: str) -> None:
        for doc in documents:
            root = doc.root
            if type(root) is not MappingNode:
                continue
            items = [root]
            if root.str("kind") == "List" and root.get_sequence("items") is not None:
                items = [i for i in root.get_sequence("items").items if type(i) is MappingNode]
            for node in items:
                if node.str("kind") == "CustomResourceDefinition" and (node.str("apiVersion") or "").startswith("apiextensions.k8s.io/"):
                    self.add_crd(node, f"{path}:{node.span.line}")

    def add_crd(self, node: MappingNode, source: str) -> None:
        try:
            data = to_python(node, budget=200_000)
        except YamlParseError:
            return
        self.add_data(data, source)

    def add_data(self, data, source: str) -> None:
        """A CRD as plain data (`yaml.safe_load`'s)."""
        spec = data.get("spec") if isinstance(data, dict) else None
        if not isinstance(spec, dict):
            return
        group = spec.get("group")
        names = spec.get("names") or {}
        kind = names.get("kind") if isinstance(names, dict) else None
        if not isinstance(group, str) or not isinstance(kind, str):
            return
        shared = (spec.get("validation") or {}).get("openAPIV3Schema") if isinstance(spec.get("validation"), dict) else None
        versions = spec.get("versions") or ([{"name": spec["version"], "served": True}] if isinstance(spec.get("version"), str) else [])
        for entry in versions if isinstance(versions, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            schema = entry.get("schema", {}).get("openAPIV3Schema") if isinstance(entry.get("schema"), dict) else None
            crd = CrdVersion(group, entry["name"], kind, entry.get("served", True) is not False,
                             schema if isinstance(schema, dict) else shared, source)
            self.versions[(f"{group}/{entry['name']}", kind)] = crd
            self.kinds_by_group.setdefault(group, {}).setdefault(kind, []).append(crd)

    def lookup(self, api_version: str, kind: str) -> CrdVersion | None:
        self._load(api_version.rpartition("/")[0])
        return self.versions.get((api_version, kind))


def _read_crds(path: str) -> list:
    """The CRDs of another file as plain data. libyaml straight to Python objects: no spans
    are needed from these files, and this is 2.5x faster than our node graph (CRD files are
    large)."""
    import yaml

    try:
        with open(path, encoding="utf-8") as f:
            documents = list(yaml.load_all(f.read(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return []
    found = []
    for doc in documents:
        items = doc.get("items") if isinstance(doc, dict) and doc.get("kind") == "List" else [doc]
        for item in items if isinstance(items, list) else []:
            if (isinstance(item, dict) and item.get("kind") == "CustomResourceDefinition"
                    and str(item.get("apiVersion", "")).startswith("apiextensions.k8s.io/")):
                found.append(item)
    return found


_GROUP_LINE = re.compile(r"""(?m)^[ \t]*["']?group["']?[ \t]*:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9.-]*)""")


def translate(schema: dict, types: dict, name: str, top: bool = False, embedded: bool = False):
    """An openAPIV3Schema node -> a compact type expression (named types go into `types`)."""
    if not isinstance(schema, dict):
        return "any"
    if schema.get("x-kubernetes-int-or-string"):
        base = "int-or-string"
    elif schema.get("x-kubernetes-embedded-resource") and not embedded:
        return translate(schema, types, name, embedded=True)
    else:
        kind = schema.get("type")
        fmt = schema.get("format")
        if kind == "object" or (kind is None and ("properties" in schema or embedded)):
            props = schema.get("properties") or {}
            extra = schema.get("additionalProperties")
            preserve = bool(schema.get("x-kubernetes-preserve-unknown-fields"))
            if not props and isinstance(extra, dict):
                return ["map", translate(extra, types, name + "[]")]
            if not props and not embedded and not top:
                return "object" if (preserve or extra in (None, True) or kind == "object") else "any"
            type_name = f"{name}#{len(types)}"
            spec: dict = {"label": name}
            types[type_name] = spec
            fields = {k: translate(v, types, f"{name}.{k}") for k, v in props.items()}
            if top:  # every object carries these; the CRD schema may leave them out
                fields.setdefault("apiVersion", "string")
                fields.setdefault("kind", "string")
                fields["metadata"] = "object"
            spec["f"] = fields
            if isinstance(extra, dict):
                spec["m"] = translate(extra, types, name + "[]")
            if preserve or extra is True or (top and not props):
                spec["u"] = True
            if embedded:
                spec["e"] = True
            required = [r for r in schema.get("required") or [] if isinstance(r, str)]
            if required:
                spec["r"] = required
            base = "#" + type_name
        elif kind == "array":
            base = ["list", translate(schema.get("items") or {}, types, name + "[]")]
        elif kind == "string":
            base = {"byte": "byte", "date-time": "date-time"}.get(fmt, "string")
        elif kind == "integer":
            base = {"int32": "int32"}.get(fmt, "integer")
        elif kind in ("number", "boolean"):
            base = kind
        else:
            base = "any"
    constraints: dict = {}
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        constraints["enum"] = schema["enum"]
    if isinstance(schema.get("pattern"), str) and base == "string" and _python_regex(schema["pattern"]):
        constraints["pattern"] = schema["pattern"]
    if constraints:
        constraints["t"] = base
        return constraints
    return base


def _python_regex(pattern: str) -> bool:
    """Patterns are RE2; the few that Python's re reads differently (inline flags mid-way,
    \\z, possessive forms) are skipped rather than misjudged."""
    import re

    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def build_catalogue(paths: list[str], extra_files: list[str] = ()) -> tuple[CrdCatalogue, list[str]]:
    """CRDs from `crd-paths` (files or directories, YAML only) and from `extra_files` (the
    run's own files; only those that mention CustomResourceDefinition are parsed).
    Returns the catalogue and error messages for unreadable `crd-paths` entries."""
    from dockerlint.model import SourceText
    from dockerlint.parse.yaml import load_documents

    import hashlib

    catalogue = CrdCatalogue()
    digest = hashlib.sha256()
    errors: list[str] = []
    files: list[tuple[str, bool]] = []
    for path in paths:
        if os.path.isdir(path):
            for directory, _, names in sorted(os.walk(path)):
                files.extend((os.path.join(directory, n), False) for n in sorted(names) if n.endswith((".yaml", ".yml", ".json")))
        elif os.path.isfile(path):
            files.append((path, True))
        else:
            errors.append(f"crd-paths: {path}: no such file or directory")
    files.extend((f, False) for f in extra_files)
    seen: set[str] = set()
    for path, explicit in files:
        real = os.path.abspath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            if explicit:
                errors.append(f"crd-paths: {path}: cannot read ({e})")
            continue
        if "CustomResourceDefinition" not in text:
            continue
        if explicit:  # named in crd-paths: parse now, so that a broken file is an error
            try:
                load_documents(SourceText(text, path))
            except YamlParseError as e:
                errors.append(f"crd-paths: {path}: {e}")
                continue
        groups = set(_GROUP_LINE.findall(text)) or {"*"}
        for group in groups:
            catalogue.pending.setdefault(group, []).append(path)
        digest.update(real.encode("utf-8", "surrogatepass") + b"\0" + text.encode("utf-8", "surrogatepass") + b"\0")
    catalogue.digest = digest.hexdigest()[:16]
    return catalogue, errors


def schema_rules_selected(settings) -> bool:
    from dockerlint.engine import selected_rules
    from dockerlint.model import FileKind

    return any(getattr(rule, "schema_issue", None) for rule in selected_rules(FileKind.KUBERNETES, settings))


def prescan_crds(resolver, files: list[str]) -> None:
    """Before linting: collect the CRDs of the run (the linted files and every `crd-paths`
    entry of their configs) and give them to every file's settings as `settings.crds`.
    Costs nothing unless a schema rule is selected somewhere."""
    if not files:
        return
    settings_list = []
    seen = set()
    for path in files:
        s = resolver.for_file(path)
        if id(s) not in seen:
            seen.add(id(s))
            settings_list.append(s)
    if not any(schema_rules_selected(s) for s in settings_list):
        return
    crd_paths = sorted({p for s in settings_list for p in s.crd_paths})
    catalogue, errors = build_catalogue(crd_paths, files)
    for message in errors:
        import sys

        print(f"warning: {message}", file=sys.stderr)
    if catalogue.versions or catalogue.pending:
        from dataclasses import replace

        resolver.add_override(lambda s: replace(s, crds=catalogue))


_PATH_CATALOGUES: dict[tuple[str, ...], CrdCatalogue] = {}


def catalogue_for(settings) -> CrdCatalogue | None:
    """The run's CRDs: `settings.crds` from the front end's pre-scan, else (language server,
    stdin, library use) the CRDs of `crd-paths` alone, read once per set of paths."""
    if settings.crds is not None:
        return settings.crds
    if not settings.crd_paths:
        return None
    key = tuple(settings.crd_paths)
    found = _PATH_CATALOGUES.get(key)
    if found is None:
        found, _ = build_catalogue(list(key))
        _PATH_CATALOGUES[key] = found
    return found
