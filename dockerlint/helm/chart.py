"""Lint a Helm chart: render it (once per values set), lint the rendered stream exactly as
`helm template` would print it with the Kubernetes rules, then report every finding at the
template file and line that produced the field, with the values keys that fed it as related
locations.

One `FileResult` per file a finding lands in (templates, values files); a chart that cannot
be rendered is one error naming the chart, never a silent skip.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace

from dockerlint.helm.render import RenderedTemplate, RenderError, RenderOptions, render_chart
from dockerlint.model import Applicability, Edit, FileError, FileKind, FileResult, Finding, Fix, Location, Severity, SourceText, Span
from dockerlint.parse.helm_template import TemplateInfo

DEFAULT_SET = "default"


# ---- values ------------------------------------------------------------------------------------


@dataclass
class ValuesFile:
    """A values file a chart's rendering reads, parsed."""

    path: str  # as reported
    source: SourceText
    documents: list
    prefix: tuple[str, ...] = ()  # where this file's root sits, seen from the chart that reads it

    @property
    def root(self):
        for d in self.documents:
            if d.root is not None:
                return d.root
        return None


def _load_values_file(path: str, text: str | None = None) -> ValuesFile:
    from dockerlint.files import read_file
    from dockerlint.model import ParseError
    from dockerlint.parse.yaml import load_documents

    if text is None:
        decoded, error = read_file(path)
        if error is not None:
            raise RenderError(f"values file not read: {path}: {error.message}", "E001")
        text = decoded.text
    source = SourceText(text, path)
    try:
        documents = load_documents(source)
    except ParseError as e:
        raise RenderError(f"values file does not parse: {path}:{e.line}: {e.message}") from None
    return ValuesFile(path, source, documents)


def _values_data(vf: ValuesFile):
    from dockerlint.parse.yaml import to_python

    data = to_python(vf.root) if vf.root is not None else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RenderError(f"values file is not a mapping: {vf.path}")
    return data


def _merge(base: dict, over: dict) -> dict:
    """Helm's merge of -f files: mappings merge key by key, anything else replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def _lookup(node, path: tuple):
    """(deepest node reached, key node of it, how many path parts matched)."""
    from dockerlint.parse.yaml import MappingNode, SequenceNode

    key_node = None
    for i, part in enumerate(path):
        if isinstance(node, MappingNode):
            pair = node.get_pair(str(part))
            if pair is None:
                return node, key_node, i
            key_node, node = pair
        elif isinstance(node, SequenceNode) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            return node, key_node, i
    return node, key_node, len(path)


# ---- the rendered stream -------------------------------------------------------------------------


@dataclass
class Segment:
    """Where one rendered template sits in the rendered stream."""

    start: int  # offset of the template's text in the stream
    end: int
    template: RenderedTemplate


def _stream(templates: list[RenderedTemplate]) -> tuple[str, list[Segment]]:
    """The rendered templates as `helm template` prints them: one `---` and `# Source:` each."""
    parts: list[str] = []
    segments: list[Segment] = []
    offset = 0
    for t in templates:
        if not t.text.strip():
            continue
        head = f"---\n# Source: {t.name}\n"
        body = t.text if t.text.endswith("\n") else t.text + "\n"
        segments.append(Segment(offset + len(head), offset + len(head) + len(t.text), t))
        parts += [head, body]
        offset += len(head) + len(body)
    return "".join(parts), segments


def _deepest_pairs(root, offset: int):
    """[(key text, key node, value node)] from the document root down to `offset`."""
    from dockerlint.parse.yaml import MappingNode, SequenceNode

    chain = []
    node = root
    while True:
        if isinstance(node, MappingNode):
            for key, value in node.pairs:
                if key.span.start <= offset < max(value.span.end, key.span.end):
                    chain.append((getattr(key, "value", None), key, value))
                    node = value
                    break
            else:
                return chain
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.items):
                if item.span.start <= offset < max(item.span.end, item.span.start + 1):
                    chain.append((i, None, item))
                    node = item
                    break
            else:
                return chain
        else:
            return chain


# ---- the chart -----------------------------------------------------------------------------------


@dataclass
class ChartContext:
    """A chart being linted: its directory, values sets, rendering options and values files."""

    chart_dir: str  # as given (reported paths start with it)
    values_sets: dict[str, list[str]]  # name -> override files, in order
    options: RenderOptions
    values_files: dict[str, ValuesFile] = field(default_factory=dict)
    edited: dict[str, str] = field(default_factory=dict)  # values file -> its text after fixes (not yet written)

    def values_file(self, path: str) -> ValuesFile | None:
        if path not in self.values_files:
            if path not in self.edited and not os.path.isfile(path):
                return None
            self.values_files[path] = _load_values_file(path, self.edited.get(path))
        return self.values_files[path]

    def edited_defaults(self, override_files: list[str]) -> dict:
        """Edited (not yet written) values.yaml files of the chart and its subcharts, as overrides:
        Helm reads a chart's own values from disk."""
        merged: dict = {}
        for path in sorted(self.edited):
            if path in override_files:
                continue
            rel = os.path.relpath(os.path.dirname(path), self.chart_dir).replace(os.sep, "/")
            parts = [] if rel == "." else rel.split("/")
            prefix = [p for i, p in enumerate(parts) if i % 2 == 1 and parts[i - 1] == "charts"]
            data = _values_data(self.values_file(path))
            for key in reversed(prefix):
                data = {key: data}
            merged = _merge(merged, data)
        return merged


def chart_settings(chart_dir: str, settings) -> tuple[dict[str, list[str]], RenderOptions]:
    def resolve(p: str) -> str:
        return p if os.path.isabs(p) else os.path.join(chart_dir, p)

    base = [resolve(p) for p in settings.helm_values_config] + list(settings.helm_values)
    sets = {DEFAULT_SET: base}
    for name, files in settings.helm_values_matrix.items():
        sets[name] = base + [resolve(p) for p in files]
    options = RenderOptions(
        release_name=settings.helm_release_name,
        namespace=settings.helm_namespace,
        kube_version=settings.helm_kube_version,
        include_tests=not settings.helm_skip_tests,
    )
    return sets, options


def lint_chart(chart_dir: str, settings, edited: dict[str, str] | None = None) -> list[FileResult]:
    """Every file of the chart with findings (or errors); [] for a clean chart.

    `edited`: values files' texts after fixes, used instead of the files on disk."""
    edited = dict(edited or {})
    templates: dict[str, str] = {}
    for path in list(edited):  # unsaved templates go to the renderer, values files to the values reader
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(chart_dir)).replace(os.sep, "/")
        if "templates" in rel.split("/")[:-1] and not rel.startswith(".."):
            templates[rel] = edited.pop(path)
    try:
        sets, options = chart_settings(chart_dir, settings)
        options.template_overrides = templates or None
        ctx = ChartContext(chart_dir, sets, options, edited=edited)
        by_key: dict[tuple, tuple[Finding, list[str]]] = {}
        errors: list[FileResult] = []
        sources: dict[str, SourceText] = {}
        for set_name, files in sets.items():
            for f in files:
                if f not in ctx.edited and not os.path.isfile(f):
                    raise RenderError(f"values file not found: {f}" + (f" (values set {set_name!r})" if len(sets) > 1 else ""), "E001")
            values: dict = ctx.edited_defaults(files)
            for f in files:
                values = _merge(values, _values_data(ctx.values_file(f)))
            findings, errs = _lint_one_set(ctx, replace(options, values=values or None), files, settings, sources)
            errors += errs
            occurrences: dict[tuple, int] = {}
            for f in findings:
                key = (f.path, f.span.line, f.span.col, f.code, f.message)
                occurrences[key] = occurrences.get(key, 0) + 1
                key += (occurrences[key],)  # a `range` may repeat a finding on one line: keep each
                if key in by_key:
                    by_key[key][1].append(set_name)
                else:
                    by_key[key] = (f, [set_name])
    except RenderError as e:
        error = _render_error(chart_dir, str(e))
        error.code = e.code
        return [FileResult(error.path, FileKind.HELM, error=error)]
    by_path: dict[str, list[Finding]] = {}
    for f, set_names in by_key.values():
        if len(sets) > 1:
            f.message += f" [values: {', '.join(set_names)}]"
        by_path.setdefault(f.path, []).append(f)
    results = []
    for path in sorted(by_path):
        findings = sorted(by_path[path], key=Finding.sort_key)
        results.append(FileResult(path, FileKind.HELM, findings, source=sources.get(path)))
    seen_errors = set()
    for r in errors:
        key = (r.path, r.error.line, r.error.message)
        if key not in seen_errors:
            seen_errors.add(key)
            results.append(r)
    # a clean chart is still one linted input (reports count it: a junit pass, "files" in JSON)
    return results or [FileResult(os.path.join(chart_dir, "Chart.yaml"), FileKind.HELM)]


# "template: c/templates/x.yaml:3: ..." (parse) or "execution error at (c/templates/x.yaml:6:8): ..."
_HELM_ERROR_AT = re.compile(r"(?:template: |at \()[^/\s]+/((?:charts/[^/]+/)*templates/[^:\s]+):(\d+)(?::(\d+))?")


def _render_error(chart_dir: str, message: str) -> FileError:
    """A render error at the template line Helm names, else at the chart's Chart.yaml."""
    m = _HELM_ERROR_AT.search(message)
    if m:
        return FileError(os.path.join(chart_dir, m.group(1)), message, int(m.group(2)), int(m.group(3)) if m.group(3) else None, code="E002", kind=FileKind.HELM)
    return FileError(os.path.join(chart_dir, "Chart.yaml"), message, code="E002", kind=FileKind.HELM)


def _lint_one_set(ctx: ChartContext, options: RenderOptions, override_files: list[str], settings, sources) -> tuple[list[Finding], list[FileResult]]:
    from dockerlint import engine
    from dockerlint.kinds.k8s_annotations import filter_annotations
    from dockerlint.model import ParseError
    from dockerlint.parse.yaml import load_documents

    rendering = render_chart(ctx.chart_dir, options)
    errors: list[FileResult] = []
    good = [t for t in rendering.templates if t.text.strip()]
    text, segments = _stream(good)
    stream = SourceText(text, os.path.join(ctx.chart_dir, "(rendered)"))
    try:
        documents = load_documents(stream)
    except ParseError:  # find the templates whose output does not parse; lint the others
        good = []
        for t in rendering.templates:
            if not t.text.strip():
                continue
            try:
                load_documents(SourceText(t.text, t.name))
            except ParseError as e:
                path, line = _template_position(ctx, t, SourceText(t.text).offset(e.line or 1, e.column or 1))
                errors.append(FileResult(path, FileKind.HELM, error=FileError(path, f"rendered output does not parse: {e.message}", line, code="E002", kind=FileKind.HELM)))
                continue
            good.append(t)
        text, segments = _stream(good)
        stream = SourceText(text, os.path.join(ctx.chart_dir, "(rendered)"))
        documents = load_documents(stream)
    if not segments:
        return [], errors
    findings = engine.run_rules(FileKind.KUBERNETES, stream, documents, settings, stream.path)
    findings = engine.preset_level_filter(findings, settings)
    findings = filter_annotations(findings, documents)
    mapper = _Mapper(ctx, segments, documents, override_files, sources, stream)
    findings = [f for f in findings if not mapper.namespace_set_at_install(f)]
    mapped = [m for m in (mapper.map(f) for f in findings) if m is not None]
    mapped = mapper.suppress(mapped)
    kept = []
    for f in mapped:
        f.severity = engine.effective_severity(f, settings)
        if f.severity is not Severity.IGNORE:
            kept.append(f)
    return kept, errors


def _template_position(ctx: ChartContext, t: RenderedTemplate, offset: int) -> tuple[str, int]:
    _, _, rel = t.name.partition("/")
    path = os.path.join(ctx.chart_dir, rel)
    if t.lines is None:
        return path, 1
    return path, max(1, t.lines[min(offset, len(t.lines) - 1)])


class _Mapper:
    """Rendered-stream findings -> template lines (+ values keys)."""

    def __init__(self, ctx: ChartContext, segments: list[Segment], documents, override_files: list[str], sources, stream: SourceText):
        self.ctx = ctx
        self.stream = stream
        self.segments = segments
        self.documents = documents
        self.override_files = override_files
        self.sources = sources  # path -> SourceText of every file a finding lands in

    def _segment(self, offset: int) -> Segment | None:
        for s in self.segments:
            if s.start <= offset <= s.end:
                return s
        return None

    def _document_root(self, offset: int):
        for d in self.documents:
            if d.root is not None and d.span.start <= offset <= d.span.end:
                return d.root
        return None

    def namespace_set_at_install(self, f: Finding) -> bool:
        """A finding of a rule that judges the namespace (KS027, `Rule.judges_namespace`) on a chart object whose namespace is the
        release's (`.Release.Namespace`, or none: Helm installs it into `helm install -n`),
        which the render can only show as `default`. A namespace written in the chart stays."""
        from dockerlint import ruleset
        from dockerlint.parse.yaml import MappingNode

        if not getattr(ruleset.rule_class(f.code), "judges_namespace", False):
            return False
        root = self._document_root(f.span.start)
        meta = root.get_mapping("metadata") if isinstance(root, MappingNode) else None
        namespace = meta.get("namespace") if meta is not None else None
        if namespace is None:
            return True
        seg = self._segment(namespace.span.start)
        if seg is None or seg.template.lines is None:
            return False
        line = seg.template.lines[namespace.span.start - seg.start]
        return ".Release.Namespace" in seg.template.template.line_text(line)

    def _source(self, path: str, text: str) -> SourceText:
        if path not in self.sources:
            self.sources[path] = SourceText(text, path)
        return self.sources[path]

    def map(self, f: Finding) -> Finding | None:
        seg = self._segment(f.span.start)
        if seg is None:  # on a `---`/`# Source:` line we added: attach to the next template
            seg = next((s for s in self.segments if s.start >= f.span.start), self.segments[-1])
        t = seg.template
        local = max(0, min(f.span.start, seg.end) - seg.start)
        _, _, rel = t.name.partition("/")
        path = os.path.join(self.ctx.chart_dir, rel)
        info = t.template
        if info is None:  # a packaged subchart (.tgz): no file to point into
            path = os.path.join(self.ctx.chart_dir, "Chart.yaml")
            try:
                with open(path, encoding="utf-8") as fh:
                    source = self._source(path, fh.read())
            except OSError:
                source = self._source(path, "")
            f.message += f" (in {t.name}, rendered from a packaged subchart)"
            return self._moved(f, path, source, 1, 1)
        source = self._source(path, info.text)
        line = t.lines[local] if t.lines is not None else 1
        if t.lines is None:
            f.message += " (template line unknown: its output differs between renders)"
        col = self._column(info, line, t.text, local, f)
        moved = self._moved(f, path, source, line, col)
        moved.related = tuple(self._values_locations(t, seg, f.span.start, line))
        values_fix = self._values_fix(f) if t.lines is not None else None
        if values_fix is not None:
            # the fix goes into the values file: that is the finding's place; the template line is related
            vf, edit = values_fix
            vsource = self._source(edit.path, edit.source.text)
            start = vsource.offset(edit.key_line, edit.key_col)
            template_loc = Location(path, line, col, "in the rendered template at")
            return replace(
                f,
                path=edit.path,
                span=vsource.span(start, vsource.line_start(edit.key_line) + len(vsource.line_text(edit.key_line))),
                fix=Fix(tuple(edit.edits), f.fix.applicability, f"{f.fix.description or 'fix ' + f.code} (in the values, key {edit.shown})"),
                kind=FileKind.HELM,
                related=(template_loc,) + tuple(loc for loc in moved.related if (loc.path, loc.line) != (edit.path, edit.key_line)),
            )
        return moved

    def _values_fix(self, f: Finding):
        """The rule's fix as an edit of the values file that fed the field, or None."""
        from dockerlint.fix import OverlappingEdits, apply_edits
        from dockerlint.helm.values_fix import ValuesEdit, changed_path, node_at, values_edits
        from dockerlint.model import ParseError
        from dockerlint.parse.yaml import load_documents, to_python

        if f.fix is None or f.fix.applicability is Applicability.DISPLAY_ONLY:
            return None
        first = f.fix.edits[0].start
        seg = self._segment(first)
        if seg is None or seg.template.lines is None:
            return None
        lines = seg.template.lines
        local = first - seg.start
        near = {lines[i] for i in (local - 1, local, local + 1) if 0 <= i < len(lines)}
        if not any(seg.template.template.values_by_line.get(n) for n in near):
            return None  # the edit is not next to a line that reads values: nothing to trace
        document = next((d for d in self.documents if d.root is not None and d.span.start <= first <= d.span.end), None)
        if document is None or any(not document.span.start <= e.start <= e.end <= document.span.end for e in f.fix.edits):
            return None
        # re-parse only the document the fix changes
        start, end = document.span.start, document.span.end
        shifted = [replace(e, start=e.start - start, end=e.end - start) for e in f.fix.edits]
        try:
            new_stream = SourceText(apply_edits(self.stream.text[start:end], shifted), self.stream.path)
            new_documents = load_documents(new_stream)
        except (OverlappingEdits, ParseError):
            return None
        if len(new_documents) != 1 or new_documents[0].root is None:
            return None
        old_root, new_root = document.root, new_documents[0].root
        path = changed_path(to_python(old_root), to_python(new_root))
        if path is None:
            return None
        old_node, _ = node_at(old_root, path)
        new_node, _ = node_at(new_root, path)
        if old_node is None or new_node is None:
            return None
        pairs = getattr(old_node, "pairs", None)
        anchor = pairs[0][0].span.start if pairs else old_node.span.start
        seg = self._segment(anchor)
        if seg is None or seg.template.lines is None:
            return None
        t, info = seg.template, seg.template.template
        line = t.lines[anchor - seg.start]
        refs = info.values_by_line.get(line, [])
        if len(refs) != 1:
            return None
        text = info.line_text(line)
        suffix: tuple = ()
        for i in range(len(path)):
            _, key_node = node_at(old_root, path[: i + 1])
            if key_node is None or not 0 <= key_node.span.start - seg.start < len(t.lines):
                continue
            literal = re.search(rf"(^|[\s{{]){re.escape(str(path[i]))}\s*:", text)
            if t.lines[key_node.span.start - seg.start] == line and not literal:
                suffix = tuple(path[i:])
                break
        values_path = refs[0] + suffix
        old_value = to_python(old_node)
        for vf in reversed(self._layers(t)):
            if vf.root is None:
                continue
            node, key_node, depth = _lookup(vf.root, vf.prefix + values_path)
            if depth != len(vf.prefix) + len(values_path) or key_node is None:
                continue
            here = to_python(node)
            if isinstance(here, dict) and isinstance(old_value, dict):
                if any(k not in old_value or old_value[k] != v for k, v in here.items()):
                    return None
            elif here != old_value:
                return None  # the rendered value is not this values key verbatim
            edits = values_edits(vf.source, node, key_node, new_stream, new_node)
            if not edits:
                return None
            shown = ".".join(str(p) for p in values_path)
            return vf, ValuesEdit(vf.path, vf.source, edits, key_node.span.line, key_node.span.col, shown)
        return None

    @staticmethod
    def _column(info: TemplateInfo, line: int, rendered: str, local: int, f: Finding) -> int:
        """Where the rendered token starts on the template line, else its first non-blank."""
        text = info.line_text(line)
        end = rendered.find("\n", local)
        token = rendered[local : end if end >= 0 else len(rendered)].strip()
        for candidate in (token, token.split(":", 1)[0] + ":" if ":" in token else None):
            if candidate and candidate in text:
                return text.index(candidate) + 1
        return len(text) - len(text.lstrip()) + 1

    def _moved(self, f: Finding, path: str, source: SourceText, line: int, col: int) -> Finding:
        start = source.offset(line, col)
        end = source.line_start(line) + len(source.line_text(line))
        span = source.span(start, max(start, end))
        fix = None
        if f.fix is not None:
            what = f.fix.description or f"fix {f.code}"
            fix = Fix(
                (Edit(start, start, ""),),
                Applicability.DISPLAY_ONLY,
                f"{what}: change the template at {os.path.relpath(path)}:{line} (the rendered output is not a file to edit)",
            )
        return replace(f, path=path, span=span, fix=fix, kind=FileKind.HELM)

    # -- values ------------------------------------------------------------------------------

    def _layers(self, t: RenderedTemplate) -> list[ValuesFile]:
        """Values files a template of this (sub)chart reads, the weakest first."""
        _, _, rel = t.name.partition("/")
        parts = rel.split("/")
        subcharts = []
        while len(parts) > 2 and parts[0] == "charts":
            subcharts.append(parts[1])
            parts = parts[2:]
        layers: list[ValuesFile] = []
        # the subchart's own defaults, then each parent's values under the subchart's name
        for depth in range(len(subcharts), -1, -1):
            chart_path = os.path.join(self.ctx.chart_dir, *[p for s in subcharts[:depth] for p in ("charts", s)])
            vf = self.ctx.values_file(os.path.join(chart_path, "values.yaml"))
            if vf is not None:
                layers.append(replace(vf, prefix=tuple(subcharts[depth:])))
        for path in self.override_files:
            vf = self.ctx.values_file(path)
            if vf is not None:
                layers.append(replace(vf, prefix=tuple(subcharts)))
        return layers

    def _values_locations(self, t: RenderedTemplate, seg: Segment, offset: int, line: int) -> list[Location]:
        info = t.template
        root = self._document_root(offset)
        chain = _deepest_pairs(root, offset) if root is not None else []
        candidates = [line]
        if chain and t.lines is not None:
            value_start = chain[-1][2].span.start - seg.start
            if 0 <= value_start < len(t.lines):
                candidates.append(t.lines[value_start])
        found: list[Location] = []
        for cand in candidates:
            refs = info.values_by_line.get(cand, [])
            if not refs:
                continue
            suffix = self._suffix(chain, seg, t, cand, info)
            for ref in refs:
                loc = self._locate(t, ref + suffix if len(refs) == 1 else ref)
                if loc is not None and loc not in found:
                    found.append(loc)
            if found:
                break
        return found

    @staticmethod
    def _suffix(chain, seg: Segment, t: RenderedTemplate, line: int, info: TemplateInfo) -> tuple:
        """The keys below a `toYaml .Values.x` insertion: those rendered by `line` whose text is
        not written in the template line itself."""
        text = info.line_text(line)
        for i, (key, key_node, value) in enumerate(chain):
            node = key_node if key_node is not None else value
            local = node.span.start - seg.start
            if t.lines is None or not 0 <= local < len(t.lines) or t.lines[local] != line:
                continue
            if isinstance(key, str) and re.search(rf"(^|[\s{{]){re.escape(key)}\s*:", text):
                continue  # the key is written in the template; its value comes from the values
            return tuple(k for k, _, _ in chain[i:])
        return ()

    def _locate(self, t: RenderedTemplate, path: tuple) -> Location | None:
        best = None
        for vf in reversed(self._layers(t)):  # the strongest file that sets the key wins
            root = vf.root
            if root is None:
                continue
            full = vf.prefix + tuple(path)
            node, key_node, depth = _lookup(root, full)
            if depth <= len(vf.prefix) or key_node is None:
                continue
            if depth == len(full):
                best = (vf, key_node, depth)
                break
            if best is None or depth > best[2]:
                best = (vf, key_node, depth)
        if best is None:
            return None
        vf, key_node, depth = best
        self._source(vf.path, vf.source.text)
        shown = ".".join(str(p) for p in (vf.prefix + tuple(path))[:depth])
        return Location(vf.path, key_node.span.line, key_node.span.col, f"value of {shown}")

    # -- suppressions -----------------------------------------------------------------------

    def suppress(self, findings: list[Finding]) -> list[Finding]:
        """`# dockerlint: ignore=` in a template (YAML or `{{/* */}}` comment) on or above the
        template line, or on or above the values key that fed the field."""
        from dockerlint import suppressions

        cache: dict[str, suppressions.SuppressionSet] = {}

        def pragmas(path: str) -> suppressions.SuppressionSet:
            if path not in cache:
                source = self.sources.get(path)
                cache[path] = suppressions.yaml_comment_pragmas(_template_comments(source), source) if source else suppressions.SuppressionSet()
            return cache[path]

        kept = []
        for f in findings:
            if pragmas(f.path).covers(f, f.span.line, lambda _l: None, lambda _l: None):
                continue
            if any(
                pragmas(loc.path).covers(replace(f, span=Span(0, 0, loc.line, loc.col, loc.line, loc.col)), loc.line, lambda _l: None, lambda _l: None)
                for loc in f.related
            ):
                continue
            kept.append(f)
        return kept


_COMMENT = re.compile(r"(?:^|\s)#\s*(dockerlint:.*)$")
_TEMPLATE_COMMENT = re.compile(r"\{\{-?\s*/\*\s*(dockerlint:.*?)\s*\*/\s*-?\}\}")


def _template_comments(source: SourceText):
    """(line, column, text after '#') of `dockerlint:` comments in a template or values file:
    YAML comments and `{{/* dockerlint: ... */}}` template comments."""
    out = []
    for i in range(1, source.line_count + 1):
        line = source.line_text(i)
        if "dockerlint:" not in line:
            continue
        m = _TEMPLATE_COMMENT.search(line)
        if m:
            out.append((i, m.start() + 1, m.group(1)))
            continue
        m = _COMMENT.search(line)
        if m:
            out.append((i, line.index("#", m.start()) + 1, m.group(1)))
    return out
