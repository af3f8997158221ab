"""A baseline: the findings a repository had when it adopted dockerlint, hidden until someone
touches them, so that only new problems are reported.

An entry is (path relative to the baseline file, rule code, anchor, count). The anchor is the
finding's normalised source as the kind's plug-in gives it: a Dockerfile instruction with its
continuations joined and whitespace folded; for a Kubernetes object, its kind/name and the
path of the field (list items by their `name`) with the value; for Compose, the service and
field. So moving lines, adding instructions above, reformatting, or renaming unrelated things
keeps an old finding hidden, while a new occurrence of the same problem in the same file (one
more than the count) is reported. A renamed file is new: its findings are reported. Unlike
Checkov's baseline, nothing matches across files.

The file is sorted, indented JSON, meant to be reviewed in a diff.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field

from dockerlint.model import FileResult, Finding

VERSION = 1


class BaselineError(Exception):
    pass


@dataclass
class Baseline:
    """A baseline file's entries, counted."""

    path: str  # the baseline file
    entries: Counter = field(default_factory=Counter)  # (relpath, code, anchor) -> count

    @property
    def root(self) -> str:
        return os.path.dirname(os.path.abspath(self.path))

    def relative(self, path: str) -> str:
        return os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")


@dataclass
class Outcome:
    """What applying a baseline did: findings hidden, entries that matched nothing."""

    hidden: int = 0
    stale: list[tuple[str, str, str, int]] = field(default_factory=list)  # entries (or parts) that matched nothing


def anchor(finding: Finding, result: FileResult, model=None) -> str:
    """The finding's normalised source (see the module docs)."""
    from dockerlint.kinds import plugin

    if result.kind is None or result.source is None:
        return " ".join(finding.message.split())
    return plugin(result.kind).anchor(finding, model, result.source)


def load(path: str) -> Baseline:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise BaselineError(f"{path}: no such baseline file (create it with --write-baseline {path})") from None
    except (OSError, UnicodeDecodeError) as e:
        raise BaselineError(f"{path}: cannot read the baseline: {e}") from None
    except ValueError as e:
        raise BaselineError(f"{path}: not a baseline (invalid JSON: {e})") from None
    if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a dockerlint baseline of version {VERSION}")
    baseline = Baseline(path)
    for i, entry in enumerate(data["findings"]):
        try:
            key = (str(entry["path"]), str(entry["code"]), str(entry["source"]))
        except (KeyError, TypeError):
            raise BaselineError(f"{path}: entry {i + 1} lacks path, code or source") from None
        try:
            count = int(entry.get("count", 1))
        except (TypeError, ValueError, OverflowError):  # (JSON's 1e999 and Infinity are infinite floats)
            raise BaselineError(f"{path}: entry {i + 1}: count {entry.get('count')!r} is not a number of findings") from None
        baseline.entries[key] += max(count, 1)
    return baseline


def entries_of(results: list[FileResult], baseline: Baseline) -> Counter:
    """The entries today's findings make (for --write-baseline)."""
    entries: Counter = Counter()
    for r in results:
        for f in r.findings:
            entries[(baseline.relative(r.path), f.code, f.anchor or anchor(f, r))] += 1
    return entries


def write(path: str, results: list[FileResult]) -> int:
    """Record today's findings; returns how many. Entries that no longer match are pruned by
    construction: the file is rewritten from today's findings."""
    from dockerlint.files import write_new_atomic

    baseline = Baseline(path)
    entries = entries_of(results, baseline)
    findings = [
        {"path": p, "code": code, "source": source, "count": count}
        for (p, code, source), count in sorted(entries.items())
    ]
    document = {"version": VERSION, "tool": "dockerlint", "findings": findings}
    write_new_atomic(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return sum(entries.values())


def apply(results: list[FileResult], baseline: Baseline, linted_paths: set[str] | None = None) -> Outcome:
    """Remove the baselined findings from `results` (in place); count them and the stale
    entries. `linted_paths` (relative) limits stale reporting to files this run looked at."""
    outcome = Outcome()
    left = Counter(baseline.entries)
    for r in results:
        rel = baseline.relative(r.path)
        kept = []
        for f in r.findings:
            key = (rel, f.code, f.anchor or anchor(f, r))
            if left[key] > 0:
                left[key] -= 1
                outcome.hidden += 1
            else:
                kept.append(f)
        r.findings = kept
    seen = {baseline.relative(r.path) for r in results} if linted_paths is None else linted_paths
    for (rel, code, source), count in sorted(left.items()):
        # stale: its file was linted and no longer has it, or the file is gone (a run over
        # some files, as pre-commit does, says nothing of the others)
        if count > 0 and (rel in seen or not os.path.exists(os.path.join(baseline.root, rel))):
            outcome.stale.append((rel, code, source, count))
    return outcome


_LOADED: dict[str, tuple[tuple, Baseline]] = {}


def load_cached(path: str) -> Baseline | None:
    """The baseline at `path`, re-read when it changes on disk (for the language server); None
    when it cannot be read (the editor shows everything then)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    known = _LOADED.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        baseline = load(path)
    except BaselineError:
        return None
    _LOADED[path] = (stamp, baseline)
    return baseline


def baselined(findings: list[Finding], path: str, baseline: Baseline) -> list[Finding]:
    """Which of one file's findings (anchors set) the baseline records."""
    rel = baseline.relative(path)
    left = Counter({k: v for k, v in baseline.entries.items() if k[0] == rel})
    out = []
    for f in findings:
        key = (rel, f.code, f.anchor or "")
        if left[key] > 0:
            left[key] -= 1
            out.append(f)
    return out
