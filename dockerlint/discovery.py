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
import stat
from dataclasses import dataclass, field
from pathlib import Path

from dockerlint.kustomize import KUSTOMIZATION_FILES
from dockerlint.model import FileKind
from dockerlint.parse.detect import contains_dockerfile_name, kind_by_name
from dockerlint.paths import name as path_name, normal as normal_path, parent as path_parent

ALWAYS_SKIP_DIRS = {".git", ".hg", ".svn", "node_modules", "__pycache__", ".tox", ".nox", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".dockerlint_cache"}
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Candidate:
    """A file to lint, with the kind its name gives (None: decided by its content)."""

    path: str
    kind: FileKind | None  # None: decide by content once read
    explicit: bool
    # what discovery's own stat of a regular file said (the result cache's stamps compare it,
    # and stat no file a second time); None when discovery did not stat it
    stat: os.stat_result | None = field(default=None, compare=False, repr=False)


@dataclass
class Skipped:
    """A path discovery did not lint, and why (reported, never dropped silently)."""

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


def _in_git_repository(root: Path) -> bool:
    """Could git find a repository for `root`? Git looks for `.git` in the directory and each
    parent (unless GIT_DIR names one): without any, asking git (a process, ~5 ms with the import
    of subprocess) cannot say yes."""
    if os.environ.get("GIT_DIR"):
        return True
    here = os.path.abspath(root)
    while True:
        if os.path.lexists(os.path.join(here, ".git")):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def _git_files(root: Path) -> list[str] | None:
    if not _in_git_repository(root):
        return None
    import subprocess  # only directory walks in a repository need git

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

    top = os.fspath(root)
    prefix = top if top.endswith(os.sep) else top + os.sep
    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        # os.walk yields `top` itself, then os.path.join(top, ...): the part after the prefix is
        # what os.path.relpath would say, without its two getcwd calls and normalising (18 ms
        # for the 2,625 directories of the Dockerfile corpus)
        if dirpath == top:
            rel_dir = "."
        elif dirpath.startswith(prefix):
            rel_dir = dirpath[len(prefix) :]
        else:  # pragma: no cover - os.walk joins onto top
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


CHART_FILE = "Chart.yaml"


def chart_roots(files: list[str]) -> list[str]:
    """The top-level Helm charts among walked files (relative dirs, "" for the root): a chart
    under another chart's `charts/` is a dependency, rendered through its parent."""
    dirs = sorted(rel[: -len(CHART_FILE)].rstrip("/") for rel in files if rel == CHART_FILE or rel.endswith("/" + CHART_FILE))
    roots: list[str] = []
    for d in dirs:
        if not any(d == r or r == "" or d.startswith(r + "/") for r in roots):
            roots.append(d)
    return roots


def in_chart(rel: str, roots: list[str]) -> str | None:
    """The chart root a walked file belongs to, when that chart (not plain-file linting) owns it:
    its templates, its dependencies under charts/, its values files and Chart.yaml."""
    for r in roots:
        inner = rel if r == "" else (rel[len(r) + 1 :] if rel.startswith(r + "/") else None)
        if inner is None:
            continue
        first = inner.split("/", 1)[0]
        if "/" in inner and first in ("templates", "charts"):
            return r
        if "/" not in inner and (inner == CHART_FILE or (inner.startswith("values") and inner.endswith(YAML_SUFFIXES))):
            return r
    return None


def chart_of_file(path: str) -> str | None:
    """The chart directory an explicitly named template, values file or Chart.yaml belongs to
    (the outermost one: a subchart is rendered through its parent), else None."""
    p = Path(os.path.abspath(path))
    found = None
    for parent in p.parents:
        if (parent / CHART_FILE).is_file():
            rel = p.relative_to(parent).parts
            owned = (len(rel) > 1 and rel[0] in ("templates", "charts")) or (
                len(rel) == 1 and (rel[0] == CHART_FILE or (rel[0].startswith("values") and rel[0].endswith(YAML_SUFFIXES)))
            )
            if owned:
                found = parent
    if found is None:
        return None
    rel = os.path.relpath(found)
    return found.as_posix() if rel.startswith("..") else rel


COMPONENT_SKIPPED = "a Kustomize Component, built only inside an overlay that lists it under `components:` (none linted here does)"


def overlay_roots(root: str, files: list[str]) -> tuple[list[str], set[str], list[str]]:
    """The top-level Kustomize overlays among walked files (relative dirs), the files they own:
    kustomizations, and the resources and patches they read (linted through the overlay; a
    patch is never a whole object), and the Components no overlay of the walk includes (a
    `kind: Component` builds only inside an overlay: said, not linted). A base or component an
    overlay includes is not top-level."""
    dirs = sorted({rel.rsplit("/", 1)[0] if "/" in rel else "" for rel in files if rel.rsplit("/", 1)[-1] in KUSTOMIZATION_FILES})
    if not dirs:
        return [], set(), []
    from dockerlint.kustomize.overlay import referenced_paths

    base = os.path.abspath(root)
    included: set[str] = set()
    owned: set[str] = set()
    for d in dirs:
        full = os.path.join(base, d)
        inc_dirs, inc_files = referenced_paths(full)
        included |= {os.path.relpath(x, base).replace(os.sep, "/") for x in inc_dirs}
        owned |= {os.path.relpath(x, base).replace(os.sep, "/") for x in inc_files}
    owned |= {rel for rel in files if rel.rsplit("/", 1)[-1] in KUSTOMIZATION_FILES}
    from dockerlint.kustomize.overlay import is_component

    tops = [d for d in dirs if d not in included]
    components = [d for d in tops if is_component(os.path.join(base, d))]
    return [d for d in tops if d not in components], owned, components


def overlay_of_file(path: str) -> str | None:
    """The kustomization directory that owns an explicitly named file (the kustomization itself,
    or a resource or patch it reads): that overlay is linted instead, a patch never alone."""
    from dockerlint.kustomize.overlay import is_component, kustomization_file, referenced_paths

    full = os.path.normpath(os.path.abspath(path))
    for parent in Path(full).parents:
        if kustomization_file(str(parent)) is None:
            continue
        if os.path.basename(full) in KUSTOMIZATION_FILES and os.path.dirname(full) == str(parent):
            owner = str(parent)
        elif full in referenced_paths(str(parent))[1]:
            owner = str(parent)
        else:
            continue
        if is_component(owner):
            return None  # a component only builds inside an overlay: linted as a plain file
        rel = os.path.relpath(owner)
        return owner if rel.startswith("..") else rel
    return None


def chart_or_overlay_above(directory: str, markers: dict[str, bool]) -> bool:
    """Is there a Chart.yaml or a kustomization in `directory` (absolute) or above it? Asked for
    every named file (pre-commit passes thousands), answered once per directory of a run
    (`markers`): walking up from each of 4,413 manifests was a quarter of a cached run."""
    walked = []
    found = False
    current = directory
    while True:
        if current in markers:
            found = markers[current]
            break
        walked.append(current)
        if any(os.path.isfile(os.path.join(current, n)) for n in (CHART_FILE, *KUSTOMIZATION_FILES)):
            found = True
            break
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for d in walked:
        markers[d] = found
    return found


def discover(paths: list[str], exclude: list[str]) -> tuple[list[Candidate], list[Skipped]]:
    candidates: list[Candidate] = []
    skipped: list[Skipped] = []
    seen: set[str] = set()
    markers: dict[str, bool] = {}  # directory -> a chart or kustomization in it or above

    def add(path: str, kind, explicit: bool, st: os.stat_result | None = None):
        key = normal_path(path)
        if key not in seen:
            seen.add(key)
            candidates.append(Candidate(path, kind, explicit, st))

    parents: dict[str, str] = {}  # a path's directory as given -> absolute (asked per file)
    for arg in paths:
        if arg == "-":
            add("-", None, True)
            continue
        try:  # one stat (pathlib's is_dir and exists made two, and a Path, per named file)
            st = os.stat(arg)
            is_dir = stat.S_ISDIR(st.st_mode)
            present = True
        except (OSError, ValueError):
            st = None
            is_dir = False
            present = os.path.islink(arg)
        if is_dir:
            root = Path(arg)
            real_root = os.path.realpath(root)
            listed = _git_files(root)
            unreadable: list[str] = []
            files = listed if listed is not None else _walk_plain(root, unreadable)
            for problem in unreadable:
                where, _, why = problem.rpartition(": ")
                skipped.append(Skipped(where, f"directory not read: {why.lower()}"))
            charts = [c for c in chart_roots(files) if not is_excluded(c, exclude) or c == ""]
            for chart in charts:
                add(os.path.join(arg, chart) if chart else arg, FileKind.HELM, False)
            overlays, owned, components = overlay_roots(arg, [f for f in files if not (charts and in_chart(f, charts) is not None)])
            for overlay in overlays:
                if not is_excluded(overlay, exclude) or overlay == "":
                    add(os.path.join(arg, overlay) if overlay else arg, FileKind.KUSTOMIZE, False)
            for component in components:
                if not is_excluded(component, exclude) or component == "":
                    skipped.append(Skipped(os.path.join(arg, component) if component else arg, COMPONENT_SKIPPED))
            for rel in files:
                if charts and in_chart(rel, charts) is not None:
                    continue  # templates are not YAML: the chart is rendered and linted as a whole
                if rel in owned:
                    continue  # a kustomization, or a resource/patch linted through its overlay
                parts = rel.split("/")
                if any(part in ALWAYS_SKIP_DIRS for part in parts[:-1]):
                    continue
                if is_excluded(rel, exclude):
                    continue
                if parts[-1] == "Chart.yml":
                    chart = os.path.join(arg, *parts[:-1]) if len(parts) > 1 else arg
                    skipped.append(Skipped(chart, "Chart.yml is not a Helm chart (Helm reads Chart.yaml); not linted"))
                    continue
                decision = might_be_target(parts[-1])
                if decision is False:
                    continue
                full = os.path.join(arg, rel)
                try:  # one lstat: a link, a regular file, or neither (islink and isfile made two)
                    st = os.lstat(full)
                except (OSError, ValueError):
                    continue  # listed by git but deleted from the work tree
                if stat.S_ISREG(st.st_mode):
                    add(full, decision if isinstance(decision, FileKind) else None, False, st)
                    continue
                if stat.S_ISLNK(st.st_mode):
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
        elif present:
            # Explicitly named files are always linted: kind by name, else by content; a
            # chart's template or values file means its chart (pre-commit passes changed files).
            name = path_name(arg)
            given = path_parent(arg)
            parent = parents.get(given)
            if parent is None:
                parent = parents[given] = os.path.dirname(os.path.abspath(arg))
            above = chart_or_overlay_above(parent, markers)
            chart = chart_of_file(arg) if above and name.lower().endswith(YAML_SUFFIXES + (".tpl", ".txt")) else None
            if chart is not None:
                add(chart, FileKind.HELM, True)
                continue
            overlay = overlay_of_file(arg) if above and (name.lower().endswith(YAML_SUFFIXES) or name == "Kustomization") else None
            if overlay is not None:
                add(overlay, FileKind.KUSTOMIZE, True)
                continue
            add(arg, kind_by_name(name), True, st if st is not None and stat.S_ISREG(st.st_mode) else None)
        else:
            add(arg, kind_by_name(os.path.basename(arg)), True)  # reported as "no such file" by the reader
    return candidates, skipped
