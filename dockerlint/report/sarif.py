"""`--format sarif`: SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

Decisions:
- `tool.driver.rules` lists only the rules that have a result in this run (sorted by code),
  which keeps uploads small; a rule with no result carries no information for a viewer.
- Security rules (`Rule.security`) get the tag "security" and a `security-severity` that
  GitHub turns into critical/high/medium/low: error 8.0 (high), warning 5.5 (medium),
  info 3.0 (low), style 1.0 (low), from the rule's default severity.
- `partialFingerprints["dockerlint/v1"]` is the line-independent fingerprint of
  report/anchors.py, so alerts follow a finding when lines above it are added or removed.
- Safe and unsafe fixes are emitted as `fixes` (unsafe ones say so in their description);
  display-only suggestions are not, since SARIF viewers offer fixes for applying.
- Columns are 1-based Unicode code points (`columnKind: unicodeCodePoints`); URIs are relative
  to `%SRCROOT%` (the report root) when the file lies under it.
"""
from __future__ import annotations

from dockerlint.docs import REPOSITORY_URL
from pathlib import Path
from urllib.parse import quote

from dockerlint import __version__
from dockerlint.model import Applicability, Severity
from dockerlint.report.anchors import FINGERPRINT_KEY, finding_region, fingerprints
from dockerlint.report.common import dumps_lines, relative

INFORMATION_URI = REPOSITORY_URL
SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"

LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note", Severity.STYLE: "note"}
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "3.0", Severity.STYLE: "1.0"}


def artifact_location(path: str, root: str) -> dict:
    rel = relative(path, root)
    if rel == "-":
        return {"uri": "stdin"}
    if Path(rel).is_absolute():
        return {"uri": Path(rel).as_uri()}
    return {"uri": quote(rel, safe="/"), "uriBaseId": SRCROOT}


def rule_descriptor(code: str, name: str) -> dict:
    from dockerlint import ruleset
    from dockerlint.docs import rule_markdown

    rule = ruleset.rule_class(code)  # its module only (`by_code` imports every rule)
    if rule is None:  # ShellCheck codes, internal errors: nothing more is known
        return {"id": code, "name": name or code, "shortDescription": {"text": name or code}}
    sections = rule.doc_sections()
    full = "\n\n".join(sections[s] for s in ("What it does", "Why is this bad?") if s in sections)
    tags = sorted(k.value for k in rule.kinds)
    properties: dict = {"tags": tags, "precision": getattr(rule, "precision", "high")}
    if rule.security:
        properties["tags"] = tags + ["security"]
        properties["security-severity"] = SECURITY_SEVERITY.get(rule.severity, "1.0")
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": full or rule.summary()},
        "help": {"text": f"{full or rule.summary()}\n\n{rule.docs_url()}", "markdown": rule_markdown(rule)},
        "helpUri": rule.docs_url(),
        "defaultConfiguration": {"level": LEVELS.get(rule.severity, "note")},
        "properties": properties,
    }


def region_dict(line: int, col: int, end_line: int, end_col: int) -> dict:
    return {"startLine": line, "startColumn": col, "endLine": end_line, "endColumn": end_col}


def sarif_fix(finding, source, location: dict) -> dict | None:
    fix = finding.fix
    if fix is None or source is None or fix.applicability is Applicability.DISPLAY_ONLY:
        return None
    replacements = []
    for e in fix.edits:
        line, col = source.position(e.start)
        end_line, end_col = source.position(e.end)
        replacements.append({"deletedRegion": region_dict(line, col, end_line, end_col), "insertedContent": {"text": e.content}})
    description = fix.description or f"fix {finding.code}"
    if fix.applicability is Applicability.UNSAFE:
        description = f"Unsafe fix (may change behaviour; review before applying): {description}"
    return {"description": {"text": description}, "artifactChanges": [{"artifactLocation": location, "replacements": replacements}]}


def notification(error, root: str) -> dict:
    location: dict = {"physicalLocation": {"artifactLocation": artifact_location(error.path, root)}}
    if error.line:
        region = {"startLine": error.line}
        if error.column:
            region["startColumn"] = error.column
        location["physicalLocation"]["region"] = region
    return {
        "level": "error",
        "message": {"text": f"{relative(error.path, root)}: {error.message}"},
        "descriptor": {"id": error.code},
        "locations": [location],
    }


def build_log(results, options) -> dict:
    root = options.root
    rule_ids = sorted({(f.code, f.name) for r in results for f in r.findings})
    descriptors = [rule_descriptor(code, name) for code, name in dict(rule_ids).items()]
    index = {d["id"]: i for i, d in enumerate(descriptors)}
    sarif_results = []
    locations: dict[str, dict] = {}  # a file's findings share its location (the same object)
    for r in results:
        prints = fingerprints(r.findings, r.source, relative(r.path, root))
        for finding, fp in zip(r.findings, prints):
            location = locations.get(finding.path)
            if location is None:
                location = locations[finding.path] = artifact_location(finding.path, root)
            line, col, end_line, end_col = finding_region(finding, r.source)
            result = {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": LEVELS.get(finding.severity, "note"),
                "message": {"text": finding.message},
                "locations": [{"physicalLocation": {"artifactLocation": location, "region": region_dict(line, col, end_line, end_col)}}],
                "partialFingerprints": {FINGERPRINT_KEY: fp},
            }
            if finding.related:
                result["relatedLocations"] = [
                    {
                        "id": i,
                        "physicalLocation": {
                            "artifactLocation": artifact_location(loc.path, root),
                            "region": {"startLine": loc.line, "startColumn": loc.col},
                        },
                        "message": {"text": loc.message or "related"},
                    }
                    for i, loc in enumerate(finding.related, 1)
                ]
            fix = sarif_fix(finding, r.source, location)
            if fix is not None:
                result["fixes"] = [fix]
            sarif_results.append(result)
    errors = [notification(r.error, root) for r in results if r.error is not None]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dockerlint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": INFORMATION_URI,
                        "rules": descriptors,
                    }
                },
                "invocations": [{"executionSuccessful": not errors, "toolExecutionNotifications": errors}],
                "originalUriBaseIds": {SRCROOT: {"uri": Path(root).resolve().as_uri().rstrip("/") + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": sarif_results,
            }
        ],
    }


def render(results, options) -> str:
    return dumps_lines(build_log(results, options), frozenset({"results", "toolExecutionNotifications"}))
