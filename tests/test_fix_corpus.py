"""Fix every corpus file with every rule and unsafe fixes on (issue 5's done-when).

Each file of ../shared/corpus/{dockerfiles,kubernetes,compose} is copied to a temporary
directory and fixed in-process with `fix_source` (Settings(select=["ALL"]): the native SC fixes included,
unsafe=True), and the result written back there. For every file: no crash, the engine
converged, and
- a fixed Dockerfile still parses with BuildKit's parser (the `dockerfile` package) when the
  original did, and with ours;
- a fixed YAML file loads with yaml.safe_load_all into as many documents as the original
  (when the original loads);
- every comment line of the original (stripped text starting with '#') is still there, as
  many times;
- a file with CRLF line breaks gets no new bare LF;
- no fix adds a finding: no rule reports more findings on the fixed file than on the original
  (issue 16; the engine refuses such fixes, this checks that it does);
- (Kubernetes) no container gets an effective `runAsNonRoot: true` without a non-root
  `runAsUser` unless the knowledge base knows its image runs as non-root, and no privilege is
  removed from a pod whose host paths, CSI registrar or capabilities show a node agent;
  (Compose) no `network_mode: host` is removed from a service left without `ports:`
  (tests/fix_invariants.py, judged from the YAML, independently of the rules).
The counts (files changed, fixes applied and refused per rule) are printed. Two worker
processes keep it within a few minutes on two CPUs.
"""
from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from collections import Counter

import pytest
import yaml

from conftest import shared_path
from dockerlint.engine import lint_source
from dockerlint.files import encode_like, read_file
from dockerlint.fix import fix_source
from dockerlint.model import FileKind
from dockerlint.settings import Settings

FOLDERS = {"dockerfiles": FileKind.DOCKERFILE, "kubernetes": None, "compose": FileKind.COMPOSE}
SETTINGS = Settings(select=["ALL"])  # the native SC fixes (quoting, $(...)) included
WORKERS = 2
FILE_BUDGET_SECONDS = 60  # a file that takes longer is reported, not waited for


class _OverBudget(Exception):
    pass


def _over_budget(signum, frame):
    raise _OverBudget()


def _comment_lines(text: str) -> Counter:
    return Counter(s for s in (line.strip() for line in text.splitlines()) if s.startswith("#"))


def _bare_lf(text: str) -> int:
    return text.count("\n") - text.count("\r\n")


def _buildkit_parses(dockerfile_module, text: str) -> bool:
    try:
        dockerfile_module.parse_string(text)
    except dockerfile_module.GoParseError:
        return False
    return True


def _yaml_documents(text: str) -> int | None:
    try:
        return len(list(yaml.safe_load_all(text)))
    except yaml.YAMLError:
        return None


def _fix_one(job: tuple[str, str, str | None]) -> dict:
    """Fix one copied file; returns counts and the problems found (never raises)."""
    import dockerfile

    from dockerlint.parse.dockerfile import parse_dockerfile
    from fix_invariants import compose_checks, k8s_checks

    path, folder, kind_name = job
    kind = FileKind(kind_name) if kind_name else None
    out = {"path": os.path.basename(path), "folder": folder, "changed": False, "applied": Counter(),
           "refused": Counter(), "problems": [], "skipped": False}
    decoded, error = read_file(path)
    if decoded is None:
        out["skipped"] = True
        return out
    original = decoded.text
    signal.signal(signal.SIGALRM, _over_budget)
    signal.alarm(FILE_BUDGET_SECONDS)
    try:
        outcome = fix_source(original, path, SETTINGS, kind, unsafe=True)
    except _OverBudget:
        out["problems"].append(f"fixing took over {FILE_BUDGET_SECONDS} s")
        return out
    except Exception as exc:  # a crash is a finding of this test, reported with the rest
        out["problems"].append(f"crash: {type(exc).__name__}: {exc}")
        return out
    finally:
        signal.alarm(0)
    out["applied"], out["refused"] = outcome.applied, outcome.refused
    if not outcome.converged:
        out["problems"].append(f"did not converge after {outcome.passes} passes")
    fixed = outcome.text
    if fixed == original:
        return out
    before = Counter(f.code for f in lint_source(original, path, SETTINGS, kind).findings)
    after = Counter(f.code for f in outcome.findings)
    for code, count in sorted(after.items()):
        if count > before[code]:
            out["problems"].append(f"the fixes added {code} findings: {before[code]} before, {count} after")
    if folder == "kubernetes":
        non_root, privilege = k8s_checks(original, fixed)
        out["problems"] += [f"runAsNonRoot: true without a known non-root user: {c}" for c in non_root]
        out["problems"] += [f"privilege removed from a node agent: {c}" for c in privilege]
    elif folder == "compose":
        out["problems"] += [f"network_mode: host removed, no ports left: service {s}" for s in compose_checks(original, fixed)]
    out["changed"] = True
    with open(path, "wb") as f:
        f.write(encode_like(fixed, decoded.encoding))
    if folder == "dockerfiles":
        if _buildkit_parses(dockerfile, original) and not _buildkit_parses(dockerfile, fixed):
            out["problems"].append("fixed Dockerfile does not parse with BuildKit's parser")
        try:
            parse_dockerfile(fixed, path)
        except Exception as exc:
            out["problems"].append(f"fixed Dockerfile does not parse with ours: {exc}")
    else:
        before = _yaml_documents(original)
        after = _yaml_documents(fixed)
        if before is not None and after != before:
            out["problems"].append(f"documents: {before} before, {after} after the fix")
    lost = _comment_lines(original) - _comment_lines(fixed)
    if lost:
        out["problems"].append(f"comment lines lost: {sorted(lost)[:3]}")
    if "\r\n" in original and _bare_lf(fixed) > _bare_lf(original):
        out["problems"].append("bare LF written into a CRLF file")
    return out


def test_fix_whole_corpus(tmp_path, capsys, monkeypatch):
    pytest.importorskip("dockerfile")
    # "ALL" selects the ShellCheck binary's rules too (10 s per lint of a large Dockerfile,
    # minutes per fix, and they have no fixes): no binary; the native SC rules still run.
    monkeypatch.setenv("DOCKERLINT_SHELLCHECK", str(tmp_path / "no-shellcheck"))
    jobs = []
    for folder, kind in FOLDERS.items():
        source = shared_path("corpus", folder)
        target = tmp_path / folder
        shutil.copytree(source, target)
        for name in sorted(os.listdir(target)):
            path = target / name
            if path.is_file():
                jobs.append((str(path), folder, kind.value if kind else None, path.stat().st_size))
    jobs.sort(key=lambda j: -j[3])  # largest first, so the two workers finish together
    jobs = [j[:3] for j in jobs]
    # spawn, not fork: the `dockerfile` package is a Go shared library, and a forked copy of an
    # initialised Go runtime hangs (its scheduler threads are gone) once it needs them.
    context = multiprocessing.get_context("spawn")
    with context.Pool(WORKERS) as pool:
        results = list(pool.imap_unordered(_fix_one, jobs, chunksize=8))

    problems = [(r["folder"], r["path"], p) for r in results for p in r["problems"]]
    with capsys.disabled():
        print()
        for folder in FOLDERS:
            mine = [r for r in results if r["folder"] == folder]
            applied = sum((r["applied"] for r in mine), Counter())
            refused = sum((r["refused"] for r in mine), Counter())
            print(
                f"{folder}: {len(mine)} files, {sum(r['changed'] for r in mine)} changed, "
                f"{sum(applied.values())} fixes applied, {sum(refused.values())} refused"
            )
            print("  applied: " + ", ".join(f"{c} {n}" for c, n in sorted(applied.items())))
            if refused:
                print("  refused: " + ", ".join(f"{c} {n}" for c, n in sorted(refused.items())))
        for folder, name, problem in problems[:30]:
            print(f"  PROBLEM {folder}/{name}: {problem}")
    assert not problems, f"{len(problems)} problems, first: {problems[:10]}"
