"""Suppression comments and pragmas.

dockerlint's own forms (any file kind):
    # dockerlint: ignore=DL3008,untagged-base-image   next instruction (Dockerfile) / this or next line (YAML)
    # dockerlint: ignore-file=KS003                   the whole file
hadolint's forms (Dockerfiles), with hadolint's exact semantics:
    # hadolint ignore=DL3008      failures on the very next line only
    # hadolint global ignore=...  the whole file
    # hadolint stage ignore=...   lines after the next line, through the next FROM
BuildKit's `# check=skip=Name1,Name2` (or `skip=all`) directive skips Docker build checks by
their BuildKit names (our rules list them among their aliases as `BuildKit:<Name>`): as a
parser directive at the top, in the whole file; as a comment on the line right before an
instruction, for that instruction only.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from dockerlint.model import Finding
from dockerlint.rulekit.patterns import lazy

HADOLINT_PRAGMA = lazy(
    r"^[ \t]*hadolint[ \t]+(?P<scope>ignore|global[ \t]+ignore|stage[ \t]+ignore)"
    r"[ \t]*=[ \t]*(?P<codes>[DLSC0-9]+(?:[ \t]*,[ \t]*[DLSC0-9]+)*)[ \t]*(?:#.*)?$"
)
HADOLINT_SHELL_PRAGMA = lazy(r"^[ \t]*hadolint[ \t]+shell[ \t]*=[ \t]*(?P<shell>\S+)[ \t]*(?:#.*)?$")
DOCKERLINT_PRAGMA = lazy(
    r"^[ \t]*dockerlint:[ \t]*(?P<scope>ignore-file|ignore)[ \t]*(?:=[ \t]*(?P<codes>[\w.,\- \t]*?))?[ \t]*(?:#.*)?$",
    re.IGNORECASE,
)


def _codes(text: str | None) -> list[str]:
    if not text:
        return ["ALL"]
    return [c.strip() for c in text.split(",") if c.strip()]


def code_matches(finding: Finding, entry: str) -> bool:
    e = entry.strip()
    if e.upper() == "ALL":
        return True
    if e.lower() == finding.name:
        return True
    return finding.code.upper().startswith(e.upper())


@dataclass
class Pragma:
    """An inline ignore comment (hadolint's or dockerlint's) and what it covers."""

    line: int  # 1-based line of the comment
    scope: str  # "ignore", "global", "stage", "file", "next-instruction", "line"
    codes: list[str]
    origin: str  # "hadolint" or "dockerlint"


@dataclass
class SuppressionSet:
    """The inline ignore comments of a file."""

    pragmas: list[Pragma] = field(default_factory=list)

    def covers(self, finding: Finding, anchor_line: int, next_instruction_line, next_from_line) -> bool:
        for p in self.pragmas:
            if not any(code_matches(finding, c) for c in p.codes):
                continue
            if p.scope in ("global", "file"):
                return True
            if p.scope == "ignore" and anchor_line == p.line + 1:
                return True
            if p.scope == "next-instruction" and anchor_line == next_instruction_line(p.line):
                return True
            if p.scope == "stage":
                end = next_from_line(p.line + 1)
                if p.line + 1 < anchor_line and (end is None or anchor_line <= end):
                    return True
            if p.scope == "line" and finding.span.line in (p.line, p.line + 1):
                return True
            if p.scope == "same-line" and finding.span.line == p.line:
                return True
            if p.scope == "next-line" and finding.span.line == p.line + 1:
                return True
        return False


def parse_comment(text: str, line: int, *, dockerfile: bool) -> Pragma | None:
    """Parse the text after '#' of one comment."""
    if dockerfile:
        m = HADOLINT_PRAGMA.match(text)
        if m:
            scope = m.group("scope").split()[0]
            codes = [c.strip() for c in m.group("codes").split(",")]
            return Pragma(line, scope, codes, "hadolint")
    m = DOCKERLINT_PRAGMA.match(text)
    if m:
        file_level = m.group("scope").lower() == "ignore-file"
        scope = "file" if file_level else ("next-instruction" if dockerfile else "line")
        return Pragma(line, scope, _codes(m.group("codes")), "dockerlint")
    return None


def check_directive_skips(directives: dict[str, str]) -> list[str]:
    """BuildKit `# check=skip=A,B;error=true` → the skipped check names (or ["all"])."""
    value = directives.get("check", "")
    skips: list[str] = []
    for part in value.split(";"):
        key, _, val = part.partition("=")
        if key.strip().lower() == "skip":
            skips += [v.strip() for v in val.split(",") if v.strip()]
    return skips


_CHECK_COMMENT = lazy(r"^check[ \t]*=(?P<value>.*)$", re.IGNORECASE)


def _skips_of(value: str) -> set[str]:
    return {s.lower() for s in check_directive_skips({"check": value})}


def instruction_check_skips(df) -> dict[int, set[str]]:
    """Instruction line -> BuildKit names skipped by a `# check=skip=...` comment on the line
    right before it (or on the comment lines directly above it)."""
    by_line = {c.span.line: c for c in df.comments}
    out: dict[int, set[str]] = {}
    for ins in df.instructions:
        line = ins.span.line - 1
        while line in by_line:
            m = _CHECK_COMMENT.match(by_line[line].text)
            if m:
                out.setdefault(ins.span.line, set()).update(_skips_of(m.group("value")))
            line -= 1
    return out


def _skipped(f: Finding, skips: set[str]) -> bool:
    return any(a.startswith("BuildKit:") and (a[9:].lower() in skips or "all" in skips) for a in f.aliases)


def filter_dockerfile(findings: list[Finding], df, disable_ignore_pragma: bool) -> list[Finding]:
    pragmas = SuppressionSet()
    for comment in df.comments:
        pragma = parse_comment(comment.text, comment.span.line, dockerfile=True)
        if pragma is None or (disable_ignore_pragma and pragma.origin == "hadolint"):
            continue
        pragmas.pragmas.append(pragma)
    skips = {s.lower() for s in check_directive_skips(df.directives)}
    local_skips = instruction_check_skips(df)
    if not pragmas.pragmas and not skips and not local_skips:
        return findings

    starts = [i.span.start for i in df.instructions]
    lines = [i.span.line for i in df.instructions]
    from_lines = [i.span.line for i in df.instructions if i.keyword == "FROM"]

    def anchor(f: Finding) -> int:
        k = bisect.bisect_right(starts, f.span.start) - 1
        if k >= 0 and df.instructions[k].span.start <= f.span.start <= df.instructions[k].span.end:
            return df.instructions[k].span.line
        return f.span.line

    def next_instruction_line(line: int):
        k = bisect.bisect_right(lines, line)
        return lines[k] if k < len(lines) else None

    def next_from_line(line: int):
        k = bisect.bisect_right(from_lines, line)
        return from_lines[k] if k < len(from_lines) else None

    kept = []
    for f in findings:
        if skips and _skipped(f, skips):
            continue
        if local_skips and _skipped(f, local_skips.get(anchor(f), set())):
            continue
        if pragmas.pragmas and pragmas.covers(f, anchor(f), next_instruction_line, next_from_line):
            continue
        kept.append(f)
    return kept


def yaml_comment_pragmas(comments, source=None) -> SuppressionSet:
    """`comments` is an iterable of (line, column, text-after-#).

    A comment alone on its line covers the next line; a comment after content covers its own
    line only.
    """
    pragmas = SuppressionSet()
    for line, col, text in comments:
        pragma = parse_comment(text, line, dockerfile=False)
        if pragma is None:
            continue
        if pragma.scope == "line" and source is not None:
            trailing = source.line_text(line)[: col - 1].strip() != ""
            pragma.scope = "same-line" if trailing else "next-line"
        pragmas.pragmas.append(pragma)
    return pragmas


def filter_yaml(findings: list[Finding], pragmas: SuppressionSet) -> list[Finding]:
    if not pragmas.pragmas:
        return findings
    return [
        f
        for f in findings
        if not pragmas.covers(f, f.span.line, lambda _l: None, lambda _l: None)
    ]
