"""What a pull request changed: files and the lines of their new version that it added.

Two sources give the same answer: `git diff` against the merge base (`--base REF`), or the
`patch` of each file from GitHub's "list pull request files" API. Only added lines (the `+`
lines of each hunk) count as changed; context lines are in the diff but were not written by
the pull request.
"""
from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass
class FileChange:
    """One file of a pull request's diff: its added lines and hunks."""

    path: str  # repository-relative, "/"-separated: the path of the new version
    added: set[int] = field(default_factory=set)  # 1-based line numbers in the new version
    hunks: list[tuple[int, int]] = field(default_factory=list)  # new-side line ranges in the diff
    deleted: bool = False

    def added_run(self, line: int) -> tuple[int, int] | None:
        """The run of consecutive added lines that holds `line`."""
        if line not in self.added:
            return None
        first = last = line
        while first - 1 in self.added:
            first -= 1
        while last + 1 in self.added:
            last += 1
        return first, last


class GitError(Exception):
    pass


def add_hunk_lines(change: FileChange, lines) -> None:
    """Read hunk headers and bodies (an iterable of patch lines) into `change`."""
    new_line = 0
    for line in lines:
        m = HUNK.match(line)
        if m:
            new_line = int(m.group(1))
            count = int(m.group(2)) if m.group(2) is not None else 1
            if count:
                change.hunks.append((new_line, new_line + count - 1))
            continue
        if not line or line.startswith("\\"):
            continue  # "\ No newline at end of file"
        marker = line[0]
        if marker == "+":
            change.added.add(new_line)
            new_line += 1
        elif marker == " ":
            new_line += 1


def from_patch(path: str, patch: str | None, status: str = "modified") -> FileChange:
    """One file of the PR files API (`patch` is absent for binary or very large diffs)."""
    change = FileChange(path, deleted=status == "removed")
    if patch:
        add_hunk_lines(change, patch.splitlines())
    return change


def _unquote(name: str) -> str:
    """git's C-style quoting of unusual paths ("b/caf\\303\\251")."""
    if not (name.startswith('"') and name.endswith('"')):
        return name
    raw = name[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")
    return raw.encode("latin-1").decode("utf-8", "replace")


def parse_git_diff(text: str) -> dict[str, FileChange]:
    changes: dict[str, FileChange] = {}
    current: FileChange | None = None
    body: list[str] = []
    old_path = None

    def flush():
        if current is not None:
            add_hunk_lines(current, body)
            changes[current.path] = current

    for line in text.splitlines():
        if line.startswith("diff --git "):
            flush()
            current, body, old_path = None, [], None
            continue
        if line.startswith("--- ") and current is None:
            old = _unquote(line[4:].rstrip("\t"))
            old_path = old[2:] if old.startswith("a/") else None
            continue
        if line.startswith("+++ ") and current is None:
            new = _unquote(line[4:].rstrip("\t"))
            if new == "/dev/null":
                current = FileChange(old_path or "", deleted=True)
            else:
                current = FileChange(new[2:] if new.startswith("b/") else new)
            continue
        if current is not None:
            body.append(line)
    flush()
    return {p: c for p, c in changes.items() if p}


def git(args: list[str], cwd: str | None = None) -> str:
    try:
        done = subprocess.run(["git", "-c", "core.quotePath=false", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="surrogateescape")
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    if done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.strip() or f'exit status {done.returncode}'}")
    return done.stdout


def toplevel(cwd: str | None = None) -> str | None:
    try:
        return git(["rev-parse", "--show-toplevel"], cwd).strip()
    except GitError:
        return None


def merge_base(base: str, cwd: str | None = None) -> str:
    """The merge base of `base` and HEAD; tries origin/<base> when <base> is not a local ref."""
    errors = []
    for ref in (base, f"origin/{base}") if not base.startswith("origin/") else (base,):
        try:
            return git(["merge-base", ref, "HEAD"], cwd).strip()
        except GitError as e:
            errors.append(str(e))
    raise GitError(
        f"cannot find the merge base of {base!r} and HEAD ({errors[0]}); "
        "is the base branch fetched? (actions/checkout needs fetch-depth: 0)"
    )


def changes_since(base: str, cwd: str | None = None) -> dict[str, FileChange]:
    """Files changed between the merge base of `base` and HEAD, with their added lines."""
    start = merge_base(base, cwd)
    diff = git(["diff", "--unified=0", "--no-color", "--no-ext-diff", "--find-renames", f"{start}...HEAD"], cwd)
    return parse_git_diff(diff)


def head_sha(cwd: str | None = None) -> str:
    return git(["rev-parse", "HEAD"], cwd).strip()
