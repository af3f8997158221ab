"""dockerlint's own modules served from one file of the user's cache.

Python imports a module by asking its finders where it is (each path entry's finder checks a
listing of the directory), then opening the `.pyc` in `__pycache__`, checking it against the
source's mtime and size, reading and unmarshalling it: bookkeeping of tens of microseconds a
module before its code runs, and a Dockerfile run imports ~130 rule modules and ~50 other plain
modules of dockerlint's. Here the compiled code of dockerlint's plain modules (not packages, not
extensions) is kept in one file of the user's cache, with each source's path, size, mtime and
ctime (nanoseconds; ctime changes with every write and cannot be set back): a module whose
source still has them is executed from there, after one stat (the `.pyc` gets the same check,
on size and mtime in seconds). A source is kept once it is SETTLE_NS old, so that another write
within the same timestamp tick cannot go unseen. Anything else (a module not kept yet, an
edited source, a package, the C composer) is imported the normal way, and the code of the plain
modules imported so is added when the process ends. The code is what the `.pyc` holds
(`get_code` of Python's own loader, its file name fixed to the source's), so tracebacks,
`__file__`, `inspect` and `importlib.reload` are as before. The file is the length of its index
(little-endian, 8 bytes), the index (`marshal`: source path -> (size, mtime, ctime, offset,
length)), then the modules' code (each `marshal`led), mapped rather than read: a process
unmarshals only what it imports (read whole, the 2.7 MB of ~300 modules took 3.4-4.6 ms, most
of what the finder saves). A missing, unreadable or foreign file means importing as before;
checkouts and versions share the file (their paths differ); it is replaced whole and
atomically, never written in place. Like the `.pyc` files and `codecache`'s, the file holds
code that is executed: it lives in the user's own cache folder.
"""
import marshal
import os
import sys
from importlib.machinery import ModuleSpec, SourceFileLoader
from types import CodeType

from dockerlint import indexed_entry, keeps_compiled  # (defined before dockerlint imports this module)

_OURS = "dockerlint."
FILE_PREFIX = "module-code-"  # the file's name in the user's cache, before the bytecode's magic number
_MAX_ENTRIES = 4000  # beyond this (many checkouts' or versions' modules), keep only what this process used
_index: dict | None = None  # source path -> (size, mtime_ns, ctime_ns, offset, length) in _code; None: not installed
_code = memoryview(b"")  # the file's code region
_used: set = set()  # sources served or added in this process
_added: dict = {}  # source path -> (size, mtime_ns, ctime_ns, marshalled code) imported the normal way
_missed: set = set()  # modules of ours imported the normal way in this process
SETTLE_NS = 3_000_000_000  # a source is kept only once it is this old (the result cache's stamps wait as long)


class _Loader:
    """Executes a module's kept code."""

    __slots__ = ("code", "origin")

    def __init__(self, code, origin: str):
        self.code = code
        self.origin = origin

    def create_module(self, spec):
        return None  # the default module

    def exec_module(self, module) -> None:
        exec(self._code(module.__name__, module.__spec__.origin), module.__dict__)

    def get_code(self, name):
        """The module's code, for `python -m` (runpy runs it in `__main__` without importing it)."""
        return self._code(name, self.origin)

    def _code(self, name, origin):
        try:
            code = marshal.loads(self.code)
        except (ValueError, EOFError, TypeError):
            code = None
        if type(code) is not CodeType:  # a damaged entry: compiled from the source, as Python would
            code = SourceFileLoader(name, origin).get_code(name)
        return code


class _Finder:
    """First on `sys.meta_path`: a module of dockerlint's whose source is unchanged since its
    code was kept."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if path is None or not name.startswith(_OURS) or len(path) != 1:
            return None
        source = os.path.join(path[0], name.rpartition(".")[2] + ".py")
        entry = indexed_entry(_index, source, _WIDTH, _code)
        if entry is None:
            _missed.add(name)
            return None
        try:
            st = os.stat(source)
        except OSError:
            return None
        if st.st_size != entry[0] or st.st_mtime_ns != entry[1] or st.st_ctime_ns != entry[2]:
            _missed.add(name)
            return None
        _used.add(source)
        spec = ModuleSpec(name, _Loader(_code[entry[3] : entry[3] + entry[4]], source), origin=source)
        spec.has_location = True  # __file__ (and __cached__) as Python's own loader sets them
        return spec


def _file() -> str:
    import importlib.util

    from dockerlint import user_cache_dir

    return os.path.join(user_cache_dir(), f"{FILE_PREFIX}{importlib.util.MAGIC_NUMBER.hex()}.bin")


def _load(path: str) -> tuple[dict, memoryview]:
    """The file's index (its entries checked when used: `_WIDTH`) and code region, or ({}, empty)."""
    from dockerlint import read_indexed

    return read_indexed(path)


_WIDTH = 5  # an index entry: (size, mtime_ns, ctime_ns, offset, length)


def _writable(directory: str) -> bool:
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError:
        return False
    return os.access(directory, os.W_OK)


def install() -> None:
    """Serve dockerlint's modules from the cache file (once per process)."""
    global _index, _code
    if _index is not None:
        return
    _index, _code = _load(_file())
    sys.meta_path.insert(0, _Finder)
    import atexit

    atexit.register(save)  # the command line, which ends with os._exit, calls save() itself


def save() -> None:
    """Keep the code of the plain modules this process imported the normal way, and write the
    file when that added anything (atomically; a failed write is ignored)."""
    if _index is None or not _missed or not keeps_compiled():
        return
    if not _writable(os.path.dirname(_file())):
        _missed.clear()  # (a read-only home: reading their code again would be for nothing, every run)
        return
    import time

    settled = time.time_ns() - SETTLE_NS
    for name in sorted(_missed):
        spec = getattr(sys.modules.get(name), "__spec__", None)
        if spec is None or type(spec.loader) is not SourceFileLoader or spec.submodule_search_locations is not None:
            continue  # a package, an extension, or not imported after all
        source = spec.origin
        try:
            before = os.stat(source)
            code = spec.loader.get_code(name)
            after = os.stat(source)
        except (OSError, ImportError, SyntaxError, ValueError):
            continue
        stamp = (after.st_size, after.st_mtime_ns, after.st_ctime_ns)
        if code is None or (before.st_size, before.st_mtime_ns, before.st_ctime_ns) != stamp \
                or max(after.st_mtime_ns, after.st_ctime_ns) > settled:
            continue  # edited while it was read, or moments ago (another edit could keep its size and times)
        _added[source] = (*stamp, marshal.dumps(code))
    _missed.clear()
    if not _added:
        return
    from dockerlint import checked_entries, indexed_blob, write_indexed

    entries = {k: (*e[:3], indexed_blob(_code, e)) for k, e in checked_entries(_index, str, _WIDTH, _code).items() if k not in _added}
    entries.update(_added)
    if len(entries) > _MAX_ENTRIES:
        entries = {k: e for k, e in entries.items() if k in _used or k in _added}
    write_indexed(_file(), entries)
    _added.clear()
