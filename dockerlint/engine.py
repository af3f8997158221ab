"""Lint one file: decode → classify → parse → run the selected rules → suppress → severities."""
from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from functools import lru_cache

from dockerlint import ruleset
from dockerlint.model import FileError, FileKind, FileResult, Finding, Severity, SourceText
from dockerlint.rule import Context
from dockerlint.settings import Settings

MAX_FILE_BYTES = 20 * 1024 * 1024  # beyond this a file is reported, not linted


class DecodeError(Exception):
    pass


@dataclass
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "latin-1"


def decode(data: bytes) -> Decoded:
    """Decode file bytes: UTF-8 (BOM kept in the text so spans stay exact), UTF-16 with a BOM."""
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data[:8192] or b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not linted")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8"
        ) from None


def read_file(path: str) -> tuple[Decoded | None, FileError | None]:
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            return None, FileError(
                path, f"file is {size / 1_048_576:.1f} MiB, over the {MAX_FILE_BYTES // 1_048_576} MiB limit; not linted"
            )
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        return None, FileError(path, "is a directory")
    except FileNotFoundError:
        return None, FileError(path, "no such file (was it deleted during the run?)")
    except PermissionError:
        return None, FileError(path, "permission denied")
    except OSError as e:
        return None, FileError(path, f"cannot read: {e.strerror or e}")
    try:
        return decode(data), None
    except DecodeError as e:
        return None, FileError(path, str(e))


def parse(kind: FileKind, source: SourceText):
    """Parse into our model; raises FileError-convertible exceptions."""
    if kind is FileKind.DOCKERFILE:
        from dockerlint.parse.dockerfile import parse_dockerfile

        return parse_dockerfile(source.text, source.path)
    if kind is FileKind.PYTHON:
        from dockerlint.parse.python.iac import parse_python  # libcst: only for .py files

        return parse_python(source)
    from dockerlint.parse.yaml import load_documents

    return load_documents(source)


def parse_error(path: str, exc: Exception) -> FileError:
    line = getattr(exc, "line", None)
    column = getattr(exc, "column", None)
    message = getattr(exc, "message", None) or str(exc)
    return FileError(path, f"parse error: {message}", line, column, code="E002")


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
    return _selected_rules(kind, tuple(settings.select) + tuple(settings.extend_select), tuple(settings.ignore))


@lru_cache(maxsize=256)
def _selected_rules(kind: FileKind, select: tuple[str, ...], ignore: tuple[str, ...]):
    if kind is FileKind.PYTHON:  # Python programs are read into the Kubernetes model too
        rules = {r.code: r for k in (FileKind.KUBERNETES, FileKind.PYTHON) for r in ruleset.rules_for(k, list(select), list(ignore))}
        return tuple(sorted(rules.values(), key=lambda r: r.code))
    return tuple(ruleset.rules_for(kind, list(select), list(ignore)))


def run_rules(kind: FileKind, source: SourceText, model, settings: Settings, path: str) -> list[Finding]:
    """Raw rule results, before suppressions and severity handling."""
    ctx = Context(path=path, kind=kind, source=source, model=model, settings=settings)
    for rule in selected_rules(kind, settings):
        ctx.rule = rule
        ctx.options = rule.option_values(settings.rule_options.get(rule.code))
        try:
            rule().check(ctx)
        except RecursionError:
            ctx.findings.append(_internal_error(rule, path, "input nested too deeply"))
        except Exception as e:  # a rule bug must not cost the user the other rules' findings
            ctx.findings.append(_internal_error(rule, path, f"{type(e).__name__}: {e}"))
    ctx.rule = None
    if kind is FileKind.PYTHON:
        from dockerlint.kinds.python_finish import finish  # unknown values; fixes of the KS rules

        return finish(ctx.findings, model)
    return ctx.findings


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


def apply_suppressions(kind: FileKind, findings: list[Finding], model, source: SourceText, settings: Settings):
    from dockerlint import suppressions

    if kind is FileKind.DOCKERFILE:
        return suppressions.filter_dockerfile(findings, model, settings.disable_ignore_pragma)
    if kind is FileKind.PYTHON:
        from dockerlint.kinds.k8s_annotations import filter_annotations
        from dockerlint.parse.python.iac import python_comments

        findings = suppressions.filter_yaml(findings, suppressions.yaml_comment_pragmas(python_comments(source), source))
        return filter_annotations(findings, model)
    from dockerlint.parse.yaml import comment_lines

    findings = suppressions.filter_yaml(
        findings, suppressions.yaml_comment_pragmas(comment_lines(source, model), source)
    )
    if kind is FileKind.KUBERNETES:
        from dockerlint.kinds.k8s_annotations import filter_annotations

        findings = filter_annotations(findings, model)
    return findings


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
    if kind is None:
        from dockerlint.parse.detect import detect

        kind, documents = detect(path, text)
    if kind is None:
        return FileResult(path, None)
    source = SourceText(text, path)
    try:
        if documents is not None and kind in (FileKind.KUBERNETES, FileKind.COMPOSE):
            model = documents
        else:
            model = parse(kind, source)
    except RecursionError:
        return FileResult(path, kind, error=FileError(path, "parse error: input nested too deeply", code="E002"), source=source)
    except Exception as e:
        if type(e).__name__ in ("DockerfileParseError", "YamlParseError", "PythonParseError"):
            return FileResult(path, kind, error=parse_error(path, e), source=source)
        raise
    findings = run_rules(kind, source, model, settings, path)
    findings = preset_level_filter(findings, settings)
    findings = apply_suppressions(kind, findings, model, source, settings)
    result = []
    for f in findings:
        f.severity = effective_severity(f, settings)
        if f.severity is Severity.IGNORE:
            continue
        result.append(f)
    result.sort(key=Finding.sort_key)
    documents = None if kind is FileKind.DOCKERFILE else len(model)
    return FileResult(path, kind, result, source=source, documents=documents)


def lint_path(path: str, settings: Settings, kind: FileKind | None = None) -> FileResult:
    decoded, error = read_file(path)
    if error is not None:
        return FileResult(path, kind, error=error)
    return lint_source(decoded.text, path, settings, kind)
