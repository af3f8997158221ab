"""Command line: `dockerlint check|fix|ast|rule|rules|...`.

argparse rather than typer: importing typer alone costs about 77 ms here, half the 150 ms
cold-start budget for linting one Dockerfile (see README, design notes).
Exit codes: 0 nothing at or above the failure threshold, 1 findings, 2 usage/config/I-O error.
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
from dataclasses import replace

from dockerlint import __version__
from dockerlint.model import FileKind, FileResult, Severity
from dockerlint.settings import Settings

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    pass


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out += [x.strip() for x in v.split(",") if x.strip()]
    return out


def add_selection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", default=None, metavar="PATH", help="files or directories; - reads stdin")
    p.add_argument("--select", action="append", metavar="CODES", help="rules to run: codes, prefixes, names, presets, ALL")
    p.add_argument("--extend-select", action="append", metavar="CODES", help="rules to run in addition to the selection")
    p.add_argument("--ignore", action="append", metavar="CODES", help="rules not to run (codes, prefixes, names)")
    p.add_argument("--severity", action="append", metavar="CODE=LEVEL", help="override a rule's severity")
    p.add_argument("--failure-threshold", "-t", metavar="LEVEL", help="error|warning|info|style: lowest severity that fails the run (default info)")
    p.add_argument("--kind", choices=[k.value for k in FileKind], help="force the file kind")
    p.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin (kind and config lookup)")
    p.add_argument("--config", metavar="FILE", help="use this config file instead of discovery")
    p.add_argument("--isolated", action="store_true", help="ignore every config file")
    p.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching these globs")
    p.add_argument("--build-arg", action="append", metavar="NAME=VALUE", help="ARG values for resolving FROM and pins")
    p.add_argument("--kubernetes-version", metavar="X.Y", help="validate manifests against this Kubernetes version's schemas (default: newest bundled)")
    p.add_argument("--unsafe-fixes", action="store_true", help="also apply (or show) fixes that may change behaviour")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per CPU for large runs)")


def build_parser(wanted: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dockerlint", description="Lint and fix Dockerfiles, Kubernetes manifests and Compose files.")
    parser.add_argument("--version", action="version", version=f"dockerlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", help="lint files and report findings")
    add_selection_options(check)
    from dockerlint.report import FORMATS

    check.add_argument("--format", "-f", choices=sorted(FORMATS), help="output format (default text; github under GitHub Actions)")
    check.add_argument("--output-file", "-o", metavar="FILE", help="write the report here")
    check.add_argument("--statistics", action="store_true", help="count findings per rule")
    check.add_argument("--fix", action="store_true", help="apply safe fixes, then report what remains")
    check.add_argument("--no-source", action="store_true", help="don't show source lines")
    check.add_argument("--color", choices=["auto", "always", "never"], default="auto")
    check.add_argument("--template-dir", metavar="DIR", help="override the markdown report templates")

    fix = sub.add_parser("fix", help="apply fixes in place")
    add_selection_options(fix)
    fix.add_argument("--diff", action="store_true", help="print a unified diff and write nothing")
    fix.add_argument("--exit-non-zero-on-fix", action="store_true", help="exit 1 when a file was changed")

    ast_cmd = sub.add_parser("ast", help="print the parsed model as JSON")
    ast_cmd.add_argument("paths", nargs="+", metavar="PATH")
    ast_cmd.add_argument("--format", choices=["json", "jsonl"], default="json")
    ast_cmd.add_argument("--kind", choices=[k.value for k in FileKind])

    rule_cmd = sub.add_parser("rule", help="explain a rule")
    rule_cmd.add_argument("code", metavar="CODE")
    rule_cmd.add_argument("--format", choices=["text", "json", "markdown"], default="text")

    rules_cmd = sub.add_parser("rules", help="list all rules")
    rules_cmd.add_argument("--format", choices=["text", "json"], default="text")

    from dockerlint.cli import extensions

    extensions.register(sub, wanted)
    return parser


# ---- settings ---------------------------------------------------------------------------------

def cli_settings_overrides(args):
    def apply(s: Settings) -> Settings:
        from dockerlint import ruleset

        s = replace(s)
        if args.select:
            s.select = _split(args.select)
        if args.extend_select:
            s.extend_select = s.extend_select + _split(args.extend_select)
        if args.ignore:
            s.ignore = s.ignore + _split(args.ignore)
        for code in s.select + s.extend_select + s.ignore:
            if not ruleset.is_known_selector(code):
                raise UsageError(f"unknown rule, prefix or preset: {code!r} (see `dockerlint rules`)")
        if args.severity:
            overrides = dict(s.severity_overrides)
            for item in _split(args.severity):
                code, _, level = item.partition("=")
                if not level:
                    raise UsageError(f"--severity expects CODE=LEVEL, got {item!r}")
                try:
                    overrides[code.strip().upper()] = Severity.parse(level)
                except ValueError as e:
                    raise UsageError(str(e)) from None
            s.severity_overrides = overrides
        if args.failure_threshold:
            try:
                s.failure_threshold = Severity.parse(args.failure_threshold)
            except ValueError as e:
                raise UsageError(f"--failure-threshold: {e}") from None
        if args.exclude:
            s.exclude = s.exclude + _split(args.exclude)
        if args.build_arg:
            build_args = dict(s.build_args)
            for item in args.build_arg:
                name, sep, value = item.partition("=")
                if not sep:
                    raise UsageError(f"--build-arg expects NAME=VALUE, got {item!r}")
                build_args[name] = value
            s.build_args = build_args
        if args.unsafe_fixes:
            s.unsafe_fixes = True
        if getattr(args, "kubernetes_version", None):
            from dockerlint.schemas import check_version

            problem = check_version(args.kubernetes_version)
            if problem:
                raise UsageError(f"--kubernetes-version: {problem}")
            s.kubernetes_version = args.kubernetes_version
        return s

    return apply


def make_resolver(args):
    from pathlib import Path

    from dockerlint.config import ConfigResolver

    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise UsageError(f"--config: no such file: {args.config}")
    return ConfigResolver(Settings(), cli_settings_overrides(args), explicit, args.isolated)


# ---- running ----------------------------------------------------------------------------------

class Progress:
    """A progress bar on stderr, only when stderr is a terminal and there are many files."""

    def __init__(self, total: int, enabled: bool):
        self.total = total
        self.enabled = enabled and total >= 20 and sys.stderr.isatty()
        self.done = 0

    def step(self):
        if not self.enabled:
            return
        self.done += 1
        if self.done % 10 == 0 or self.done == self.total:
            width = 30
            filled = width * self.done // self.total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}")
            sys.stderr.flush()

    def close(self):
        if self.enabled:
            sys.stderr.write("\r" + " " * 60 + "\r")
            sys.stderr.flush()


def read_stdin() -> str:
    data = sys.stdin.buffer.read()
    from dockerlint.engine import DecodeError, decode

    try:
        return decode(data).text
    except DecodeError as e:
        raise UsageError(f"stdin: {e}") from None


def iter_targets(args, resolver):
    """The files to lint (discovered under the current directory's `exclude`), the ones
    discovery skipped with a reason, and the forced kind if any."""
    from pathlib import Path

    from dockerlint.discovery import discover

    paths = args.paths or ["."]
    base = resolver.for_directory(Path.cwd())
    candidates, skipped = discover(paths, base.exclude)
    forced = FileKind(args.kind) if args.kind else None
    return candidates, skipped, forced


def process_candidate(cand, args, resolver, forced, fixing: bool, diff: bool):
    """Lint (or fix) one file: returns (result or None when skipped, change or None)."""
    from dockerlint.engine import lint_source, read_file

    display = args.stdin_filename if cand.path == "-" and args.stdin_filename else cand.path
    settings = resolver.for_file(display if display != "-" else ".")
    kind = forced or cand.kind
    documents = None
    if cand.path == "-":
        text, encoding = read_stdin(), "utf-8"
    else:
        decoded, error = read_file(cand.path)
        if error is not None:
            return FileResult(cand.path, kind, error=error), None
        text, encoding = decoded.text, decoded.encoding
    if kind is None:
        from dockerlint.parse.detect import detect

        kind, documents = detect(display, text)
        if kind is None:
            if cand.explicit and cand.path != "-" and not display.lower().endswith((".yaml", ".yml", ".py")):
                # Named explicitly but not something we lint: say so, don't fail. Other YAML
                # (CI configs, Helm values) and non-IaC Python are common in a pre-commit file list:
                # skip them quietly.
                print(f"{display}: not a Dockerfile, Kubernetes manifest or Compose file; skipped", file=sys.stderr)
            return None, None
    if not fixing:
        return lint_source(text, display, settings, kind, documents), None
    from dockerlint.fix import fix_source
    from dockerlint.model import SourceText

    outcome = fix_source(text, display, settings, kind)
    change = None
    if (outcome.changed and outcome.text != text) or (cand.path == "-" and not diff):
        change = (cand.path, text, outcome.text, encoding)
    if outcome.error:
        return lint_source(text, display, settings, kind), change
    result = FileResult(display, kind, outcome.findings, source=SourceText(outcome.text, display))
    result.fixes_applied = dict(outcome.applied)
    return result, change


_WORKER: dict = {}


def _worker_init(args, resolver, forced, fixing, diff):
    _WORKER.update(args=args, resolver=resolver, forced=forced, fixing=fixing, diff=diff)


def _worker_run(cand):
    w = _WORKER
    return process_candidate(cand, w["args"], w["resolver"], w["forced"], w["fixing"], w["diff"])


def job_count(args, files: int) -> int:
    requested = getattr(args, "jobs", None)
    if requested is not None:
        return max(1, requested)
    if files < 64:
        return 1  # a pool costs more than it saves on small runs
    return max(1, min(os.cpu_count() or 1, 8))


def lint_candidates(args, resolver, *, fixing: bool = False, diff: bool = False):
    candidates, skipped, forced = iter_targets(args, resolver)
    from dockerlint.schemas.crds import prescan_crds

    # the run's CRDs for KS100-KS103 (nothing is read unless those rules run on YAML files)
    prescan_crds(resolver, [c.path for c in candidates if c.path != "-" and c.kind in (None, FileKind.KUBERNETES)])
    for s in skipped:  # links that loop, dangle or leave the tree; FIFOs: said, not linted
        print(f"{s.path}: skipped: {s.reason}", file=sys.stderr)
    results: list[FileResult] = []
    changed: list[tuple[str, str, str, str]] = []  # (path, before, after, encoding)
    progress = Progress(len(candidates), not args.no_progress)
    files = [c for c in candidates if c.path != "-"]
    jobs = job_count(args, len(files))
    outcomes = []
    if jobs > 1:
        import multiprocessing

        for c in files:  # config errors surface here, in the parent, with a clear message
            resolver.for_file(c.path)
        context = multiprocessing.get_context("fork")
        with context.Pool(jobs, _worker_init, (args, resolver, forced, fixing, diff)) as pool:
            for outcome in pool.imap(_worker_run, files, chunksize=16):
                outcomes.append(outcome)
                progress.step()
        sequential = [c for c in candidates if c.path == "-"]
    else:
        sequential = candidates
    for cand in sequential:
        outcomes.append(process_candidate(cand, args, resolver, forced, fixing, diff))
        progress.step()
    progress.close()
    for result, change in outcomes:
        if result is not None:
            results.append(result)
        if change is not None:
            changed.append(change)
    return results, changed, skipped


def exit_code(results: list[FileResult], resolver) -> int:
    code = EXIT_OK
    for r in results:
        if r.error is not None:
            if r.error.code == "E001":
                return EXIT_ERROR
            code = EXIT_FINDINGS
        threshold = resolver.for_file(r.path if r.path != "-" else ".").failure_threshold
        if any(f.severity <= threshold for f in r.findings):
            code = EXIT_FINDINGS
    return code


def use_color(choice: str, stream) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return stream.isatty()


def cmd_check(args) -> int:
    from dockerlint.report import ReportOptions, render

    resolver = make_resolver(args)
    results, changed, _skipped = lint_candidates(args, resolver, fixing=args.fix)
    write_failed = False
    for path, before, after, encoding in changed:
        if path != "-" and before != after:
            write_failed |= not _write(path, after, encoding)
    fmt = args.format
    if fmt is None:
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    out = open(args.output_file, "w", encoding="utf-8") if args.output_file else sys.stdout
    try:
        options = ReportOptions(
            color=use_color(args.color, out) and fmt == "text",
            show_source=not args.no_source,
            statistics=args.statistics,
            unsafe_fixes=args.unsafe_fixes,
            template_dir=args.template_dir,
        )
        out.write(render(fmt, results, options))
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_ERROR if write_failed else exit_code(results, resolver)


def _write(path: str, text: str, encoding: str) -> bool:
    """Write the fixed text; False (and a message) when the file cannot be written, e.g. it
    was deleted or made read-only while the run went on: the other files are still written."""
    from dockerlint.fix import encode_like, write_atomic

    if path == "-":
        sys.stdout.write(text)
        return True
    try:
        write_atomic(path, encode_like(text, encoding))
    except OSError as e:
        reason = "no such file (was it deleted during the run?)" if isinstance(e, FileNotFoundError) else (e.strerror or str(e))
        print(f"{path}: error: fixed text not written: {reason}", file=sys.stderr)
        return False
    return True


def cmd_fix(args) -> int:
    resolver = make_resolver(args)
    results, changed, _ = lint_candidates(args, resolver, fixing=True, diff=args.diff)
    applied_total = 0
    failed: list[str] = []
    for r in results:
        applied_total += sum(r.fixes_applied.values())
    if args.diff:
        for path, before, after, _enc in changed:
            name = path if path != "-" else (args.stdin_filename or "-")
            sys.stdout.writelines(
                difflib.unified_diff(
                    before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
                )
            )
    else:
        failed = [path for path, _before, after, encoding in changed if not _write(path, after, encoding)]
        changed = [c for c in changed if c[0] not in failed]
        changed_files = [c for c in changed if c[0] != "-"]
        if changed_files or not any(c[0] == "-" for c in changed):
            remaining = sum(len(r.findings) for r in results)
            print(
                f"Fixed {applied_total} problem{'s' if applied_total != 1 else ''} in {len(changed_files)} file{'s' if len(changed_files) != 1 else ''}"
                f"; {remaining} remaining.",
                file=sys.stderr,
            )
    for r in results:
        if r.error is not None:
            print(f"{r.path}: error: {r.error.message}", file=sys.stderr)
    if any(r.error is not None and r.error.code == "E001" for r in results) or bool(failed):
        return EXIT_ERROR
    if args.diff and changed:
        return EXIT_FINDINGS
    if args.exit_non_zero_on_fix and any(before != after for _p, before, after, _e in changed):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_ast(args) -> int:
    from dockerlint.engine import parse, read_file
    from dockerlint.model import SourceText
    from dockerlint.parse.detect import detect_kind
    from dockerlint.parse.dump import model_to_dict

    status = EXIT_OK
    documents = []
    for path in args.paths:
        if path == "-":
            text = read_stdin()
        else:
            decoded, error = read_file(path)
            if error is not None:
                print(f"{path}: error: {error.message}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            text = decoded.text
        kind = FileKind(args.kind) if args.kind else detect_kind(path, text)
        if kind is None:
            print(f"{path}: error: not a Dockerfile, Kubernetes manifest or Compose file (use --kind)", file=sys.stderr)
            status = EXIT_ERROR
            continue
        try:
            model = parse(kind, SourceText(text, path))
        except Exception as e:
            if type(e).__name__ not in ("DockerfileParseError", "YamlParseError"):
                raise
            print(f"{path}:{getattr(e, 'line', 1)}: parse error: {getattr(e, 'message', e)}", file=sys.stderr)
            status = EXIT_FINDINGS
            continue
        documents.append(model_to_dict(kind, model, path))
    if args.format == "jsonl":
        for d in documents:
            sys.stdout.write(json.dumps(d, ensure_ascii=False) + "\n")
    else:
        payload = documents[0] if len(documents) == 1 else documents
        sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return status


def cmd_rule(args) -> int:
    from dockerlint import ruleset
    from dockerlint.docs import rule_json, rule_markdown, rule_text

    rule = ruleset.lookup(args.code)
    if rule is None:
        raise UsageError(f"unknown rule {args.code!r} (see `dockerlint rules`)")
    if args.format == "json":
        sys.stdout.write(json.dumps(rule_json(rule), indent=2) + "\n")
    elif args.format == "markdown":
        sys.stdout.write(rule_markdown(rule))
    else:
        sys.stdout.write(rule_text(rule))
    return EXIT_OK


def cmd_rules(args) -> int:
    from dockerlint import ruleset
    from dockerlint.docs import rule_json

    rules = ruleset.all_rules()
    if args.format == "json":
        sys.stdout.write(json.dumps([rule_json(r) for r in rules], indent=2) + "\n")
        return EXIT_OK
    for r in rules:
        flags = ("" if r.enabled_by_default else " (off by default)") + (" [fix]" if r.fixable() else "")
        kinds = ",".join(sorted(k.value for k in r.kinds))
        print(f"{r.code:8} {r.name:40} {str(r.severity):8} {kinds:12} {r.summary()}{flags}")
    return EXIT_OK


COMMANDS = {"check": cmd_check, "fix": cmd_fix, "ast": cmd_ast, "rule": cmd_rule, "rules": cmd_rules}


def main(argv: list[str] | None = None) -> int:
    from dockerlint.cli import extensions
    from dockerlint.config import ConfigError

    argv = sys.argv[1:] if argv is None else argv
    wanted = next((a for a in argv if not a.startswith("-")), None)
    parser = build_parser(wanted)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    handler = COMMANDS.get(args.command) or extensions.handler(args.command)
    try:
        return handler(args)
    except (UsageError, ConfigError) as e:
        print(f"dockerlint: error: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK


def entry() -> None:
    sys.exit(main())
