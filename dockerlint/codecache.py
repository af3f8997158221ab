"""The methods `@dataclass` writes for dockerlint's classes, compiled once per machine.

`@dataclass` writes the source of each class's `__init__`, `__repr__`, `__eq__`, ... and compiles
it when the module is imported: about 220 small compilations, ~15 ms of the ~115 ms it took to
lint one Dockerfile from a cold start (issue 22; `bench/adoption.py`). That source depends only
on the class's fields and options, so its compiled code is kept in the user's cache, keyed by the
text itself (and, through the file name, by the interpreter's bytecode magic number), and
`dataclasses` is handed the code object instead of the text: the same functions with the same
globals, without the compiler. Only classes of dockerlint's own modules take part; a missing,
unreadable or corrupt file means compiling as before.

The file (`dockerlint.write_indexed`) is an index, (length of the text << 32 | its CRC-32) -> where its
entry lies, then the entries, each `marshal`led (text, code): mapped, not read, so a process
unmarshals the entries it uses and no other (a dict of all 426 texts and codes, read whole,
took 3.1 ms of every start); an entry is used only when its text is the text asked for.

What `exec(text)` would compile is compiled with the same flags (none are inherited: this module
has no `from __future__` import, and `dont_inherit` is set), under the same file name.
"""
import atexit
import binascii
import builtins
import importlib.util
import marshal
import os
import sys
from types import CodeType

from dockerlint import indexed_blob, indexed_entry, keeps_compiled  # (defined before dockerlint imports this module)


class _Deferred(type(os)):
    """A module imported on its first attribute's use (then its names are copied here)."""

    def __getattr__(self, name):
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, name)


def _import_dataclasses():
    """`dataclasses` with its `inspect` imported when it first uses it. On Python 3.10 and 3.11 it
    uses it only to write a docstring for a class without one, and every dockerlint dataclass has
    one (a test holds it): `inspect` and what it imports (ast, dis, tokenize, ...) were 6.8 ms of
    the ~95 ms to lint one Dockerfile from a cold start. (3.12 and later read each class's
    annotations with it: there it is imported with the first class.) Only `dataclasses` holds
    the deferred module: whoever imports `inspect` after it gets the real one."""
    if "dataclasses" in sys.modules or "inspect" in sys.modules:
        import dataclasses

        return dataclasses
    deferred = sys.modules["inspect"] = _Deferred("inspect")
    try:
        import dataclasses
    finally:
        if sys.modules.get("inspect") is deferred:
            del sys.modules["inspect"]
    return dataclasses


dataclasses = _import_dataclasses()

_OURS = ("dockerlint.",)
FILE_PREFIX = "dataclass-code-"  # the file's name in the user's cache, before the bytecode's magic number
_MAX_ENTRIES = 4000  # beyond this (many versions' classes), keep only what this process used
_index: dict | None = None  # key -> (offset, length) of its entry in _region; None: not installed
_region = memoryview(b"")
_codes: dict = {}  # source text -> its code, in this process (from the file or compiled)
_added: set = set()  # texts compiled by this process
_used: set = set()  # keys of the file's entries this process used


def _file() -> str:
    from dockerlint import user_cache_dir  # not dockerlint.files: it defines dataclasses

    return os.path.join(user_cache_dir(), f"{FILE_PREFIX}{importlib.util.MAGIC_NUMBER.hex()}.bin")


def _key(source: str) -> int:
    return len(source) << 32 | binascii.crc32(source.encode("utf-8", "surrogatepass"))


def _exec(source, globals=None, locals=None, /):
    if type(source) is str and globals is not None and str(globals.get("__name__", "")).startswith(_OURS):
        code = _codes.get(source)
        if code is None:
            code = _kept(source)
            if code is None:
                code = compile(source, "<string>", "exec", dont_inherit=True)
                _added.add(source)
            _codes[source] = code
        source = code
    return builtins.exec(source, globals, locals)


def _kept(source: str):
    """The file's code for `source`, or None."""
    key = _key(source)
    where = indexed_entry(_index, key, 2, _region) if _index else None
    if where is None:
        return None
    try:
        text, code = marshal.loads(indexed_blob(_region, where))
    except (ValueError, EOFError, TypeError):
        return None
    if text != source or type(code) is not CodeType:
        return None
    _used.add(key)
    return code


def _load(path: str) -> tuple[dict, memoryview]:
    """The file's index, key -> (offset, length) (checked when used), and entries, or ({}, empty)."""
    from dockerlint import read_indexed

    return read_indexed(path)


def install() -> None:
    """Serve dataclasses' compilations of dockerlint classes from the cache file (once)."""
    global _index, _region
    if _index is not None:
        return
    _index, _region = _load(_file())  # none yet, or one this interpreter cannot read: compile
    dataclasses.exec = _exec  # `exec` in dataclasses' module globals shadows the builtin
    atexit.register(save)  # the command line, which ends with os._exit, calls save() itself


def save() -> None:
    """Write the cache file if this process compiled something new: the entries it had (only
    those it used, past _MAX_ENTRIES), copied as they are, and the new ones."""
    global _added
    if _index is None or not _added or not keeps_compiled():
        return
    from dockerlint import checked_entries, write_indexed

    added = {_key(source): source for source in _added}
    keep = checked_entries(_index, int, 2, _region)
    if len(keep) + len(added) > _MAX_ENTRIES:
        keep = {k: keep[k] for k in _used if k in keep}
    # (an added text's key in the file: a damaged entry, or another text's, replaced)
    entries = {k: (indexed_blob(_region, e),) for k, e in keep.items() if k not in added}
    entries.update((k, (marshal.dumps((source, _codes[source])),)) for k, source in added.items())
    _added = set()
    write_indexed(_file(), entries)
