"""`dockerlint format [PATH...]`: lay out Dockerfiles in place, proving each change.

- Directories are walked as `check` walks them (dockerlint.discovery); only Dockerfiles are
  formatted. A file named on the command line is formatted when its name or content says it
  is a Dockerfile.
- `--check` writes nothing, lists the files that would change and exits 1 (0 when none);
  `--diff` prints a unified diff, writes nothing and exits 1 when something would change.
- `-` reads stdin and writes the result to stdout (`--stdin-filename` names it for config).
- Exit 2 for usage and I/O errors. A file that does not parse is left untouched, reported,
  and makes the exit status 1.
- Files are overwritten in place (dockerlint.files.write_in_place, as dockerfmt, ruff and black
  do), keeping their encoding, mode, owner and links; a failed write puts the old text back.

Imported on every CLI start (to add its arguments), so heavy imports live in the functions.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

EXIT_OK, EXIT_CHANGES, EXIT_ERROR = 0, 1, 2


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .); - reads stdin")
    parser.add_argument("--check", action="store_true", help="write nothing; list the files that would change and exit 1 if any")
    parser.add_argument("--diff", action="store_true", help="print a unified diff; write nothing; exit 1 if anything would change")
    parser.add_argument("--stdin-filename", metavar="PATH", help="the name of the file read from stdin (config lookup, messages)")
    parser.add_argument("--config", metavar="FILE", help="use this config file instead of discovery")
    parser.add_argument("--isolated", action="store_true", help="ignore every config file")
    parser.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching these globs")
    parser.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: one per CPU for 64 files or more)")


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


@dataclass
class _Outcome:
    """What `dockerlint format` did with one file: messages, status, and any diff or text."""

    display: str
    messages: list[str] = field(default_factory=list)  # for stderr, in order
    status: int = EXIT_OK
    changed: bool = False  # would change / was changed
    diff: str = ""
    stdout: str = ""  # stdin mode: the text to print
    skipped: bool = False


def _format_one(path: str, display: str, explicit: bool, named_dockerfile: bool, options, mode: str) -> _Outcome:
    """Format one file (or stdin, path "-"); mode is "write", "check" or "diff". Prints nothing."""
    format_text, FileKind, detect_kind, DecodeError, decode, read_file, encode_like, write_in_place = _helpers()
    out = _Outcome(display)
    if path == "-":
        try:
            decoded = decode(sys.stdin.buffer.read())
        except DecodeError as exc:
            out.messages.append(f"{display}: error: {exc}")
            out.status = EXIT_ERROR
            return out
    else:
        decoded, error = read_file(path)
        if error is not None:
            out.messages.append(f"{display}: error: {error.message}")
            out.status = EXIT_ERROR
            return out
    text, encoding = decoded.text, decoded.encoding
    if path != "-" and not named_dockerfile and detect_kind(path, text) is not FileKind.DOCKERFILE:
        if explicit:  # found by a directory walk: other YAML and Python are skipped quietly
            out.messages.append(f"{display}: not a Dockerfile; not formatted")
        out.skipped = True
        return out
    result = format_text(text, options, display)
    if result.error is not None:
        out.messages.append(f"{display}:{result.error_line}: error: not formatted, it does not parse: {result.error}")
        out.status = EXIT_CHANGES
        if path == "-" and mode == "write":
            out.stdout = text
        return out
    out.messages += [f"{display}:{line}: note: instruction left as written: {why}" for line, why in result.kept]
    out.changed = result.changed
    if mode == "diff":
        if result.changed:
            import difflib

            out.diff = "".join(difflib.unified_diff(
                text.splitlines(keepends=True), result.text.splitlines(keepends=True), f"a/{display}", f"b/{display}"))
    elif mode == "write":
        if path == "-":
            out.stdout = result.text
        elif result.changed:
            try:
                write_in_place(path, encode_like(result.text, encoding), encode_like(text, encoding))
            except OSError as exc:
                out.messages.append(f"{display}: error: not written: {exc.strerror or exc}")
                out.status = EXIT_ERROR
                out.changed = False
    return out


_HELPERS: tuple | None = None


def _helpers() -> tuple:
    """What _format_one calls, imported on first use (this module is imported on every CLI
    start) and kept: `from ... import` in the function cost ~10 us a file. Reading and decoding
    as `check`/`fix` do, and the in-place write (dockerlint.files)."""
    global _HELPERS
    if _HELPERS is None:
        from dockerlint.files import DecodeError, decode, encode_like, read_file, write_in_place
        from dockerlint.format import format_text
        from dockerlint.model import FileKind
        from dockerlint.parse.detect import detect_kind

        _HELPERS = (format_text, FileKind, detect_kind, DecodeError, decode, read_file, encode_like, write_in_place)
    return _HELPERS


def _preload() -> None:
    import difflib  # noqa: F401

    _helpers()  # the formatter, tree-sitter-bash with it


def _worker_run(jobs):
    out = []
    for path, display, explicit, named, options, mode in jobs:
        # One FormatOptions object per distinct value in this process (each task's pickle
        # brings its own copy): the layout memo then finds its keys' options by identity,
        # not by the dataclass's __eq__.
        options = _OPTIONS.setdefault(options, options)
        out.append(_format_one(path, display, explicit, named, options, mode))
    return out


_OPTIONS: dict = {}


def _runs(jobs: list, workers: int) -> list[list]:
    """The jobs cut into runs of neighbouring files, one run per task: long runs first (files
    in one directory tree often share instructions, whose layout and proof a worker remembers,
    format.document._LAYOUTS), each a third of what is left per worker, down to 16 files at
    the end, so no worker is left with a long run while the others have finished."""
    runs = []
    i = 0
    while i < len(jobs):
        size = max(16, (len(jobs) - i) // (workers * 3))
        runs.append(jobs[i : i + size])
        i += size
    return runs


def _job_count(requested: int | None, files: int) -> int:
    if requested is not None:
        return max(1, requested)
    if files < 64:
        return 1  # a pool costs more than it saves on small runs
    return max(1, min(os.cpu_count() or 1, 8))


def _run(args) -> int:
    from pathlib import Path

    from dockerlint.config import ConfigError
    from dockerlint.discovery import discover
    from dockerlint.format.options import from_settings
    from dockerlint.model import FileKind

    paths = args.paths or ["."]
    if "-" in paths and len(paths) > 1:
        raise _Usage("`-` (stdin) cannot be combined with other paths")
    resolver = _resolver(args)
    mode = "diff" if args.diff else "check" if args.check else "write"
    try:
        here = resolver.for_directory(Path.cwd())
        candidates, skipped = discover(paths, here.exclude)
        # With --isolated or --config no file's settings depend on its directory: one lookup
        # and one FormatOptions for all (the layout memo's keys then hold the same object).
        same = from_settings(here) if args.isolated or args.config else None
        jobs = []
        for cand in candidates:
            if cand.path != "-" and cand.kind is not None and cand.kind is not FileKind.DOCKERFILE:
                if cand.explicit:
                    print(f"{cand.path}: not a Dockerfile; not formatted", file=sys.stderr)
                continue  # a manifest or Compose file by its name: not ours to lay out
            display = (args.stdin_filename or "-") if cand.path == "-" else cand.path
            options = same or from_settings(resolver.for_file(display if display != "-" else "."))
            jobs.append((cand.path, display, cand.explicit, cand.kind is FileKind.DOCKERFILE, options, mode))
    except ConfigError as exc:
        raise _Usage(str(exc)) from None
    for s in skipped:
        print(f"{s.path}: skipped: {s.reason}", file=sys.stderr)
    workers = _job_count(args.jobs, len(jobs)) if not any(j[0] == "-" for j in jobs) else 1
    if workers > 1:
        import multiprocessing

        _preload()  # import once here: forked workers start with it (not once per worker)

        with multiprocessing.get_context("fork").Pool(workers) as pool:
            outcomes = [out for done in pool.imap(_worker_run, _runs(jobs, workers)) for out in done]
    else:
        outcomes = [_format_one(*job) for job in jobs]
    status = EXIT_OK
    changed = unchanged = 0
    for out in outcomes:
        for message in out.messages:
            print(message, file=sys.stderr)
        status = max(status, out.status)
        if out.diff:
            sys.stdout.write(out.diff)
        if out.stdout:
            sys.stdout.write(out.stdout)
        if mode == "check" and out.changed:
            print(f"Would reformat: {out.display}")
        if out.status == EXIT_OK and not out.skipped:
            changed += out.changed
            unchanged += not out.changed
    if mode == "check":
        print(f"{changed} file{'s' if changed != 1 else ''} would be reformatted, {unchanged} already formatted", file=sys.stderr)
    elif mode == "write" and not (len(jobs) == 1 and jobs[0][0] == "-"):
        print(f"{changed} file{'s' if changed != 1 else ''} reformatted, {unchanged} unchanged", file=sys.stderr)
    if mode != "write" and changed and status == EXIT_OK:
        status = EXIT_CHANGES
    return status
