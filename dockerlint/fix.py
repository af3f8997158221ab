"""The one fix engine: choose applicable fixes, apply non-overlapping ones, re-parse, re-lint,
repeat to a fixed point (bounded). A result that does not parse, or that brings a new finding
more severe than what it fixed, is refused. Rules never touch text; they only return edits.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dockerlint import ruleset
from dockerlint.model import Applicability, Edit, FileKind, Finding, Fix, Severity
from dockerlint.settings import Settings

MAX_PASSES = 10


class OverlappingEdits(ValueError):
    pass


def apply_edits(text: str, edits) -> str:
    """Apply non-overlapping edits given against `text`."""
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    out: list[str] = []
    position = 0
    for e in ordered:
        if e.start < position:
            raise OverlappingEdits(f"edit at {e.start} overlaps the previous one ending at {position}")
        out.append(text[position : e.start])
        out.append(e.content)
        position = e.end
    out.append(text[position:])
    return "".join(out)


def drops_comment_line(text: str, edits) -> bool:
    """Would these edits delete a whole comment line? A fix may move or keep comments, never
    lose one; the engine refuses it whatever the rule (a trailing comment on a line the fix
    removes goes with it: that is not a comment line)."""
    for e in edits:
        if e.end <= e.start:
            continue
        start = text.rfind("\n", 0, e.start) + 1
        for line in text[start : e.end].splitlines():
            stripped = line.strip()
            if stripped.startswith("#") and stripped not in e.content:
                return True
    return False


def effective_applicability(finding: Finding, settings: Settings) -> Applicability | None:
    """The fix's applicability after config; None when the rule is unfixable by config."""
    if finding.fix is None:
        return None
    rule = ruleset.rule_class(finding.code)
    if rule is None and settings.policies is not None:  # a custom rule (X code)
        rule = next((r for r in settings.policies.native if r.code == finding.code), None)

    def listed(selectors):
        return rule is not None and any(ruleset.matches(rule, s) for s in selectors)

    if listed(settings.unfixable):
        return None
    applicability = finding.fix.applicability
    if applicability is Applicability.DISPLAY_ONLY:
        return applicability
    if applicability is Applicability.UNSAFE and listed(settings.extend_safe_fixes):
        return Applicability.SAFE
    if applicability is Applicability.SAFE and listed(settings.extend_unsafe_fixes):
        return Applicability.UNSAFE
    return applicability


def is_applied(finding: Finding, settings: Settings, unsafe: bool) -> bool:
    a = effective_applicability(finding, settings)
    return a is Applicability.SAFE or (a is Applicability.UNSAFE and unsafe)


def parses(kind: FileKind, text: str, path: str, expected_documents: int | None) -> bool:
    """Does `text` still parse as `kind`, with the documents it had?"""
    from dockerlint.kinds import plugin
    from dockerlint.loader import parse_source
    from dockerlint.model import ParseError, SourceText

    try:
        model = parse_source(SourceText(text, path), kind)
    except ParseError:
        return False
    return expected_documents is None or plugin(kind).document_count(model) == expected_documents


@dataclass
class FixOutcome:
    text: str
    applied: Counter = field(default_factory=Counter)  # code -> fixes applied
    refused: Counter = field(default_factory=Counter)  # code -> fixes refused (did not parse / worse)
    findings: list[Finding] = field(default_factory=list)  # what remains after fixing
    passes: int = 0
    converged: bool = True
    error: str | None = None

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


def _worst(findings) -> Severity:
    return min((f.severity for f in findings), default=Severity.IGNORE)


def _introduces_worse(before: list[Finding], after: list[Finding], fixed: list[Finding]) -> bool:
    """Does `after` hold a finding of a new code more severe than everything that was fixed?"""
    old_codes = Counter(f.code for f in before)
    new_codes = Counter(f.code for f in after)
    worst_fixed = _worst(fixed)
    for f in after:
        if new_codes[f.code] > old_codes[f.code] and f.severity < worst_fixed:
            return True
    return False


def fix_source(
    text: str,
    path: str,
    settings: Settings,
    kind: FileKind | None = None,
    *,
    unsafe: bool | None = None,
    only: set[str] | None = None,
) -> FixOutcome:
    """Fix text in memory. `only` restricts fixing to these codes (the LSP's single quick fix)."""
    from dockerlint.engine import lint_source

    unsafe = settings.unsafe_fixes if unsafe is None else unsafe
    outcome = FixOutcome(text)
    result = lint_source(text, path, settings, kind)
    if result.error is not None or result.kind is None:
        outcome.error = result.error.message if result.error else None
        return outcome
    kind = result.kind
    documents = result.documents
    findings = result.findings
    current = text
    refused_keys: set[tuple] = set()
    for passes in range(1, MAX_PASSES + 1):
        outcome.passes = passes
        candidates = [
            f
            for f in findings
            if is_applied(f, settings, unsafe)
            and (only is None or f.code in only)
            and (f.code, f.fix.edits) not in refused_keys
        ]
        if not candidates:
            break
        chosen: list[Finding] = []
        end = -1
        for f in sorted(candidates, key=lambda f: (f.fix.start, f.fix.end, f.code)):
            if f.fix.start < end or (chosen and f.fix.start == end == f.fix.end):
                continue  # overlaps: left for the next pass
            chosen.append(f)
            end = f.fix.end
        new_text, new_findings, accepted = _apply_checked(current, path, settings, kind, documents, findings, chosen)
        if not accepted:
            # Try the fixes one at a time, keeping the good ones.
            for f in chosen:
                single_text, single_findings, ok = _apply_checked(current, path, settings, kind, documents, findings, [f])
                if ok:
                    new_text, new_findings, accepted = single_text, single_findings, [f]
                    break
                refused_keys.add((f.code, f.fix.edits))
                outcome.refused[f.code] += 1
        if not accepted:
            continue
        for f in accepted:
            outcome.applied[f.code] += 1
        if new_text == current:
            break
        current, findings = new_text, new_findings
    else:
        outcome.converged = False
    outcome.text = current
    outcome.findings = findings
    return outcome


def _apply_checked(text, path, settings, kind, documents, before, chosen):
    from dockerlint.engine import lint_source

    edits = [e for f in chosen for e in f.fix.edits]
    if drops_comment_line(text, edits):
        return text, before, []
    try:
        new_text = apply_edits(text, edits)
    except OverlappingEdits:
        return text, before, []
    # Linting the result is also its re-parse: a parse error, or a YAML stream that gained or
    # lost a document, refuses the fix.
    try:
        result = lint_source(new_text, path, settings, kind)
    except Exception:
        return text, before, []
    if result.error is not None or result.documents != documents:
        return text, before, []
    if _introduces_worse(before, result.findings, chosen):
        return text, before, []
    return new_text, result.findings, chosen


__all__ = ["apply_edits", "fix_source", "FixOutcome", "Fix", "Edit"]
