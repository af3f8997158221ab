"""`--format json`: the stable contract (lines and columns 1-based).

Layout: the document is indented, each finding and error is one line. `json.dumps(indent=2)`
runs CPython's pure-Python encoder (its C encoder has no indentation before 3.14), which was
2.2 of the 2.7 s a cached run of the Dockerfile corpus spent on 27,656 findings; one compact
line per finding goes through the C encoder, and a `grep` of the output shows whole findings.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from functools import lru_cache

from dockerlint.docs import rule_url

from dockerlint import __version__
from dockerlint.model import APPLICABILITY_BY_VALUE, SEVERITY_BY_NUMBER, Applicability, CachedResult, StoredFix
from dockerlint.report.common import ONE_LINE, Encoded, dumps_pieces, fix_dict, joined, relative


def finding_dict(result, finding, root: str, url=None, path: str | None = None) -> dict:
    """A finding as the report's dictionary: the reference `finding_line` writes as text."""
    s = finding.span
    return {
        "code": finding.code,
        "name": finding.name,
        "severity": str(finding.severity),
        "message": finding.message,
        "path": relative(finding.path, root) if path is None else path,
        "line": s.line,
        "column": s.col,
        "end_line": s.end_line,
        "end_column": s.end_col,
        "aliases": list(finding.aliases),
        "url": (url or rule_url)(finding.code),
        "fix": fix_dict(finding, result.source),
        **({"related": [
            {"path": relative(loc.path, root), "line": loc.line, "column": loc.col, "message": loc.message}
            for loc in finding.related
        ]} if finding.related else {}),
    }


_STRING = json.encoder.encode_basestring  # the C encoder's string form (ensure_ascii=False)
_TEXT = {a: str(a) for a in Applicability}


def finding_line(result, finding, root: str, url, path: str | None = None, parts: dict | None = None) -> str:
    """`ONE_LINE(finding_dict(...))`, written directly: building the dictionary and encoding it
    was most of the time a cached run spent rendering (tests hold the two equal). `parts`
    remembers the text of what a rule's findings share (code, name, severity; aliases, url),
    under tuple keys, and the JSON form of the strings findings repeat (paths, messages, fix
    descriptions and edits: 19,806 messages of the Kubernetes corpus are 4,937 distinct ones),
    under the string."""
    parts = {} if parts is None else parts
    s = finding.span
    fix = finding.fix
    if fix is None or result.source is None:
        fix_text = "null"
    elif type(fix) is StoredFix:  # read back from the cache with its edits' positions: no Edit made
        fix_text = _fix_text(fix.applicability, fix.description, fix.stored, None, parts)
    else:
        position = result.source.position
        texts = []
        for e in fix.edits:
            line, col = position(e.start)
            end_line, end_col = (line, col) if e.end == e.start else position(e.end)  # an insertion: one search
            texts.append(_edit_text(e.content, line, col, end_line, end_col, parts))
        fix_text = _fix_json(fix.applicability, fix.description, texts, parts)
    related = [(loc.path, loc.line, loc.col, loc.message) for loc in finding.related] if finding.related else None
    shown = relative(finding.path, root) if path is None else path
    return _line(finding.code, finding.name, finding.severity, finding.message, shown, s.line, s.col, s.end_line, s.end_col,
                 finding.aliases, fix_text, related, root, url, parts)


def stored_line(result, entry: tuple, shown: str, root: str, url, parts: dict) -> str:
    """`finding_line` of a finding the result cache stored (`CachedResult.stored_findings`), from
    the stored tuple: no Finding, Fix or Edit is made to write it."""
    code, name, severity, message, _start, _end, line, col, end_line, end_col, aliases, _anchor, fix, locations = entry
    if fix is None:
        fix_text = "null"
    else:
        applicability, description, edits = fix
        fix_text = _fix_text(APPLICABILITY_BY_VALUE[applicability], description, edits, result.source.position, parts)
    return _line(code, name, SEVERITY_BY_NUMBER[severity], message, shown, line, col, end_line, end_col, aliases, fix_text, locations,
                 root, url, parts)


def _fix_text(applicability, description: str, edits, position, parts: dict) -> str:
    """A fix as JSON, from its edits as (start, end, content, line, col, end_line, end_col), or
    as (start, end, content) with `position` to place them."""
    texts = []
    for e in edits:
        if len(e) == 7:
            texts.append(_edit_text(e[2], e[3], e[4], e[5], e[6], parts))
        else:
            texts.append(_edit_text(e[2], *position(e[0]), *position(e[1]), parts))
    return _fix_json(applicability, description, texts, parts)


def _fix_json(applicability, description: str, edit_texts: list, parts: dict) -> str:
    return (f'{{"applicability": "{_TEXT[applicability]}", "description": {_encoded(description, parts)}, '
            f'"edits": [{", ".join(edit_texts)}]}}')


def _line(code: str, name: str, severity, message: str, shown: str, line: int, col: int, end_line: int, end_col: int,
          aliases: tuple, fix_text: str, related, root: str, url, parts: dict) -> str:
    head = parts.get((code, name, severity))
    if head is None:
        head = parts[(code, name, severity)] = (
            f'{{"code": {_STRING(code)}, "name": {_STRING(name)}, "severity": "{severity}", "message": ')
    tail = parts.get((code, aliases))
    if tail is None:
        tail = parts[(code, aliases)] = (
            f'"aliases": [{", ".join(map(_STRING, aliases))}], "url": {_STRING(url(code))}, "fix": ')
    related_text = ""
    if related:
        related_text = ', "related": [' + ", ".join(
            f'{{"path": {_STRING(relative(where, root))}, "line": {ONE_LINE(at_line)}, '
            f'"column": {ONE_LINE(at_col)}, "message": {_STRING(note)}}}'
            for where, at_line, at_col, note in related) + "]"
    return (f'{head}{_encoded(message, parts)}, "path": {_encoded(shown, parts)}, '
            f'"line": {line}, "column": {col}, "end_line": {end_line}, "end_column": {end_col}, '
            f'{tail}{fix_text}{related_text}}}')


def _edit_text(content: str, line: int, col: int, end_line: int, end_col: int, parts: dict) -> str:
    return (f'{{"content": {_encoded(content, parts)}, "line": {line}, "column": {col}, '
            f'"end_line": {end_line}, "end_column": {end_col}}}')


def _encoded(text: str, parts: dict) -> str:
    """`_STRING(text)`, remembered in `parts` under the string."""
    found = parts.get(text)
    if found is None:
        found = parts[text] = _STRING(text)
    return found


page_url = lru_cache(maxsize=None)(rule_url)  # one page per code, computed once per process


def render(results, options) -> str:
    return joined(render_pieces(results, options))


def render_pieces(results, options) -> list:
    """The report as pieces of text, in order: the command line writes them without joining
    them into one string first (megabytes for a large run, in freshly faulted-in memory). A
    cached result's stored lines are a piece as the cache holds them: a string, or UTF-8 in
    its pack (bytes-like; `report.common.joined` makes one string of pieces)."""
    root = options.root
    lines = []
    by_severity: Counter = Counter()
    fixable = 0
    count = 0  # findings (an item of `lines` may hold several)
    parts: dict = {}
    cwd = os.getcwd()
    for r in results:
        stored = None
        if type(r) is CachedResult:  # read back from the result cache, none made into a Finding: written as stored
            ready = r.stored_json  # the lines the run that stored it wrote, for the same path
            shown = relative(r.path, root, cwd)
            if ready is not None and ready[0] == shown:
                lines.append(ready[1])  # several lines in one item: `dumps` puts LINE_BREAK between items
                for severity, n in ready[2]:
                    by_severity[SEVERITY_BY_NUMBER[severity]] += n
                    count += n
                fixable += ready[3]
                continue  # (its findings not even unpacked)
            stored = r.stored_findings
        if stored is not None:
            count += len(stored)
            lines.extend([stored_line(r, entry, shown, root, page_url, parts) for entry in stored])
            for entry in stored:
                by_severity[SEVERITY_BY_NUMBER[entry[2]]] += 1
                fix = entry[12]
                if fix is not None and APPLICABILITY_BY_VALUE[fix[0]] is not Applicability.DISPLAY_ONLY:
                    fixable += 1
        elif r.findings:
            shown = relative(r.path, root, cwd)  # a file's findings share its path (asked once)
            for f in r.findings:
                lines.append(finding_line(r, f, root, page_url, shown if f.path == r.path else None, parts))
                count += 1
                by_severity[f.severity] += 1
                if f.fix is not None and r.source is not None and f.fix.applicability is not Applicability.DISPLAY_ONLY:
                    fixable += 1
    errors = [
        {
            "path": relative(r.error.path, options.root),
            "code": r.error.code,
            "message": r.error.message,
            "line": r.error.line,
            "column": r.error.column,
        }
        for r in results
        if r.error is not None
    ]
    document = {
        "version": __version__,
        "findings": Encoded(lines),
        "errors": errors,
        "summary": {
            "files": len(results),
            "findings": count,
            "errors": len(errors),
            "fixable": fixable,
            "by_severity": dict(sorted((str(s), n) for s, n in by_severity.items())),
            **({"baselined": options.extra["baselined"]} if "baselined" in options.extra else {}),
        },
    }
    # no intermediate string: a cached run's report is megabytes of findings, and each string
    # of that size was another copy into freshly faulted-in memory
    return dumps_pieces(document, frozenset({"findings", "errors"}))


LINE_BREAK = ",\n    "  # between two findings (or errors): what `dumps_lines` puts between a top-level list's items
