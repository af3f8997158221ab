"""What the language server computes for one version of one document: diagnostics, code
actions and hovers. Pure functions over a `Snapshot`; the server (dockerlint/lsp_server.py)
only moves them over JSON-RPC. Fixes come from the same engine as `dockerlint fix`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import unquote, urlparse

from lsprotocol import types as lsp

from dockerlint import ruleset
from dockerlint.fix import apply_edits, effective_applicability, fix_source, is_applied, parses
from dockerlint.model import Applicability, Edit, FileError, FileKind, Finding, Severity, SourceText

SOURCE = "dockerlint"
FIX_ALL_KIND = "source.fixAll.dockerlint"
SEVERITIES = {
    Severity.ERROR: lsp.DiagnosticSeverity.Error,
    Severity.WARNING: lsp.DiagnosticSeverity.Warning,
    Severity.INFO: lsp.DiagnosticSeverity.Information,
    Severity.STYLE: lsp.DiagnosticSeverity.Hint,
}
_LANGUAGE_KINDS = {"dockerfile": FileKind.DOCKERFILE, "containerfile": FileKind.DOCKERFILE, "dockercompose": FileKind.COMPOSE}


# ---- positions ----------------------------------------------------------------------------------

class Positions:
    """Character offsets <-> LSP positions (0-based lines; columns in the negotiated code units,
    UTF-16 unless the client asked otherwise). Lines split on "\\n" only, like our parsers."""

    def __init__(self, source: SourceText, encoding: str = "utf-16"):
        self.source = source
        self.encoding = str(encoding).lower()

    def units(self, text: str) -> int:
        if text.isascii() or self.encoding == "utf-32":
            return len(text)
        if self.encoding == "utf-8":
            return len(text.encode("utf-8", "surrogatepass"))
        return len(text.encode("utf-16-le", "surrogatepass")) // 2

    def position(self, offset: int) -> lsp.Position:
        line, _col = self.source.position(offset)
        start = self.source.line_start(line)
        return lsp.Position(line - 1, self.units(self.source.text[start:offset]))

    def range(self, start: int, end: int) -> lsp.Range:
        return lsp.Range(self.position(start), self.position(end))

    def offset(self, position: lsp.Position) -> int:
        line = position.line + 1
        if line > self.source.line_count:
            return len(self.source.text)
        start = self.source.line_start(line)
        text = self.source.line_text(line)
        if text.isascii() or self.encoding == "utf-32":
            return start + min(position.character, len(text))
        units = 0
        for index, char in enumerate(text):
            if units >= position.character:
                return start + index
            units += self.units(char)
        return start + len(text)

    def line_range(self, line: int) -> lsp.Range:
        """The whole of a 1-based line, without its terminator."""
        start = self.source.line_start(line)
        return self.range(start, start + len(self.source.line_text(line)))


def uri_to_path(uri: str) -> str | None:
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and re.match(r"^/[A-Za-z]:", path):  # pragma: no cover - Windows only
        path = path[1:]
    return path


def uri_name(uri: str) -> str:
    """A file name for kind detection, also for `untitled:` documents."""
    return uri_to_path(uri) or unquote(urlparse(uri).path) or uri


# ---- one analysed version of a document -------------------------------------------------------

@dataclass
class Snapshot:
    """One analysed version of an open document: its text, settings and findings."""

    uri: str
    version: int | None
    text: str
    path: str  # the name used for detection and in findings
    kind: FileKind | None
    settings: object
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    config_error: str | None = None
    encoding: str = "utf-16"
    memo: dict = field(default_factory=dict, repr=False)  # code actions computed for this version
    baselined: set = field(default_factory=set)  # ids of findings the baseline records (shown as hints)

    @cached_property
    def source(self) -> SourceText:
        return SourceText(self.text, self.path)

    @cached_property
    def positions(self) -> Positions:
        return Positions(self.source, self.encoding)

    @cached_property
    def model(self):
        """The parsed model (Dockerfile or YAML documents), or None when it does not parse."""
        if self.kind is None or self.error is not None:
            return None
        from dockerlint.loader import parse_source
        from dockerlint.model import ParseError

        try:
            return parse_source(self.source, self.kind)
        except ParseError:
            return None

    @cached_property
    def diagnostics(self) -> list[lsp.Diagnostic]:
        out = []
        if self.config_error:
            out.append(
                lsp.Diagnostic(
                    range=self.positions.line_range(1),
                    message=f"configuration error (defaults used): {self.config_error}",
                    severity=lsp.DiagnosticSeverity.Error,
                    code="E003",
                    source=SOURCE,
                )
            )
        if self.error is not None:
            line = max(1, min(self.error.line or 1, self.source.line_count))
            out.append(
                lsp.Diagnostic(
                    range=self.positions.line_range(line),
                    message=self.error.message,
                    severity=lsp.DiagnosticSeverity.Error,
                    code=self.error.code,
                    source=SOURCE,
                )
            )
        out.extend(self.finding_diagnostic(f) for f in self.findings)
        return out

    def finding_diagnostic(self, finding: Finding) -> lsp.Diagnostic:
        rule = ruleset.by_code().get(finding.code)
        old = id(finding) in self.baselined
        return lsp.Diagnostic(
            range=self.positions.range(finding.span.start, finding.span.end),
            message=f"{finding.message} (in the baseline)" if old else finding.message,
            severity=lsp.DiagnosticSeverity.Hint if old else SEVERITIES.get(finding.severity, lsp.DiagnosticSeverity.Warning),
            code=finding.code,
            code_description=lsp.CodeDescription(href=rule.docs_url()) if rule else None,
            source=SOURCE,
            data={"name": finding.name},
        )


# Keys that must still be there for a YAML document to keep the kind it was detected as.
_KIND_KEYS = {FileKind.KUBERNETES: ("apiVersion", "kind"), FileKind.COMPOSE: ("services",)}


def detect(uri: str, text: str, language_id: str | None, previous: FileKind | None = None) -> tuple[str, FileKind | None]:
    """The document's name and kind. `previous` is the kind of its last version: content
    detection of YAML parses the whole file, so while its keys are still there, it is kept."""
    from dockerlint.parse.detect import detect_kind, kind_by_name

    name = uri_name(uri)
    kind = kind_by_name(name)
    if kind is None and previous in _KIND_KEYS and all(key in text for key in _KIND_KEYS[previous]):
        kind = previous
    if kind is None:
        kind = detect_kind(name, text)
    if kind is None and language_id:
        kind = _LANGUAGE_KINDS.get(language_id.lower())
    return name, kind


def analyze(
    uri: str,
    version: int | None,
    text: str,
    language_id: str | None,
    configs,
    encoding: str = "utf-16",
    previous_kind: FileKind | None = None,
    chart_texts: dict[str, str] | None = None,
) -> Snapshot:
    """Lint one version of a document with its directory's settings. A Helm template or values
    file is linted through its chart, re-rendered with the unsaved texts of `chart_texts`."""
    from dockerlint.engine import lint_loaded
    from dockerlint.loader import load_text
    from dockerlint.model import FileResult

    path = uri_to_path(uri)
    chart = chart_directory(path)
    if chart is not None:
        return analyze_chart(uri, version, text, chart, path, configs, encoding, chart_texts or {})
    name, kind = detect(uri, text, language_id, previous_kind)
    settings, config_error = configs.settings_for(path)
    snapshot = Snapshot(uri, version, text, name, kind, settings, config_error=config_error, encoding=encoding)
    if kind is None:
        return snapshot
    loaded = load_text(text, name, kind)
    if isinstance(loaded, FileError):
        result = FileResult(name, kind, error=loaded, source=SourceText(text, name))
    else:
        result = lint_loaded(loaded, settings)
        # the model code actions and the baseline need: parsed once, here, not again on demand
        snapshot.__dict__["model"] = loaded.model
    snapshot.findings = result.findings
    snapshot.error = result.error
    if settings.baseline and result.findings and path is not None:  # (an untitled document: in no baseline)
        _mark_baselined(snapshot, result, path, settings)
    if result.source is not None and result.source.text is text:
        snapshot.__dict__["source"] = result.source  # its line index is already built
    return snapshot


def _mark_baselined(snapshot: Snapshot, result, path: str, settings) -> None:
    """Findings the baseline records are hidden, or shown as hints (setting baselineFindings)."""
    from dockerlint.kinds import plugin
    from dockerlint.state.baseline import baselined, load_cached

    baseline = load_cached(settings.baseline)
    if baseline is None or snapshot.model is None:
        return
    kind_plugin = plugin(result.kind)
    for f in result.findings:
        f.anchor = kind_plugin.anchor(f, snapshot.model, result.source)
    old = {id(f) for f in baselined(result.findings, path, baseline)}
    if settings.baseline_findings == "hint":
        snapshot.baselined = old
    else:
        snapshot.findings = [f for f in result.findings if id(f) not in old]


def chart_directory(path: str | None) -> str | None:
    """The Helm chart a template or values file belongs to (absolute), else None."""
    if path is None or not path.lower().endswith((".yaml", ".yml", ".tpl", ".txt")):
        return None
    from dockerlint.discovery import chart_of_file

    chart = chart_of_file(path)
    return os.path.abspath(chart) if chart is not None else None


def analyze_chart(uri, version, text, chart: str, path: str, configs, encoding: str, chart_texts: dict[str, str]) -> Snapshot:
    """Render the chart with this document's text (and the other open ones of the chart) and
    keep the findings and errors that land in this document."""
    from dockerlint.helm.chart import lint_chart

    settings, config_error = configs.settings_for(path)
    snapshot = Snapshot(uri, version, text, path, FileKind.HELM, settings, config_error=config_error, encoding=encoding)
    texts = dict(chart_texts)
    texts[path] = text
    here = os.path.abspath(path)
    for result in lint_chart(chart, settings, texts):
        if os.path.abspath(result.path) != here and not (result.error is not None and result.path.endswith("Chart.yaml")):
            continue
        if result.error is not None:
            snapshot.error = result.error
            continue
        snapshot.findings.extend(f for f in result.findings if os.path.abspath(f.path) == here)
    return snapshot


# ---- code actions -----------------------------------------------------------------------------

def _kind_requested(kind: str, only: list[str] | None) -> bool:
    kind = getattr(kind, "value", kind)  # lsprotocol's kinds are str enums; str() would name the member
    return not only or any(kind == k or kind.startswith(k + ".") for k in only)


def _workspace_edit(snapshot: Snapshot, edits: list[lsp.TextEdit], versioned: bool) -> lsp.WorkspaceEdit:
    if versioned:
        return lsp.WorkspaceEdit(
            document_changes=[
                lsp.TextDocumentEdit(
                    text_document=lsp.OptionalVersionedTextDocumentIdentifier(uri=snapshot.uri, version=snapshot.version),
                    edits=edits,
                )
            ]
        )
    return lsp.WorkspaceEdit(changes={snapshot.uri: edits})


def _text_edits(snapshot: Snapshot, edits) -> list[lsp.TextEdit]:
    return [lsp.TextEdit(range=snapshot.positions.range(e.start, e.end), new_text=e.content) for e in edits]


def minimal_edit(before: str, after: str) -> Edit:
    """One edit replacing only the part of `before` that differs from `after`."""
    limit = min(len(before), len(after))
    prefix = 0
    while prefix < limit and before[prefix] == after[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and before[-1 - suffix] == after[-1 - suffix]:
        suffix += 1
    return Edit(prefix, len(before) - suffix, after[prefix : len(after) - suffix])


def formatting_edits(snapshot: Snapshot, lines: tuple[int, int] | None = None) -> list[lsp.TextEdit] | None:
    """`dockerlint format` as one minimal edit (document formatting; with `lines`, 1-based and
    inclusive, range formatting of the instructions touching them). None for what is not a
    Dockerfile; no edit when nothing changes or the file does not parse (its diagnostic says
    why)."""
    if snapshot.kind is not FileKind.DOCKERFILE:
        return None
    from dockerlint.format import format_text
    from dockerlint.format.options import from_settings

    result = format_text(snapshot.text, from_settings(snapshot.settings), snapshot.path, lines)
    if result.error is not None or not result.changed:
        return []
    return _text_edits(snapshot, [minimal_edit(snapshot.text, result.text)])


def _expected_documents(snapshot: Snapshot) -> int | None:
    from dockerlint.kinds import plugin

    if snapshot.kind is None or snapshot.model is None:
        return None
    return plugin(snapshot.kind).document_count(snapshot.model)


def quick_fix(snapshot: Snapshot, finding: Finding, versioned: bool) -> lsp.CodeAction | None:
    applicability = effective_applicability(finding, snapshot.settings)
    if applicability not in (Applicability.SAFE, Applicability.UNSAFE):
        return None
    fixed = apply_edits(snapshot.text, finding.fix.edits)
    if not parses(snapshot.kind, fixed, snapshot.path, _expected_documents(snapshot)):
        return None  # the engine would refuse it too
    rule = ruleset.by_code().get(finding.code)
    description = finding.fix.description or (rule.summary() if rule else finding.message)
    title = f"Fix {finding.code}: {description}"
    if applicability is Applicability.UNSAFE:
        title = f"(unsafe) {title}"
    return lsp.CodeAction(
        title=title,
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[snapshot.finding_diagnostic(finding)],
        is_preferred=applicability is Applicability.SAFE,
        edit=_workspace_edit(snapshot, _text_edits(snapshot, finding.fix.edits), versioned),
    )


def _anchor_line(snapshot: Snapshot, finding: Finding) -> int:
    """The line a suppression comment goes above: the instruction's first line in a Dockerfile,
    the finding's own line in YAML."""
    if snapshot.kind is FileKind.DOCKERFILE and snapshot.model is not None:
        for ins in snapshot.model.instructions:
            if ins.span.start <= finding.span.start <= ins.span.end:
                return ins.span.line
    return finding.span.line


_PRAGMA_LINE = re.compile(r"^(?P<indent>[ \t]*)#[ \t]*dockerlint:[ \t]*ignore[ \t]*=[ \t]*(?P<codes>[\w.\-]+(?:[ \t]*,[ \t]*[\w.\-]+)*)[ \t]*$", re.I)


def ignore_edit(snapshot: Snapshot, finding: Finding) -> Edit | None:
    """Insert `# dockerlint: ignore=CODE` on its own line above, indented like that line, or add
    the code to such a comment already there. None where a comment cannot go."""
    source = snapshot.source
    line = _anchor_line(snapshot, finding)
    if snapshot.kind is FileKind.DOCKERFILE and source.line_text(line).lstrip().startswith("#"):
        return None  # a finding about the file itself, on a (maybe directive) comment line
    above = source.line_text(line - 1) if line > 1 else ""
    m = _PRAGMA_LINE.match(above)
    if m:
        start = source.line_start(line - 1)
        codes_start = start + m.start("codes")
        return Edit(codes_start, start + m.end("codes"), f"{m.group('codes')},{finding.code}")
    text = source.line_text(line)
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    start = source.line_start(line)
    newline = "\r\n" if snapshot.text[start + len(text) : start + len(text) + 2] == "\r\n" else "\n"
    if start == 0 and snapshot.text.startswith("\ufeff"):
        start, indent = 1, indent.lstrip("\ufeff")  # the byte order mark stays first
    return Edit.insert(start, f"{indent}# dockerlint: ignore={finding.code}{newline}")


def ignore_action(snapshot: Snapshot, finding: Finding, versioned: bool) -> lsp.CodeAction | None:
    from dockerlint.engine import lint_source

    edit = ignore_edit(snapshot, finding)
    if edit is None:
        return None
    new_text = apply_edits(snapshot.text, [edit])
    result = lint_source(new_text, snapshot.path, snapshot.settings, snapshot.kind)
    before = sum(f.code == finding.code for f in snapshot.findings)
    after = sum(f.code == finding.code for f in result.findings)
    if result.error is not None or after >= before:
        return None  # e.g. the line sits inside a block scalar, where a comment is content
    return lsp.CodeAction(
        title=f"Ignore {finding.code} here",
        kind=lsp.CodeActionKind.QuickFix,
        diagnostics=[snapshot.finding_diagnostic(finding)],
        edit=_workspace_edit(snapshot, _text_edits(snapshot, [edit]), versioned),
    )


def fix_all_action(snapshot: Snapshot, versioned: bool) -> lsp.CodeAction | None:
    """Every fix `dockerlint fix` would apply (unsafe ones too when unsafe fixes are enabled)."""
    unsafe = bool(snapshot.settings.unsafe_fixes)
    if snapshot.kind is None or not any(is_applied(f, snapshot.settings, unsafe) for f in snapshot.findings):
        return None
    outcome = fix_source(snapshot.text, snapshot.path, snapshot.settings, snapshot.kind, unsafe=unsafe)
    if outcome.error or outcome.text == snapshot.text:
        return None
    edit = minimal_edit(snapshot.text, outcome.text)
    count = sum(outcome.applied.values())
    title = "Fix all safe problems" if not unsafe else "Fix all problems (unsafe fixes included)"
    return lsp.CodeAction(
        title=f"{title} ({count} fix{'es' if count != 1 else ''})",
        kind=FIX_ALL_KIND,
        edit=_workspace_edit(snapshot, _text_edits(snapshot, [edit]), versioned),
    )


def code_actions(
    snapshot: Snapshot, start: int, end: int, only: list[str] | None, versioned: bool = True
) -> list[lsp.CodeAction]:
    actions: list[lsp.CodeAction] = []
    if _kind_requested(lsp.CodeActionKind.QuickFix, only):
        hit = [f for f in snapshot.findings if f.span.start <= end and start <= f.span.end]
        for finding in hit:
            if finding.fix is not None:
                action = quick_fix(snapshot, finding, versioned)
                if action is not None:
                    actions.append(action)
        for finding in hit:
            key = ("ignore", id(finding), versioned)
            if key not in snapshot.memo:
                snapshot.memo[key] = ignore_action(snapshot, finding, versioned)
            if snapshot.memo[key] is not None:
                actions.append(snapshot.memo[key])
    if _kind_requested(FIX_ALL_KIND, only):
        # Editors ask on every cursor move; the fix engine runs once per document version.
        key = ("fix-all", versioned)
        if key not in snapshot.memo:
            snapshot.memo[key] = fix_all_action(snapshot, versioned)
        if snapshot.memo[key] is not None:
            actions.append(snapshot.memo[key])
    return actions


# ---- hover ------------------------------------------------------------------------------------

_HOVER_SECTIONS = ("What it does", "Why is this bad?", "Fix safety")


def rule_hover_markdown(code: str, message: str) -> str | None:
    from dockerlint.docs import rule_markdown

    rule = ruleset.by_code().get(code)
    if rule is None:
        return None
    page = rule_markdown(rule)
    # Keep the title, the metadata list and the sections that explain the finding.
    head, *sections = re.split(r"^## ", page, flags=re.M)
    kept = [f"## {s.rstrip()}" for s in sections if s.split("\n", 1)[0].strip() in _HOVER_SECTIONS]
    parts = [f"**{code}**: {message}", head.rstrip(), *kept, f"[{code} documentation]({rule.docs_url()})"]
    return "\n\n".join(p for p in parts if p)


def image_hover_markdown(image: str, written: str) -> str | None:
    from dockerlint.images import knowledge
    from dockerlint.images.reference import parse_image

    ref = parse_image(image)
    data = knowledge.info(ref)
    if data is None:
        return None
    name = ref.official_name
    lines = [f"**{image}**: official image `{name}`" + (f" (`{written}` as written)" if written != image else "")]
    sizes = data.get("sizes", {})
    if sizes:
        listed = ", ".join(f"`{name}:{tag}` {mb:g} MB" for tag, (mb, _src) in sizes.items())
        lines.append(f"- Known sizes (compressed, amd64): {listed}")
    variants = []
    if data.get("slim"):
        variants.append("slim")
    if data.get("alpine"):
        variants.append("alpine (musl libc)")
    if data.get("distroless"):
        variants.append(f"distroless: `{data['distroless']}`")
    if variants:
        lines.append(f"- Variants: {', '.join(variants)}")
    if data.get("libc"):
        lines.append(f"- libc: {data['libc']}")
    if knowledge.is_lean_tag(ref.tag):
        lines.append(f"- `{ref.tag}` is already a lean variant")
    else:
        slimmer = knowledge.slimmer_variant(ref)
        if slimmer is not None:
            saved = f", about {slimmer.saved_mb:g} MB smaller compressed ({slimmer.source})" if slimmer.saved_mb else ""
            lines.append(f"- Slimmer: `{slimmer.image}`{saved}")
    table = knowledge.table()
    if table.get("_date"):
        lines.append(f"\n_Knowledge base of {table['_date']}._")
    return "\n".join(lines)


def _from_image_at(snapshot: Snapshot, offset: int):
    """(word, resolved image) when `offset` is on the image of a FROM instruction."""
    df = snapshot.model
    if snapshot.kind is not FileKind.DOCKERFILE or df is None:
        return None
    from dockerlint.rulekit.analysis import stage_infos

    for index, stage in enumerate(df.stages):
        ins = stage.from_
        if not ins.span.start <= offset <= ins.span.end:
            continue
        word = next((w for w in ins.words() if not w.value.startswith("--")), None)
        if word is None or not word.span.start <= offset <= word.span.end:
            return None
        info = stage_infos(df, snapshot.settings.build_args)[index]
        if info.parent is not None:
            return None  # `FROM build`: an earlier stage, not an image
        return word, info.image or word.value
    return None


def hover(snapshot: Snapshot, offset: int) -> lsp.Hover | None:
    parts: list[str] = []
    spans: list[tuple[int, int]] = []
    for finding in snapshot.findings:
        if finding.span.start <= offset <= finding.span.end:
            text = rule_hover_markdown(finding.code, finding.message)
            if text:
                parts.append(text)
                spans.append((finding.span.start, finding.span.end))
    found = _from_image_at(snapshot, offset)
    if found is not None:
        word, image = found
        text = image_hover_markdown(image, word.value)
        if text:
            parts.insert(0, text)
            spans.insert(0, (word.span.start, word.span.end))
    if not parts:
        return None
    start, end = spans[0]
    return lsp.Hover(
        contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)),
        range=snapshot.positions.range(start, end),
    )
