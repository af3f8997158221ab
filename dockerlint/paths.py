"""Path arithmetic a run does for each of thousands of files, without os.path's general case.

`os.path.normpath(os.path.join(cwd, path))`, `dirname` and `basename` are Python functions of
a few steps each; a run asks them of every file several times (discovery, the settings, the
cache's packs), ~1.4 us a file each the first time. A path that is already normal (what a
walk, `git ls-files` or a shell glob gives) needs none of it: these answer the same, checked
by `tests/test_paths.py` against os.path, and fall back to os.path for anything else.
"""
from __future__ import annotations

import os

_POSIX = os.sep == "/" and os.altsep is None  # elsewhere: os.path for everything


def is_normal_relative(path: str) -> bool:
    """Is `path` relative, and what os.path.normpath makes of it? Conservative: a component that
    starts with a dot, an empty one, or a leading or trailing slash says no."""
    return _POSIX and path != "" and path[0] not in "./" and path[-1] != "/" and "//" not in path and "/." not in path


def normal(path: str) -> str:
    """os.path.normpath(path)."""
    return path if is_normal_relative(path) else os.path.normpath(path)


def absolute_in(directory: str, path: str) -> str:
    """os.path.normpath(os.path.join(directory, path)), for `directory` absolute and normal (a
    working directory)."""
    if is_normal_relative(path) and len(directory) > 1:
        return directory + "/" + path
    return os.path.normpath(os.path.join(directory, path))


def parent(path: str) -> str:
    """os.path.dirname(path)."""
    if _POSIX:
        i = path.rfind("/")
        if i < 0:
            return ""
        if i > 0 and path[i - 1] != "/":
            return path[:i]
    return os.path.dirname(path)


def name(path: str) -> str:
    """os.path.basename(path)."""
    return path[path.rfind("/") + 1:] if _POSIX else os.path.basename(path)


def shown_from(directory: str, path: str) -> str | None:
    """How a report shows `path` run in `directory` (absolute and normal, a working directory):
    os.path.relpath(path, directory) under it, `path` itself outside it (where relpath's answer
    starts with ".."). Only for a normal absolute `path`, else None (ask os.path)."""
    if not (_POSIX and path[:1] == "/" and is_normal_relative(path[1:])) or len(directory) < 2:
        return None
    n = len(directory)
    if path.startswith(directory):
        if path[n:n + 1] != "/":
            return None if n == len(path) else path  # the directory itself; or /repo2 beside /repo
        rest = path[n + 1:]
        return rest if rest[:1] != "." else None  # (relpath's ..name is taken for "outside")
    return path
