"""A content cache of lint results, like ruff's: a file whose bytes, effective settings and
path are the same as last time, linted by the same dockerlint, gets last time's result without
being parsed or linted.

- Key: sha256 of the code's identity (version plus the size and mtime of every module and data
  file of dockerlint, its rules and fixers: an edited rule invalidates everything), the path,
  the effective settings and the file's bytes.
- Place: `.dockerlint_cache/` beside the nearest config file (else the working directory), or
  `cache-dir`; `--no-cache` / `cache = false` turn it off. The folder holds a `.gitignore` and
  a `CACHEDIR.TAG`, so neither git nor backup tools pick it up.
- Safe under concurrent runs: each entry is written to a temporary file and renamed into
  place; an entry that does not decode is ignored (and removed).
- Other files the rules read (through `Context.read_related`, e.g. `.dockerignore`) are
  recorded with a digest; a result is used only while they are unchanged.
- Bounded: past `MAX_BYTES` the least recently written entries are removed.
"""
from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache

from dockerlint.model import Applicability, Edit, FileError, FileKind, FileResult, Finding, Fix, Severity, SourceText, Span

DIRECTORY = ".dockerlint_cache"
FORMAT = "v1"
MAX_BYTES = 256 * 1024 * 1024


@lru_cache(maxsize=1)
def code_identity() -> str:
    """What the results depend on besides the input: dockerlint's version, every file of its
    code and data (size and mtime), so an upgrade or an edited rule starts afresh, and whether
    the optional ShellCheck binary is there. Paid by every run that uses the cache, one file
    included: one scandir walk (~5 ms for ~400 files; os.walk + os.stat took 25)."""
    import dockerlint
    import dockerlint.fixers
    import dockerlint.rules

    files: list[tuple[str, int, int]] = []

    def walk(directory: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        walk(entry.path)
                elif entry.name.endswith((".py", ".json", ".gz", ".toml", ".md", ".j2")):
                    st = entry.stat()
                    files.append((entry.path, st.st_size, st.st_mtime_ns))

    for root in (*dockerlint.__path__, *dockerlint.rules.__path__, *dockerlint.fixers.__path__):
        walk(root)
    h = hashlib.sha256(dockerlint.__version__.encode())
    h.update(f"shellcheck={_on_path('shellcheck')}".encode())  # its rules report only where it is installed
    h.update(repr(sorted(files)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _on_path(name: str) -> str | None:
    """shutil.which without importing shutil (and bz2, lzma...) at start-up."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def directory_for(settings, cwd: str | None = None) -> str:
    if settings.cache_dir:
        return settings.cache_dir
    base = os.path.dirname(os.path.abspath(settings.config_path)) if settings.config_path else (cwd or os.getcwd())
    return os.path.join(base, DIRECTORY)


def key(path: str, data: bytes, settings, extra: str = "") -> str:
    h = hashlib.sha256()
    for part in (code_identity(), os.path.abspath(path), repr(settings), extra):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def _entry_path(directory: str, k: str) -> str:
    return os.path.join(directory, FORMAT, k[:2], k[2:] + ".json")


def get(directory: str, k: str, path: str, text: str) -> FileResult | None:
    entry = _entry_path(directory, k)
    try:
        with open(entry, encoding="utf-8") as f:
            return _decode(json.load(f), path, text)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        try:
            os.unlink(entry)  # corrupt or from an incompatible writer: forget it
        except OSError:
            pass
        return None


def put(directory: str, k: str, result: FileResult) -> None:
    """Store a result; a cache that cannot be written is no error (the run just goes on)."""
    entry = _entry_path(directory, k)
    try:
        os.makedirs(os.path.dirname(entry), exist_ok=True)
        _mark(directory)
        data = json.dumps(_encode(result), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        import tempfile  # only when an entry is written

        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(entry))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, entry)
    except OSError:
        pass


def prune(directory: str, max_bytes: int = MAX_BYTES) -> int:
    """Remove the oldest entries past `max_bytes`; returns how many were removed."""
    entries = []
    total = 0
    for root, _dirs, files in os.walk(os.path.join(directory, FORMAT)):
        for name in files:
            p = os.path.join(root, name)
            try:
                st = os.stat(p)
            except OSError:
                continue
            entries.append((st.st_mtime, st.st_size, p))
            total += st.st_size
    removed = 0
    for _mtime, size, p in sorted(entries):
        if total <= max_bytes:
            break
        try:
            os.unlink(p)
            total -= size
            removed += 1
        except OSError:
            pass
    return removed


def _mark(directory: str) -> None:
    gitignore = os.path.join(directory, ".gitignore")
    if not os.path.exists(gitignore):
        with open(gitignore, "w", encoding="utf-8") as f:
            f.write("# Created by dockerlint automatically.\n*\n")
        with open(os.path.join(directory, "CACHEDIR.TAG"), "w", encoding="utf-8") as f:
            f.write("Signature: 8a477f597d28d172789f06886806bc55\n# dockerlint's result cache: https://bford.info/cachedir/\n")


def _encode(result: FileResult) -> dict:
    return {
        "kind": result.kind.value if result.kind else None,
        "documents": result.documents,
        "related": result.related,
        "error": None if result.error is None else {
            "message": result.error.message, "line": result.error.line, "column": result.error.column,
            "code": result.error.code,
        },
        "findings": [
            {
                "code": f.code, "name": f.name, "severity": int(f.severity), "message": f.message,
                "span": [f.span.start, f.span.end, f.span.line, f.span.col, f.span.end_line, f.span.end_col],
                "aliases": list(f.aliases), "anchor": f.anchor,
                "fix": None if f.fix is None else {
                    "applicability": f.fix.applicability.value, "description": f.fix.description,
                    "edits": [[e.start, e.end, e.content] for e in f.fix.edits],
                },
            }
            for f in result.findings
        ],
    }


def _decode(data: dict, path: str, text: str) -> FileResult | None:
    from dockerlint.files import related_unchanged

    if not related_unchanged(data["related"]):
        return None  # a file the rules read (.dockerignore, ...) changed since
    kind = FileKind(data["kind"]) if data["kind"] else None
    error = None
    if data["error"] is not None:
        e = data["error"]
        error = FileError(path, e["message"], e["line"], e["column"], code=e["code"], kind=kind)
    findings = []
    for f in data["findings"]:
        fix = None
        if f["fix"] is not None:
            fix = Fix(tuple(Edit(*e) for e in f["fix"]["edits"]), Applicability(f["fix"]["applicability"]), f["fix"]["description"])
        findings.append(Finding(
            code=f["code"], name=f["name"], severity=Severity(f["severity"]), message=f["message"],
            span=Span(*f["span"]), path=path, fix=fix, aliases=tuple(f["aliases"]), kind=kind, anchor=f["anchor"],
        ))
    return FileResult(path, kind, findings, error=error, source=SourceText(text, path), documents=data["documents"],
                      related=data["related"])
