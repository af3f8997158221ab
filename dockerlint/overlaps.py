"""One concept, one finding: fold a finding into the one another rule reports at the same place.

A rule that judges the same concept as another (BuildKit's `WorkdirRelativePath` and hadolint's
DL3000 both flag `WORKDIR app`) declares `same_finding_as = "DL3000"`. When both report a
finding starting at the same position (or, failing that, on the same line), the other rule's finding is kept (a `DL` code keeps
hadolint's meaning) and this rule's code and aliases are added to its aliases. When only this
rule reports (its test differs, or the other rule is not selected or is suppressed there), its
finding stands on its own.
"""
from __future__ import annotations

from dataclasses import replace

from dockerlint.model import Finding


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
        out[j] = replace(kept, aliases=kept.aliases + extra, fix=kept.fix or f.fix)
        out[i] = None
    return [f for f in out if f is not None]
