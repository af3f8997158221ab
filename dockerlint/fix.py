"""The one fix engine: choose applicable fixes, apply non-overlapping ones, re-parse, re-lint,
repeat to a fixed point (bounded). Rules never touch text; they only return edits.

A fix is refused, with the reason recorded in `FixOutcome.refusals`, when its result does not
parse, changes the number of YAML documents, deletes a comment line, or adds a finding: after a
fix no rule may report more findings than before (any rule, any severity). A fix that trades
one problem for another is not a fix an engineer would accept unreviewed.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dockerlint import ruleset
from dockerlint.model import Applicability, Edit, FileKind, Finding, Fix
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


@dataclass(frozen=True)
class Refusal:
    """A fix the engine would not apply, and why (for `fix --diff` / `--verbose`)."""

    code: str
    line: int  # of the finding, in the text as it was when the fix was tried
    description: str
    reason: str


@dataclass
class FixOutcome:
    """What fixing a text gave: the new text, fixes applied and refused, what remains."""

    text: str
    applied: Counter = field(default_factory=Counter)  # code -> fixes applied
    refused: Counter = field(default_factory=Counter)  # code -> fixes refused
    refusals: list[Refusal] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)  # what remains after fixing
    passes: int = 0
    converged: bool = True
    error: str | None = None

    @property
    def changed(self) -> bool:
        return sum(self.applied.values()) > 0


def added_findings(before: list[Finding], after: list[Finding]) -> list[Finding]:
    """Findings of every rule whose count grew from `before` to `after` (the surplus ones of
    each such rule: those not matched by message to a finding that was there before)."""
    old_codes = Counter(f.code for f in before)
    new_codes = Counter(f.code for f in after)
    grown = {c for c, n in new_codes.items() if n > old_codes[c]}
    if not grown:
        return []
    old_messages = Counter((f.code, f.message) for f in before if f.code in grown)
    out = []
    for f in after:
        if f.code not in grown:
            continue
        if old_messages[(f.code, f.message)] > 0:
            old_messages[(f.code, f.message)] -= 1
            continue
        out.append(f)
    return out or [f for f in after if f.code in grown]


def _describe_added(added: list[Finding]) -> str:
    first = added[0]
    more = f" (and {len(added) - 1} more)" if len(added) > 1 else ""
    return f"it would add {first.code} on line {first.span.line}: {first.message}{more}"


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
            and _refusal_key(current, f) not in refused_keys
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
        new_text, new_findings, reason = _apply_checked(current, path, settings, kind, documents, findings, chosen)
        accepted = chosen if reason is None else []
        if reason is not None and len(chosen) == 1:
            _refuse(outcome, refused_keys, current, chosen[0], reason)
        elif reason is not None:
            # Try the fixes one at a time: refuse the ones that fail alone, then apply the
            # others together (or, should they interfere, the first of them).
            good: list[tuple[Finding, str, list[Finding]]] = []
            for f in chosen:
                single_text, single_findings, single_reason = _apply_checked(current, path, settings, kind, documents, findings, [f])
                if single_reason is None:
                    good.append((f, single_text, single_findings))
                else:
                    _refuse(outcome, refused_keys, current, f, single_reason)
            if len(good) == 1:
                (f, new_text, new_findings), accepted = good[0], [good[0][0]]
            elif good:
                together = [f for f, _t, _n in good]
                new_text, new_findings, reason = _apply_checked(current, path, settings, kind, documents, findings, together)
                if reason is None:
                    accepted = together
                else:
                    (f, new_text, new_findings), accepted = good[0], [good[0][0]]
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


def _refusal_key(text: str, finding: Finding) -> tuple:
    """What identifies a fix across passes, whose offsets shift as other fixes apply: its rule,
    and each edit's line, replaced text and new text."""
    edits = []
    for e in finding.fix.edits:
        line_start = text.rfind("\n", 0, e.start) + 1
        line_end = text.find("\n", e.start)
        edits.append((text[line_start : line_end if line_end >= 0 else len(text)], e.start - line_start, text[e.start : e.end], e.content))
    return finding.code, tuple(edits)


def _refuse(outcome: FixOutcome, refused_keys: set, text: str, finding: Finding, reason: str) -> None:
    refused_keys.add(_refusal_key(text, finding))
    outcome.refused[finding.code] += 1
    outcome.refusals.append(Refusal(finding.code, finding.span.line, finding.fix.description, reason))


def _apply_checked(text, path, settings, kind, documents, before, chosen):
    """(new text, its findings, None) when the fixes in `chosen` may be applied together, else
    (text, before, the reason they may not)."""
    from dockerlint.engine import lint_source

    edits = [e for f in chosen for e in f.fix.edits]
    if drops_comment_line(text, edits):
        return text, before, "it would delete a comment line"
    try:
        new_text = apply_edits(text, edits)
    except OverlappingEdits:
        return text, before, "its edits overlap"
    # Linting the result is also its re-parse: a parse error, or a YAML stream that gained or
    # lost a document, refuses the fix.
    try:
        result = lint_source(new_text, path, settings, kind)
    except Exception as exc:
        return text, before, f"linting the result failed ({type(exc).__name__})"
    if result.error is not None:
        return text, before, f"the result does not parse ({result.error.message})"
    if result.documents != documents:
        return text, before, f"the result has {result.documents} YAML documents instead of {documents}"
    added = added_findings(before, result.findings)
    if added:
        return text, before, _describe_added(added)
    return new_text, result.findings, None


def fix_tree(results, relint, settings, unsafe: bool):
    """The fix engine for an input made of several files (a Helm chart, a Kustomize overlay):
    `results` are the findings of its files, `relint(texts)` lints the whole input again with
    some files' texts replaced. Each pass applies one batch of non-overlapping fixes per file,
    re-lints the whole input, and is refused when it brings an error or any new finding (then
    fixes go one per file until one is accepted); bounded like the file engine.

    Returns (results after fixing, [(path, before, after, encoding)], code -> fixes applied).
    """
    from dockerlint.files import read_file
    from dockerlint.model import SourceText

    def findings_of(rs):
        return [f for r in rs for f in r.findings]

    def errors_of(rs):
        return sum(1 for r in rs if r.error is not None)

    originals: dict[str, tuple[str, str]] = {}  # path -> (text, encoding)
    edited: dict[str, str] = {}
    applied: Counter = Counter()
    refused: set[tuple] = set()
    single = False  # after a refused pass, one fix per file until one is accepted
    for _ in range(MAX_PASSES * 2):
        candidates = [
            f for f in findings_of(results)
            if f.fix is not None and is_applied(f, settings, unsafe) and (f.path, f.code, f.fix.edits) not in refused
        ]
        by_file: dict[str, list[Finding]] = {}
        for f in sorted(candidates, key=lambda f: (f.path, f.fix.start, f.fix.end, f.code)):
            chosen = by_file.setdefault(f.path, [])
            if chosen and (single or f.fix.start < chosen[-1].fix.end or f.fix.start == chosen[-1].fix.end == f.fix.end):
                continue  # overlaps (or a second insertion at one point): the next pass
            chosen.append(f)
        if not by_file:
            break
        trial = dict(edited)
        accepted: list[Finding] = []
        for path, chosen in by_file.items():
            if path not in originals:
                decoded, error = read_file(path)
                if error is not None:
                    continue
                originals[path] = (decoded.text, decoded.encoding)
            current = trial.get(path, originals[path][0])
            edits = [e for f in chosen for e in f.fix.edits]
            if drops_comment_line(current, edits):
                refused.update((f.path, f.code, f.fix.edits) for f in chosen)
                continue
            try:
                trial[path] = apply_edits(current, edits)
            except OverlappingEdits:
                continue
            accepted += chosen
        if not accepted:
            break
        after = relint(trial)
        if errors_of(after) > errors_of(results) or added_findings(findings_of(results), findings_of(after)):
            if single or len(accepted) == 1:
                refused.update((f.path, f.code, f.fix.edits) for f in accepted)
            single = True
            continue
        for f in accepted:
            applied[f.code] += 1
        if trial == edited:
            break
        edited, results, single = trial, after, False
    changes = [(p, originals[p][0], text, originals[p][1]) for p, text in sorted(edited.items()) if text != originals[p][0]]
    for r in results:
        if r.path in edited:
            r.source = SourceText(edited[r.path], r.path)
    return results, changes, applied


__all__ = ["apply_edits", "added_findings", "fix_source", "fix_tree", "FixOutcome", "Refusal", "Fix", "Edit"]
