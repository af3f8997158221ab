"""`dockerlint clean [DIR...] [--user]`: remove the result cache, as `ruff clean` does.

For each directory (default: the working directory): the cache a `dockerlint check` run there
uses (beside the nearest config file, its `cache-dir`, else `.dockerlint_cache/` in the
directory), and every `.dockerlint_cache/` below it (a monorepo whose configs each keep one; the
walk follows no symbolic link and skips `.git`). Only a folder dockerlint made is removed: one
holding the `CACHEDIR.TAG` the cache writes (`state.cache._mark`); any other is named and left
alone, and the exit status is 2.

`--user` also removes what dockerlint keeps per user to start faster, which grows with every
checkout and release a machine has run (`dockerlint.user_cache_dir()`): the rule index's stamps
and the compiled modules, dataclass methods and patterns. Each is made again by the next run.
The end-of-life snapshot (`images --refresh`) and pinned digests there are data, not derived
from dockerlint's code: kept.
"""
from __future__ import annotations

import os
import shutil
import sys

from dockerlint.state.cache import DIRECTORY, TAG_MARK, directory_for

EXIT_OK, EXIT_ERROR = 0, 2


def add_arguments(parser) -> None:
    parser.add_argument("dirs", nargs="*", metavar="DIR", help="where `dockerlint check` runs (default: the working directory)")
    parser.add_argument("--config", metavar="FILE", help="the config file the runs use, instead of discovery")
    parser.add_argument("--isolated", action="store_true", help="the runs ignore every config file")
    parser.add_argument("--user", action="store_true",
                        help="also remove the compiled code dockerlint keeps per user to start faster (made again by the next run)")


def run(args) -> int:
    from pathlib import Path

    from dockerlint.config import ConfigResolver
    from dockerlint.frontend import UsageError
    from dockerlint.settings import Settings

    explicit = Path(args.config) if args.config else None
    if explicit is not None and not explicit.is_file():
        raise UsageError(f"--config: no such file: {args.config}")
    resolver = ConfigResolver(Settings(), None, explicit, args.isolated)
    status = EXIT_OK
    seen: set[str] = set()
    for given in args.dirs or ["."]:
        if not os.path.isdir(given):
            print(f"dockerlint: error: {given}: not a directory", file=sys.stderr)
            status = EXIT_ERROR
            continue
        directory = os.path.abspath(given)
        main = directory_for(resolver.for_directory(Path(directory)), directory)  # as a run there places it
        found = [os.path.abspath(main)] + [os.path.join(d, DIRECTORY) for d in _below(directory)]
        any_here = False
        for cache in found:
            if cache in seen or not os.path.isdir(cache):
                continue
            seen.add(cache)
            any_here = True
            if not _made_by_dockerlint(cache):
                print(f"dockerlint: error: {cache}: not a cache dockerlint made (no CACHEDIR.TAG of its own): left alone", file=sys.stderr)
                status = EXIT_ERROR
                continue
            files, size = _measure(cache)
            try:
                shutil.rmtree(cache)
            except OSError as e:
                print(f"dockerlint: error: {cache}: {e.strerror or e}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            print(f"removed {cache} ({files} files, {_size(size)})")
        if not any_here:
            print(f"no result cache for {directory}")
    if args.user:
        status = max(status, _clean_user())
    return status


def _below(directory: str):
    """Folders under `directory` holding a `.dockerlint_cache/` (symbolic links not followed)."""
    for root, dirs, _files in os.walk(directory):
        if DIRECTORY in dirs:
            yield root
        dirs[:] = [d for d in dirs if d not in (".git", DIRECTORY)]


def _made_by_dockerlint(cache: str) -> bool:
    try:
        with open(os.path.join(cache, "CACHEDIR.TAG"), encoding="utf-8", errors="replace") as f:
            return TAG_MARK in f.read(4096)
    except OSError:
        return False


def _measure(directory: str) -> tuple[int, int]:
    files = size = 0
    for root, _dirs, names in os.walk(directory):
        for name in names:
            files += 1
            try:
                size += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return files, size


def _size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"


def _clean_user() -> int:
    from dockerlint import codecache, discard_compiled, modulecache, patterncache, ruleset, user_cache_dir

    # the user cache's files made from dockerlint's own code, of any version (each module names its own)
    derived = (ruleset.STAMP_PREFIX, codecache.FILE_PREFIX, modulecache.FILE_PREFIX, patterncache.FILE_PREFIX)
    where = user_cache_dir()
    try:
        names = sorted(os.listdir(where))
    except FileNotFoundError:
        print(f"no compiled code in {where}")
        return EXIT_OK
    except OSError as e:
        print(f"dockerlint: error: {where}: {e.strerror or e}", file=sys.stderr)
        return EXIT_ERROR
    removed = size = 0
    status = EXIT_OK
    for name in names:
        if not name.startswith(derived):
            continue
        path = os.path.join(where, name)
        try:
            if not os.path.isfile(path) or os.path.islink(path):
                continue
            size += os.lstat(path).st_size
            os.unlink(path)
            removed += 1
        except OSError as e:
            print(f"dockerlint: error: {path}: {e.strerror or e}", file=sys.stderr)
            status = EXIT_ERROR
    discard_compiled()  # not written again as this process ends
    kept = len(names) - removed
    print(f"removed {removed} files ({_size(size)}) of compiled code from {where}" + (f"; kept {kept} (data such as the end-of-life snapshot)" if kept else ""))
    return status
