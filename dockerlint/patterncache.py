"""Regular expressions compiled once per machine, for the command line.

`re.compile` parses a pattern and writes its program for the matcher in Python: 7 ms of the
~85 ms it takes to lint one Dockerfile from a cold start (75 patterns), 16 ms of a run of 100
Dockerfiles (171), paid again by each process of a parallel run. The program depends only on
the pattern, its flags and the interpreter, so it is kept in the user's cache (the file's name
carries the interpreter's release and the matcher's `MAGIC` and code size) and handed to `_sre.compile`, the
constructor `re` itself ends with: the same Pattern object, without the parser and compiler. A
Pattern compares equal to another only when their programs are the same, which the tests use.

Only CPython, only str patterns without `re.DEBUG`; anything unexpected (a missing, unreadable
or corrupt file, an entry of the wrong shape, an `re` whose internals moved) means compiling as
before. `install` is called by the command line only: a program that imports dockerlint keeps
its `re` untouched.
"""
from __future__ import annotations

import os
import re
import sys
from array import array

try:  # Python 3.11+: re._compiler, re._parser; 3.10: sre_compile, sre_parse
    from re import _compiler, _parser
except ImportError:  # pragma: no cover - Python 3.10
    import sre_compile as _compiler
    import sre_parse as _parser
import _sre

_MAX_ENTRIES = 4000  # beyond this (patterns made from changing input), keep only this process's
_store = None  # the CachedDict, once installed
_entries: dict = {}  # (pattern, flags) -> (flags, code, groups, groupindex, indexgroup): the store's
# The program is kept as the bytes of an array of code units: a file of a few hundred patterns
# is read without making an int object for every unit of every program (a list of ints cost a
# run of one small Dockerfile more than the compiling it saved), and only a used entry's is made.
_UNIT = next((t for t in "IL" if array(t).itemsize == _sre.CODESIZE), None)
_used: set = set()
_original = _compiler.compile
FILE_PREFIX = "re-"  # the file's name in the user's cache, before its interpreter's release


def _file() -> str:
    from dockerlint import user_cache_dir

    version = ".".join(map(str, sys.version_info[:3]))  # any release may renumber the matcher's opcodes
    return os.path.join(user_cache_dir(), f"{FILE_PREFIX}{sys.implementation.name}-{version}-{_sre.MAGIC}-{_sre.CODESIZE}.marshal")


def _program(pattern: str, flags: int) -> tuple:
    """What `re`'s compiler hands `_sre.compile` for `pattern` (its own steps, in its order)."""
    parsed = _parser.parse(pattern, flags)
    code = array(_UNIT, _compiler._code(parsed, flags)).tobytes()
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _build(pattern: str, entry: tuple):
    flags, code, groups, groupindex, indexgroup = entry
    return _sre.compile(pattern, flags, array(_UNIT, code).tolist(), groups, groupindex, indexgroup)


def _compile(p, flags=0):
    if type(p) is not str or type(flags) is not int or flags & re.DEBUG:
        return _original(p, flags)
    key = (p, flags)
    entry = _entries.get(key)
    if entry is not None:
        try:
            compiled = _build(p, entry)
        except Exception:  # an entry this interpreter refuses: compile afresh
            del _entries[key]
        else:
            _used.add(key)
            return compiled
    try:
        entry = _program(p, flags)
        compiled = _build(p, entry)
    except re.error:
        raise
    except Exception:  # `re` works differently here: leave it alone
        uninstall()
        return _original(p, flags)
    _entries[key] = entry
    _used.add(key)
    _store.dirty = True
    return compiled


def install() -> None:
    """Serve `re`'s compilations from the cache file (once; CPython only)."""
    global _store
    if _store is not None or sys.implementation.name != "cpython" or _UNIT is None or not hasattr(_compiler, "_code"):
        return
    from dockerlint import CachedDict

    _store = CachedDict(_MAX_ENTRIES)
    _store.entries, _store.used = _entries, _used
    _store.load(_file())  # none yet, or one this interpreter cannot read: compile
    _compiler.compile = _compile  # `re._compile` calls it through the module


def uninstall() -> None:
    if _compiler.compile is _compile:
        _compiler.compile = _original


def save() -> None:
    """Write the cache file if this process compiled something new."""
    from dockerlint import keeps_compiled

    if _store is not None and keeps_compiled():
        _store.save()
