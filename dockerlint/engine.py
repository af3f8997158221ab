"""Lint one file: load (decode → classify → parse) → run the selected rules → the kind's
finishing step → suppress → severities. What differs between kinds of input is asked of the
kind's plug-in (`dockerlint.kinds`); nothing here branches on a kind."""
from __future__ import annotations

import dataclasses
from functools import lru_cache

from dockerlint import ruleset
from dockerlint.kinds import plugin
from dockerlint.loader import Loaded, load_path, load_text
from dockerlint.model import FileError, FileKind, FileResult, Finding, Severity, SourceText
from dockerlint.rule import Context
from dockerlint.settings import Settings

__all__ = ["lint_source", "lint_path", "lint_directory", "fix_directory", "run_rules", "selected_rules", "effective_severity"]


def effective_severity(finding: Finding, settings: Settings) -> Severity:
    overrides = settings.severity_overrides
    if not overrides:
        return finding.severity
    if finding.code in overrides:
        return overrides[finding.code]
    if finding.name in overrides:
        return overrides[finding.name]
    # longest matching prefix
    best = None
    for key, sev in overrides.items():
        if finding.code.startswith(key) and (best is None or len(key) > len(best[0])):
            best = (key, sev)
    return best[1] if best else finding.severity


def selected_rules(kind: FileKind, settings: Settings):
    select = tuple(settings.select) + tuple(settings.extend_select)
    rules = _selected_rules(kind, select, tuple(settings.ignore))
    if settings.policies is not None:  # custom rules (`custom-rules`): X codes
        rules = rules + settings.policies.selected(kind, select, settings.ignore)
    return rules


def selected_entries(kind: FileKind, settings: Settings) -> tuple:
    """The built-in rules selected for `kind`, as rule-index entries: what a caller that only
    needs their attributes (codes, `schema_issue`) can ask without importing them."""
    return _selected_entries(kind, tuple(settings.select) + tuple(settings.extend_select), tuple(settings.ignore))


@lru_cache(maxsize=256)
def _selected_entries(kind: FileKind, select: tuple[str, ...], ignore: tuple[str, ...]):
    found = {e.code: e for k in plugin(kind).rule_kinds for e in ruleset.entries_for(k, list(select), list(ignore))}
    return tuple(found[code] for code in sorted(found))


@lru_cache(maxsize=256)
def _selected_rules(kind: FileKind, select: tuple[str, ...], ignore: tuple[str, ...]):
    rule_kinds = plugin(kind).rule_kinds
    if len(rule_kinds) == 1:
        return tuple(ruleset.rules_for(next(iter(rule_kinds)), list(select), list(ignore)))
    rules = {r.code: r for k in rule_kinds for r in ruleset.rules_for(k, list(select), list(ignore))}
    return tuple(sorted(rules.values(), key=lambda r: r.code))


def run_rules(
    kind: FileKind, source: SourceText, model, settings: Settings, path: str, related: dict | None = None
) -> list[Finding]:
    """Raw rule results, before suppressions and severity handling. `related` receives the
    other files the rules read (path -> content digest, None if absent), for the cache."""
    ctx = Context(path=path, kind=kind, source=source, model=model, settings=settings)
    if related is not None:
        ctx.related = related
    for rule, options in _plan(kind, settings):
        ctx.rule = rule
        ctx.options = dict(options)  # a rule's own copy: it may change it
        try:
            rule().check(ctx)
        except RecursionError:
            ctx.findings.append(_internal_error(rule, path, "input nested too deeply"))
        except Exception as e:  # a rule bug must not cost the user the other rules' findings
            ctx.findings.append(_internal_error(rule, path, f"{type(e).__name__}: {e}"))
    ctx.rule = None
    return plugin(kind).finish(ctx.findings, model)


def _plan(kind: FileKind, settings: Settings) -> tuple:
    """The selected rules with their options. Without `rule-options` (most runs) a selection's
    plan is worked out once, not once per rule and file."""
    rules = selected_rules(kind, settings)
    if settings.rule_options:
        return tuple((r, r.option_values(settings.rule_options.get(r.code))) for r in rules)
    return _per_selection(_PLANS, rules, lambda: tuple((r, r.option_values(None)) for r in rules))


def _per_selection(table: dict, rules: tuple, make):
    """`make()`, worked out once per selection (the cached tuple of `rules`): `table` keeps it
    under the tuple's id, with the tuple, so that a new tuple at the same address is not taken
    for it."""
    found = table.get(id(rules))
    if found is None or found[0] is not rules:
        if len(table) > 256:
            table.clear()
        found = table[id(rules)] = (rules, make())
    return found[1]


_PLANS: dict[int, tuple] = {}


def _same_finding_codes(kind: FileKind, settings: Settings) -> dict[str, str]:
    """Code -> the code it folds into, of the selected rules: worked out once per selection
    (a walk over 126 rules for every Dockerfile was 0.4% of linting the corpus)."""
    rules = selected_rules(kind, settings)
    return _per_selection(_FOLDS, rules, lambda: {r.code: r.same_finding_as for r in rules if r.same_finding_as})


_FOLDS: dict[int, tuple] = {}


def _internal_error(rule, path: str, detail: str) -> Finding:
    from dockerlint.model import Span

    return Finding(
        code=rule.code,
        name=rule.name,
        severity=Severity.ERROR,
        message=f"internal error in rule {rule.code} ({detail}); please report it",
        span=Span(0, 0, 1, 1, 1, 1),
        path=path,
    )


def preset_level_filter(findings: list[Finding], settings: Settings) -> list[Finding]:
    """Under `--select pss-restricted` (or baseline), a rule chosen only through that preset
    reports only findings that violate a control of the level (its `PSS:<level>:` aliases):
    a missing AppArmor profile is good advice but not a Pod Security Standards violation."""
    selectors = list(settings.select) + list(settings.extend_select)
    levels = {s.lower()[4:] for s in selectors if s.lower().startswith("pss-")}
    if not levels:
        return findings
    others = [s for s in selectors if not s.lower().startswith("pss-")]
    kept = []
    for f in findings:
        rule = ruleset.rule_class(f.code)
        if rule is not None and any(ruleset.matches(rule, s) for s in others):
            kept.append(f)
        elif any(a.startswith(f"PSS:{level}:") for a in f.aliases for level in levels):
            kept.append(f)
    return kept


def lint_source(
    text: str,
    path: str,
    settings: Settings,
    kind: FileKind | None = None,
    documents=None,
) -> FileResult:
    """Lint text already in memory (stdin, the editor, the fix engine).

    `documents`: YAML documents already parsed from this text (detection parses YAML to tell
    Kubernetes from Compose), reused instead of parsing again.
    """
    loaded = load_text(text, path, kind, documents=documents)
    if loaded is None:
        return FileResult(path, None)
    if isinstance(loaded, FileError):
        return FileResult(path, loaded.kind or kind, error=loaded, source=SourceText(text, path))
    return lint_loaded(loaded, settings)


def lint_loaded(loaded: Loaded, settings: Settings) -> FileResult:
    """Run the selected rules on a loaded file; suppressions and severities applied."""
    kind, source, model, path = loaded.kind, loaded.source, loaded.model, loaded.path
    kind_plugin = plugin(kind)
    related: dict = {}
    findings = run_rules(kind, source, model, settings, path, related)
    findings = preset_level_filter(findings, settings)
    findings = kind_plugin.suppress(findings, model, source, settings)
    result = []
    for f in findings:
        f.severity = effective_severity(f, settings)
        if f.severity is Severity.IGNORE:
            continue
        result.append(f)
    result = fold_same_findings(result, _same_finding_codes(kind, settings))
    result.sort(key=Finding.sort_key)
    return FileResult(path, kind, result, source=source, documents=kind_plugin.document_count(model), related=related)


def lint_path(path: str, settings: Settings, kind: FileKind | None = None) -> FileResult:
    loaded = load_path(path, kind)
    if loaded is None:
        return FileResult(path, None)
    if isinstance(loaded, FileError):
        return FileResult(path, loaded.kind or kind, error=loaded)
    return lint_loaded(loaded, settings)


# ---- one concept, one finding ------------------------------------------------------------------
# One concept, one finding: fold a finding into the one another rule reports at the same place.
# 
# A rule that judges the same concept as another (BuildKit's `WorkdirRelativePath` and hadolint's
# DL3000 both flag `WORKDIR app`) declares `same_finding_as = "DL3000"`. When both report a
# finding starting at the same position (or, failing that, on the same line), the other rule's finding is kept (a `DL` code keeps
# hadolint's meaning) and this rule's code and aliases are added to its aliases. When only this
# rule reports (its test differs, or the other rule is not selected or is suppressed there), its
# finding stands on its own.
def fold_same_findings(findings: list[Finding], primary_of: dict[str, str]) -> list[Finding]:
    """`primary_of`: code -> the code it folds into, for the rules that ran."""
    if not primary_of or len(findings) < 2:
        return findings
    at: dict[tuple[str, int, str], int] = {}
    on_line: dict[tuple[str, int, str], int] = {}
    for i, f in enumerate(findings):
        at.setdefault((f.path, f.span.start, f.code), i)
        on_line.setdefault((f.path, f.span.line, f.code), i)
    out: list[Finding | None] = list(findings)
    for i, f in enumerate(findings):
        primary = primary_of.get(f.code)
        if primary is None:
            continue
        # the same start; else the same line (BuildKit reports at the instruction, hadolint
        # rules at its arguments)
        j = at.get((f.path, f.span.start, primary))
        if j is None:
            j = on_line.get((f.path, f.span.line, primary))
        if j is None or out[j] is None:
            continue
        kept = out[j]
        extra = tuple(a for a in (f.code, *f.aliases) if a not in kept.aliases and a != kept.code)
        out[j] = dataclasses.replace(kept, aliases=kept.aliases + extra, fix=kept.fix or f.fix)
        out[i] = None
    return [f for f in out if f is not None]
def lint_directory(path: str, kind: FileKind, settings: Settings) -> list[FileResult]:
    """A directory-level input (a Helm chart): one result per file its findings land in."""
    return plugin(kind).lint_directory(path, settings)


def fix_directory(path: str, kind: FileKind, settings: Settings):
    """Fix a directory-level input in memory: (results, [(path, before, after, encoding)], applied)."""
    return plugin(kind).fix_directory(path, settings)
