"""File discovery: walk directories, honour .gitignore and `exclude`, classify candidates.

Inside a git work tree, `git ls-files --cached --others --exclude-standard` gives git's own
answer to "which files are not ignored"; elsewhere the walk reads .gitignore files itself.
Symbolic links are not followed into directories (no loops), and a linked file whose target
lies outside the tree being walked is skipped.
"""
from __future__ import annotations

import errno
import fnmatch
import os
import re
from dataclasses import dataclass
from pathlib import Path

from dockerlint.model import FileKind
from dockerlint.parse.detect import contains_dockerfile_name, kind_by_name

ALWAYS_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".dockerlint_cache"}
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Candidate:
    path: str
    kind: FileKind | None  # None: decide by content once read
    explicit: bool


@dataclass
class Skipped:
    path: str
    reason: str


def is_excluded(rel: str, patterns: list[str]) -> bool:
    rel = rel.replace(os.sep, "/")
    name = rel.rsplit("/", 1)[-1]
    for p in patterns:
        p = p.rstrip("/")
        if fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p + "/*") or rel.startswith(p + "/"):
            return True
    return False


def _git_files(root: Path) -> list[str] | None:
    import subprocess  # only directory walks need git

    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--is-inside-work-tree"],
            capture_output=True, text=True, timeout=20,
        )
        if top.returncode != 0 or top.stdout.strip() != "true":
            return None
        out = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            capture_output=True, timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if out.returncode != 0:
        return None
    names = [n for n in out.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    # ls-files lists paths relative to root; drop ones deleted from the work tree.
    return sorted({n for n in names})


class _GitignoreMatcher:
    """A small .gitignore reader for trees outside git: enough for common patterns."""

    def __init__(self):
        self.rules: list[tuple[str, re.Pattern, bool, bool]] = []  # (base, regex, negate, dir_only)

    def add_file(self, base: str, path: Path):
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return
        for line in lines:
            line = line.rstrip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            if negate:
                line = line[1:]
            dir_only = line.endswith("/")
            line = line.strip("/") if "/" in line.rstrip("/") else line.rstrip("/")
            anchored = "/" in line
            pattern = fnmatch.translate(line).replace(r"(?s:", "(?s:", 1)
            regex = re.compile(pattern if anchored else r"(?s:(?:.*/)?)" + pattern)
            self.rules.append((base, regex, negate, dir_only))

    def ignored(self, rel: str, is_dir: bool) -> bool:
        result = False
        for base, regex, negate, dir_only in self.rules:
            if base and not (rel == base or rel.startswith(base + "/")):
                continue
            sub = rel[len(base) + 1 :] if base else rel
            if dir_only and not is_dir:
                continue
            if regex.match(sub):
                result = not negate
        return result


def _walk_plain(root: Path, unreadable: list[str] | None = None) -> list[str]:
    """Files under `root` not ignored; directories that cannot be listed go to `unreadable`."""
    matcher = _GitignoreMatcher()
    files: list[str] = []

    def on_error(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append(f"{error.filename}: {error.strerror or error}")

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/")
        if ".gitignore" in filenames:
            matcher.add_file(rel_dir, Path(dirpath) / ".gitignore")
        kept = []
        for d in sorted(dirnames):
            rel = f"{rel_dir}/{d}" if rel_dir else d
            if d in ALWAYS_SKIP_DIRS or matcher.ignored(rel, True):
                continue
            kept.append(d)
        dirnames[:] = kept
        for name in sorted(filenames):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if not matcher.ignored(rel, False):
                files.append(rel)
    return files


def might_be_target(name: str) -> FileKind | None | bool:
    """A kind when the name decides it, True when content must decide (YAML, Python), False to skip."""
    kind = kind_by_name(name)
    if kind is not None:
        return kind
    # `dockerfile-api`, `dockerfile.py`: content decides (a Dockerfile, Python IaC, or nothing)
    return name.lower().endswith(YAML_SUFFIXES + (".py",)) or contains_dockerfile_name(name)


def discover(paths: list[str], exclude: list[str]) -> tuple[list[Candidate], list[Skipped]]:
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()

    def add(path: str, kind, explicit: bool):
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            candidates.append(Candidate(path, kind, explicit))

    for arg in paths:
        if arg == "-":
            add("-", None, True)
            continue
        p = Path(arg)
        if p.is_dir():
            root = p
            real_root = os.path.realpath(root)
            listed = _git_files(root)
            unreadable: list[str] = []
            files = listed if listed is not None else _walk_plain(root, unreadable)
            for problem in unreadable:
                where, _, why = problem.rpartition(": ")
                skipped.append(Skipped(where, f"directory not read: {why.lower()}"))
            for rel in files:
                parts = rel.split("/")
                if any(part in ALWAYS_SKIP_DIRS for part in parts[:-1]):
                    continue
                if is_excluded(rel, exclude):
                    continue
                if parts[-1] in ("Chart.yaml", "Chart.yml"):
                    chart = os.path.join(arg, *parts[:-1]) if len(parts) > 1 else arg
                    skipped.append(Skipped(chart, "a Helm chart: not linted yet (lint the output of `helm template` instead)"))
                    continue
                decision = might_be_target(parts[-1])
                if decision is False:
                    continue
                full = os.path.join(arg, rel)
                if os.path.islink(full):
                    try:
                        target = os.path.realpath(full, strict=True)
                    except OSError as e:
                        loop = e.errno == errno.ELOOP
                        skipped.append(Skipped(full, "symbolic link loop" if loop else "broken symbolic link"))
                        continue
                    if not (target == real_root or target.startswith(real_root + os.sep)):
                        skipped.append(Skipped(full, "symbolic link leaves the tree; not followed"))
                        continue
                    if os.path.isdir(target):
                        continue
                if not os.path.isfile(full):
                    if os.path.lexists(full) and not os.path.isdir(full):
                        # reading a FIFO with no writer would block the run for ever
                        skipped.append(Skipped(full, "not a regular file (a FIFO, socket or device); not read"))
                    continue  # else listed by git but deleted from the work tree
                add(full, decision if isinstance(decision, FileKind) else None, False)
        elif p.exists() or p.is_symlink():
            # Explicitly named files are always linted: kind by name, else by content.
            add(arg, kind_by_name(p.name), True)
        else:
            add(arg, kind_by_name(p.name), True)  # reported as "no such file" by the reader
    return candidates, skipped
