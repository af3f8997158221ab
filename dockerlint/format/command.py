"""`dockerlint format [PATH...]`: lay out Dockerfiles in place, proving each change.

- Directories are walked as `check` walks them (dockerlint.discovery); only Dockerfiles are
  formatted. A file named on the command line is formatted when its name or content says it
  is a Dockerfile.
- `--check` writes nothing, lists the files that would change and exits 1 (0 when none);
  `--diff` prints a unified diff, writes nothing and exits 1 when something would change.
- `-` reads stdin and writes the result to stdout (`--stdin-filename` names it for config).
- Exit 2 for usage and I/O errors. A file that does not parse is left untouched, reported,
  and makes the exit status 1.
- Files are written through the fix engine's atomic write, keeping their encoding and mode.

Imported on every CLI start (to add its arguments), so heavy imports live in the functions.
"""
from __future__ import annotations

import sys

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin")
    parser.add_argument("--check", action="store_true", help="write nothing; list the files that would change and exit 1 if any")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing; exit 1 if anything would change")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin (config lookup, messages)")
    parser.add_argument("--config", metavar="FILE", help="use this config file instead of discovery")
    parser.add_argument("--isolated", action="store_true", help="ignore every config file")
    parser.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching these globs")


class _Usage(Exception):
    pass


def run(args) -> int:
    try:
        return _run(args)
    except _Usage as exc:
        print(f"dockerlint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR


def _resolver(args):
    from pathlib import Path

    from dockerlint.config import ConfigResolver
    from dockerlint.settings import Settings

    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise _Usage(f"--config: no such file: {args.config}")
    extra = [e.strip() for item in args.exclude or [] for e in item.split(",") if e.strip()]

    def overrides(s):
        if extra:
            from dataclasses import replace

            s = replace(s, exclude=s.exclude + extra)
        return s

    return ConfigResolver(Settings(), overrides, explicit, args.isolated)


def _run(args) -> int:
    import difflib
    from pathlib import Path

    from dockerlint.discovery import discover
    from dockerlint.engine import DecodeError, decode, read_file
    from dockerlint.fix import encode_like, write_atomic
    from dockerlint.format import format_text
    from dockerlint.format.options import from_settings
    from dockerlint.model import FileKind
    from dockerlint.parse.detect import detect_kind

    paths = args.paths or ["."]
    if "-" in paths and len(paths) > 1:
        raise _Usage("`-` (stdin) cannot be combined with other paths")
    resolver = _resolver(args)
    status = EXIT_OK
    candidates, skipped = discover(paths, resolver.for_directory(Path.cwd()).exclude)
    for s in skipped:
        print(f"{s.path}: skipped: {s.reason}", file=sys.stderr)
    would_change: list[str] = []
    written = unchanged = kept_total = 0
    for cand in candidates:
        display = (args.stdin_filename or "-") if cand.path == "-" else cand.path
        if cand.path == "-":
            try:
                decoded = decode(sys.stdin.buffer.read())
            except DecodeError as exc:
                print(f"{display}: error: {exc}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            text, encoding = decoded.text, decoded.encoding
        else:
            if not cand.explicit and cand.kind is not FileKind.DOCKERFILE:
                continue  # YAML, Python: not ours to lay out
            decoded, error = read_file(cand.path)
            if error is not None:
                print(f"{display}: error: {error.message}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            text, encoding = decoded.text, decoded.encoding
            if cand.kind is not FileKind.DOCKERFILE and detect_kind(cand.path, text) is not FileKind.DOCKERFILE:
                print(f"{display}: not a Dockerfile; not formatted", file=sys.stderr)
                continue
        try:
            options = from_settings(resolver.for_file(display if display != "-" else "."))
        except Exception as exc:  # ConfigError: its message names the file and key
            if type(exc).__name__ != "ConfigError":
                raise
            raise _Usage(str(exc)) from None
        result = format_text(text, options, display)
        if result.error is not None:
            print(f"{display}:{result.error_line}: error: not formatted, it does not parse: {result.error}", file=sys.stderr)
            status = max(status, EXIT_CHANGES)
            if cand.path == "-" and not (args.check or args.diff):
                sys.stdout.write(text)
            continue
        for line, why in result.kept:
            print(f"{display}:{line}: note: instruction left as written: {why}", file=sys.stderr)
        kept_total += len(result.kept)
        if args.diff:
            if result.changed:
                sys.stdout.writelines(difflib.unified_diff(
                    text.splitlines(keepends=True), result.text.splitlines(keepends=True),
                    f"a/{display}", f"b/{display}"))
                would_change.append(display)
            continue
        if args.check:
            if result.changed:
                print(f"Would reformat: {display}")
                would_change.append(display)
            else:
                unchanged += 1
            continue
        if cand.path == "-":
            sys.stdout.write(result.text)
            continue
        if not result.changed:
            unchanged += 1
            continue
        try:
            write_atomic(cand.path, encode_like(result.text, encoding))
        except OSError as exc:
            print(f"{display}: error: not written: {exc.strerror or exc}", file=sys.stderr)
            status = EXIT_ERROR
            continue
        written += 1
    if args.check or args.diff:
        if args.check:
            n = len(would_change)
            print(f"{n} file{'s' if n != 1 else ''} would be reformatted, {unchanged} already formatted", file=sys.stderr)
        if would_change and status == EXIT_OK:
            status = EXIT_CHANGES
    elif not (len(candidates) == 1 and candidates[0].path == "-"):
        print(f"{written} file{'s' if written != 1 else ''} reformatted, {unchanged} unchanged", file=sys.stderr)
    return status
