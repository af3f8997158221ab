"""CustomResourceDefinitions: a catalogue of (group/version, kind) -> compiled validator.

CRDs come from the file being linted and from the run's catalogue (`Settings.crds`), which the
front end fills before linting: every linted file whose text mentions
`CustomResourceDefinition`, plus the files and directories named by `crd-paths`
(`build_catalogue`). The engine lints file by file; this is how a rule sees the CRDs of the
whole run without the engine knowing about them.

What the pre-scan costs: it reads the files' bytes and looks for the word; only the files
that have it are decoded, fingerprinted and searched for their API groups. Nothing is parsed
then. A CRD file of the run is parsed by the engine when it is linted (the front end lints
those first) and hands its documents over (`CrdCatalogue.offer`); a CRD file that is not linted
(`crd-paths`, a cached result, another worker's share) is parsed through libyaml only when a
custom resource of its group is met. A CRD version's schema is converted to plain data and
compiled only when a custom resource of that version is checked.

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

from dockerlint.digest import new as new_digest

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:  # the YAML layer is imported when a CRD is met: most runs have none
    from typing import Any

    from dockerlint.parse.yaml import MappingNode, Node, YamlDocument

_BUDGET = 200_000  # nodes a CRD (or one version's schema) may expand to


class _NodeSchema:
    """An openAPIV3Schema still in YAML nodes (a file's own CRDs, while it is linted):
    converted to plain data on first use (most CRD versions are never used)."""

    __slots__ = ("node",)

    def __init__(self, node: Node):
        self.node = node

    def data(self):
        from dockerlint.parse.yaml import YamlParseError, to_python

        try:
            return to_python(self.node, budget=_BUDGET)
        except YamlParseError:  # an alias bomb or an unhashable key: nothing is checked
            return None


def _pack(schema):
    """A schema kept for the whole run, as bytes: a CRD's schema is thousands of dicts and
    lists, and every full pass of the garbage collector walks each one that is alive (kept as
    data, the corpus's CRDs cost more in collections than reading them). Unpacked on use."""
    import marshal

    if isinstance(schema, _NodeSchema):
        schema = schema.data()
    if schema is None:
        return None
    try:
        return marshal.dumps(schema)
    except ValueError:  # a YAML timestamp or binary somewhere in it: kept as it is
        return schema


@dataclass
class CrdVersion:
    """One version of a custom resource, as a CRD of the run defines it."""

    group: str
    version: str
    kind: str
    served: bool
    schema: Any  # openAPIV3Schema: plain data, a _NodeSchema or _pack's bytes until used; None when the CRD has none
    source: str  # "path:line" of the CRD, for messages
    rank: int = 0  # the position of its file in the run: when two files define a version, the later one counts
    _check: Any = field(default=None, repr=False)

    def checker(self):
        """The compiled check of this version's schema (compiled on first use)."""
        if self._check is None:
            from dockerlint.schemas.validate import Compiler

            schema = self.schema
            if isinstance(schema, _NodeSchema):
                schema = schema.data()
            elif isinstance(schema, bytes):
                import marshal

                schema = marshal.loads(schema)
            types: dict = {}
            root = translate(schema if isinstance(schema, dict) else {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                             types, self.kind, top=True)
            self._check = Compiler(types).compile(root)
        return self._check


@dataclass
class _Pending:
    """A CRD file not parsed yet."""

    path: str  # as given (messages name it so)
    rank: int
    length: int  # the text's length and digest: the engine's parse is taken only for this exact text
    text_digest: bytes


@dataclass
class CrdCatalogue:
    """(apiVersion, kind) -> CrdVersion; also which groups have CRDs at all.

    Its repr is a digest of the CRD files it was read from, so a settings repr that includes it
    (a result-cache key) stays short and changes when a CRD file changes."""

    versions: dict[tuple[str, str], CrdVersion] = field(default_factory=dict)
    kinds_by_group: dict[str, dict[str, list[CrdVersion]]] = field(default_factory=dict)
    digest: str = ""
    # CRD files not parsed yet (absolute path), by the API group(s) they seem to define ("*":
    # unknown): CRD files are large (5.6 MB in the corpus), so each is parsed only when a
    # custom resource of its group is linted, or taken from the engine's parse (`offer`)
    pending: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, _Pending] = field(default_factory=dict)
    # the pending files that are linted in this run (as given), in the order best linted: CRDs
    # alone first (their custom resources are then met after every CRD is in), then the others
    run_files: list[str] = field(default_factory=list)
    packed: bool = False  # kept for the whole run: schemas stored as bytes (`_pack`)

    def __repr__(self) -> str:  # stable while files load lazily: only what it was read from
        return f"CrdCatalogue({self.digest or 'unsourced'})"

    def _load(self, group: str) -> None:
        if not self.files:
            return
        for real in self.pending.pop(group, []) + self.pending.pop("*", []):
            entry = self.files.pop(real, None)
            if entry is not None:  # else already read (a file of several groups) or handed over
                self.add_documents(_read_crds(entry.path), entry.path, entry.rank)

    def offer(self, documents: list[YamlDocument], path: str, text: str) -> None:
        """The engine has parsed `path`: when it is a CRD file not read yet, with the text the
        pre-scan saw, its CRDs are taken from these documents (no second parse)."""
        if not self.files:
            return
        real = os.path.abspath(path)
        entry = self.files.get(real)
        if entry is None or entry.length != len(text) or entry.text_digest != _text_digest(text):
            return
        del self.files[real]
        self.add_documents(documents, path, entry.rank)

    def kinds_in(self, group: str) -> dict[str, list[CrdVersion]]:
        self._load(group)
        return self.kinds_by_group.get(group, {})

    def add_documents(self, documents: list[YamlDocument], path: str, rank: int = 0) -> None:
        from dockerlint.parse.yaml import MappingNode

        for doc in documents:
            root = doc.root
            if type(root) is not MappingNode:
                continue
            items = [root]
            if root.str("kind") == "List" and root.get_sequence("items") is not None:
                items = [i for i in root.get_sequence("items").items if type(i) is MappingNode]
            for node in items:
                if node.str("kind") == "CustomResourceDefinition" and (node.str("apiVersion") or "").startswith("apiextensions.k8s.io/"):
                    self.add_crd(node, f"{path}:{node.span.line}", rank)

    def add_crd(self, node: MappingNode, source: str, rank: int = 0) -> None:
        """A CRD as YAML nodes: what `add_data` reads, with the schemas left as nodes until used."""
        from dockerlint.parse.yaml import MappingNode, SequenceNode, YamlParseError, to_python

        spec = node.get("spec")
        if type(spec) is not MappingNode:
            return
        try:
            data: dict = {}
            for key, value in spec.items():
                name = key.value
                if name == "versions" and type(value) is SequenceNode:
                    data[name] = [_version_entry(item) for item in value.items]
                elif name == "validation" and type(value) is MappingNode:
                    schema = value.get("openAPIV3Schema")
                    data[name] = {"openAPIV3Schema": _NodeSchema(schema)} if schema is not None else {}
                elif name in ("group", "names", "version"):
                    data[name] = to_python(value, budget=_BUDGET)
        except YamlParseError:
            return
        self.add_data({"spec": data}, source, rank)

    def add_data(self, data, source: str, rank: int = 0) -> None:
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
        packed: dict[int, Any] = {}
        for entry in versions if isinstance(versions, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            schema = entry.get("schema", {}).get("openAPIV3Schema") if isinstance(entry.get("schema"), dict) else None
            if not isinstance(schema, (dict, _NodeSchema)):
                schema = shared if isinstance(shared, (dict, _NodeSchema)) else None
            if self.packed and schema is not None:
                if id(schema) not in packed:
                    packed[id(schema)] = _pack(schema)
                schema = packed[id(schema)]
            crd = CrdVersion(group, entry["name"], kind, entry.get("served", True) is not False, schema, source, rank)
            key = (f"{group}/{entry['name']}", kind)
            known = self.versions.get(key)
            if known is None or known.rank <= rank:  # the later file wins, whatever order they were read in
                self.versions[key] = crd
            same_kind = self.kinds_by_group.setdefault(group, {}).setdefault(kind, [])
            same_kind.append(crd)
            same_kind.sort(key=lambda c: c.rank)

    def lookup(self, api_version: str, kind: str) -> CrdVersion | None:
        self._load(api_version.rpartition("/")[0])
        return self.versions.get((api_version, kind))


def _version_entry(node: Node):
    """One entry of `spec.versions`: name and served as data, the schema kept as nodes."""
    from dockerlint.parse.yaml import MappingNode, to_python

    if type(node) is not MappingNode:
        return to_python(node, budget=_BUDGET)
    entry: dict = {}
    for key, value in node.items():
        name = key.value
        if name == "schema" and type(value) is MappingNode:
            schema = value.get("openAPIV3Schema")
            entry[name] = {"openAPIV3Schema": _NodeSchema(schema)} if schema is not None else {}
        elif name in ("name", "served"):
            entry[name] = to_python(value, budget=_BUDGET)
    return entry


def _read_crds(path: str) -> list[YamlDocument]:
    """The documents of a CRD file that this process does not lint (or has not linted yet),
    parsed as the engine parses the files it lints: `add_documents` takes them as it takes a
    linted file's (`offer`), so one process or several read the same CRDs. This was libyaml's
    loader with PyYAML's constructor, straight to Python objects: 200 of the corpus's CRD files
    into a packed catalogue took 659 ms that way and take 319 ms this way (a run's processes each
    read the CRD files the other linted: 16 of the 1,000-manifest sample's 26)."""
    from dockerlint.files import read_file
    from dockerlint.model import SourceText
    from dockerlint.parse.yaml import YamlParseError, load_documents

    decoded, error = read_file(path)
    if error is not None:
        return []
    try:
        return load_documents(SourceText(decoded.text, path))
    except (YamlParseError, RecursionError):
        return []


# `group: x` at the start of a line. Not anchored with (?m)^: a pattern that starts with a
# literal is searched for that literal fast (25x faster over the corpus's 5.6 MB of CRDs);
# what precedes it on the line is checked per hit.
_GROUP_KEY = re.compile(r"""group["']?[ \t]*:[ \t]*["']?([A-Za-z0-9][A-Za-z0-9.-]*)""")
_LINE_HEAD = re.compile(r"""[ \t]*["']?""")


def _groups(text: str) -> set[str]:
    """The values of `group:` keys that start a line (the CRDs' spec.group, a few others)."""
    found = set()
    for match in _GROUP_KEY.finditer(text):
        start = match.start()
        if _LINE_HEAD.fullmatch(text, text.rfind("\n", 0, start) + 1, start):
            found.add(match.group(1))
    return found


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
        if not isinstance(fmt, str):
            fmt = None  # (`format: [a]` in a broken CRD, reported by KS101 there: a list is no dict key)
        if kind == "object" or (kind is None and ("properties" in schema or embedded)):
            props = schema.get("properties")
            if not isinstance(props, dict):
                props = {}  # (`properties: [size]`: no fields known)
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
            required = schema.get("required")
            required = [r for r in required if isinstance(r, str)] if isinstance(required, list) else []
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


def build_catalogue(paths: list[str], extra_files: list[str] = (), keep: dict | None = None,
                    stats: dict | None = None, crd_free=None, absolute=None) -> tuple[CrdCatalogue, list[str]]:
    """CRDs from `crd-paths` (files or directories, YAML only) and from `extra_files` (the
    run's own files; only those that mention CustomResourceDefinition are kept, none is parsed).
    Returns the catalogue and error messages for unreadable `crd-paths` entries. `keep`, when
    given, receives the bytes read of each of `extra_files` (up to KEEP_BYTES in all), for the
    cache lookup that reads them next, and `stats` how they were read (`files.read_bytes`).
    `crd_free(path)`: True for one of `extra_files` known to hold no CRD without reading it
    (unchanged since the result cache last read it), what an earlier pre-scan found in it
    when it holds CRDs (`summary_of`: not read either), else False. `absolute(path)`: os.path.abspath's answer,
    from the caller's memo (the run asks it of each file several times)."""
    from dockerlint.files import DecodeError, decode, read_bytes
    from dockerlint.model import SourceText

    catalogue = CrdCatalogue(packed=True)
    digest = None  # of the CRD files found
    errors: list[str] = []
    files: list[tuple[str, bool, bool]] = []  # (path, named in crd-paths, linted in this run)
    for path in paths:
        if os.path.isdir(path):
            for directory, _, names in sorted(os.walk(path)):
                files.extend((os.path.join(directory, n), False, False) for n in sorted(names) if n.endswith((".yaml", ".yml", ".json")))
        elif os.path.isfile(path):
            files.append((path, True, False))
        else:
            errors.append(f"crd-paths: {path}: no such file or directory")
    files.extend((f, False, True) for f in extra_files)
    seen: set[str] = set()
    kept = 0
    alone: list[str] = []
    mixed: list[str] = []
    if absolute is None:
        cwd = os.getcwd()  # once: os.path.abspath asks for it again for each of thousands of files

        def absolute(path: str) -> str:
            return path if os.path.isabs(path) else os.path.normpath(os.path.join(cwd, path))

    for path, explicit, linted in files:
        real = absolute(path)
        if real in seen:
            if linted and real in catalogue.files:  # also named in crd-paths
                mixed.append(path)
            continue
        seen.add(real)
        known = crd_free(path) if linted and crd_free is not None else False
        if known is True:
            continue
        if known:  # unchanged since a run found CRDs in it: what it found, the file not read again
            groups, other_kinds, length, text_digest = known
        else:
            data, error = read_bytes(path, stats if linted else None)
            if error is not None:
                if explicit:
                    errors.append(f"crd-paths: {path}: cannot read ({error.message})")
                continue
            if linted and keep is not None and kept + len(data) <= KEEP_BYTES:
                keep[path] = data
                kept += len(data)
            if b"CustomResourceDefinition" not in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
                continue  # most files: not even decoded
            try:  # decoded as the linter decodes it, so that the engine's text is this text
                text = decode(data).text
            except DecodeError as e:
                if explicit:
                    errors.append(f"crd-paths: {path}: cannot read ({e})")
                continue
            if "CustomResourceDefinition" not in text:
                continue
            if explicit:  # named in crd-paths: parse now, so that a broken file is an error
                from dockerlint.parse.yaml import YamlParseError, load_documents

                try:
                    load_documents(SourceText(text, path))
                except YamlParseError as e:
                    errors.append(f"crd-paths: {path}: {e}")
                    continue
            groups, length, text_digest = tuple(sorted(_groups(text) or {"*"})), len(text), _text_digest(text)
            other_kinds = linted and _has_other_kinds(text)
            if linted:
                _SUMMARIES[real] = (groups, other_kinds, length, text_digest)
        for group in groups:  # a CRD file, not parsed yet: read when one of its groups is first asked for
            catalogue.pending.setdefault(group, []).append(real)
        catalogue.files[real] = _Pending(path, len(seen), length, text_digest)
        if linted:
            mixed.append(path) if other_kinds else alone.append(path)
        digest = digest or new_digest()
        digest.update(real.encode("utf-8", "surrogatepass") + b"\0" + text_digest)
    catalogue.digest = digest.hexdigest()[:16] if digest is not None else ""  # "": no CRD (repr: unsourced)
    catalogue.run_files = alone + mixed
    return catalogue, errors


KEEP_BYTES = 256 * 1024 * 1024  # the run's files kept in memory between the pre-scan and the cache lookup


def _text_digest(text: str) -> bytes:
    return new_digest(text.encode("utf-8", "surrogatepass")).digest()


# real path -> (groups, holds other kinds too, length, digest) of each linted CRD file the
# pre-scan read in this run: the result cache records it with the file's stamp, so that a run
# that finds the file unchanged registers its CRDs without reading it (`build_catalogue`'s
# `crd_free`): 183 files, 5.6 MB of the Kubernetes corpus, ~19 ms of every cached run.
_SUMMARIES: dict[str, tuple[tuple[str, ...], bool, int, bytes]] = {}


def summary_of(real: str) -> tuple[tuple[str, ...], bool, int, bytes] | None:
    """What the pre-scan found in the linted CRD file `real` (absolute) in this run, if it read it."""
    return _SUMMARIES.get(real)


def _has_other_kinds(text: str) -> bool:
    """Does a file that has CRDs hold other objects too (custom resources perhaps)? Counted on
    the top-level `kind:` lines as usually written (str.count: no regex over megabytes)."""
    kinds = text.count("\nkind:") + text.startswith("kind:")
    crds = text.count("\nkind: CustomResourceDefinition") + text.startswith("kind: CustomResourceDefinition")
    return kinds != crds


def schema_rules_selected(settings) -> bool:
    """Does `settings` select a schema rule for Kubernetes files? (From the rule index: no rule
    is imported to answer; custom rules never validate schemas.)"""
    from dockerlint.engine import selected_entries
    from dockerlint.model import FileKind

    return any(getattr(e, "schema_issue", None) for e in selected_entries(FileKind.KUBERNETES, settings))


def prescan_crds(resolver, files: list[str], keep: dict | None = None, stats: dict | None = None,
                 crd_free=None) -> CrdCatalogue | None:
    """Before linting: collect the CRDs of the run (the linted files and every `crd-paths`
    entry of their configs) and give them to every file's settings as `settings.crds`.
    Costs nothing unless a schema rule is selected somewhere. Returns the catalogue (its
    `run_files` are best linted first: their CRDs then come from the engine's parse)."""
    if not files:
        return None
    settings_list = []
    seen = set()
    for path in files:
        s = resolver.for_file(path)
        if id(s) not in seen:
            seen.add(id(s))
            settings_list.append(s)
    if not any(schema_rules_selected(s) for s in settings_list):
        return None
    crd_paths = sorted({p for s in settings_list for p in s.crd_paths})
    catalogue, errors = build_catalogue(crd_paths, files, keep, stats, crd_free, resolver.absolute)
    for message in errors:
        import sys

        print(f"warning: {message}", file=sys.stderr)
    if catalogue.versions or catalogue.pending:
        from dataclasses import replace

        resolver.add_override(lambda s: replace(s, crds=catalogue))
        return catalogue
    return None


# crd-paths -> (catalogue, the files' stamps, when they were last looked at)
_PATH_CATALOGUES: dict[tuple[str, ...], tuple[CrdCatalogue, tuple, float]] = {}
_RECHECK_S = 1.0  # a long-lived process (the language server) looks at crd-paths again at most this often


def _stamp(paths: tuple[str, ...]) -> tuple:
    """(path, mtime, size) of every file `build_catalogue` would read for these crd-paths."""
    found = []
    for path in paths:
        if os.path.isdir(path):
            for directory, _, names in sorted(os.walk(path)):
                found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith((".yaml", ".yml", ".json")))
        else:
            found.append(path)
    stamps = []
    for path in found:
        try:
            st = os.stat(path)
        except OSError:
            stamps.append((path, None))
            continue
        stamps.append((path, st.st_mtime_ns, st.st_size))
    return tuple(stamps)


def catalogue_for(settings) -> CrdCatalogue | None:
    """The run's CRDs: `settings.crds` from the front end's pre-scan, else (language server,
    stdin, library use) the CRDs of `crd-paths` alone, read again when one of their files
    changes (looked at no more than once a second)."""
    if settings.crds is not None:
        return settings.crds
    if not settings.crd_paths:
        return None
    import time

    key = tuple(settings.crd_paths)
    now = time.monotonic()
    known = _PATH_CATALOGUES.get(key)
    if known is not None and now - known[2] < _RECHECK_S:
        return known[0]
    stamp = _stamp(key)
    if known is not None and known[1] == stamp:
        _PATH_CATALOGUES[key] = (known[0], stamp, now)
        return known[0]
    found, _ = build_catalogue(list(key))
    _PATH_CATALOGUES[key] = (found, stamp, now)
    return found
