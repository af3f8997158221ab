"""The methods `@dataclass` writes for dockerlint's classes, compiled once per machine.

`@dataclass` writes the source of each class's `__init__`, `__repr__`, `__eq__`, ... and compiles
it when the module is imported: about 220 small compilations, ~15 ms of the ~115 ms it took to
lint one Dockerfile from a cold start (issue 22; `bench/adoption.py`). That source depends only
on the class's fields and options, so its compiled code is kept in the user's cache, keyed by the
text itself (and, through the file name, by the interpreter's bytecode magic number), and
`dataclasses` is handed the code object instead of the text: the same functions with the same
globals, without the compiler. Only classes of dockerlint's own modules take part; a missing,
unreadable or corrupt file means compiling as before.

What `exec(text)` would compile is compiled with the same flags (none are inherited: this module
has no `from __future__` import, and `dont_inherit` is set), under the same file name.
"""
import atexit
import builtins
import importlib.util
import os
import sys


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
_MAX_ENTRIES = 4000  # beyond this (many versions' classes), keep only what this process used
_store = None  # the CachedDict, once installed
_codes: dict = {}  # source text -> its code (the store's entries)
_used: set = set()


def _file() -> str:
    from dockerlint import user_cache_dir  # not dockerlint.files: it defines dataclasses

    return os.path.join(user_cache_dir(), f"dataclass-code-{importlib.util.MAGIC_NUMBER.hex()}.marshal")


def _exec(source, globals=None, locals=None, /):
    if type(source) is str and globals is not None and str(globals.get("__name__", "")).startswith(_OURS):
        code = _codes.get(source)
        if code is None:
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _store.dirty = True
        _used.add(source)
        source = code
    return builtins.exec(source, globals, locals)


def install() -> None:
    """Serve dataclasses' compilations of dockerlint classes from the cache file (once)."""
    global _store
    if _store is not None:
        return
    from dockerlint import CachedDict

    _store = CachedDict(_MAX_ENTRIES)
    _store.entries, _store.used = _codes, _used
    _store.load(_file())  # none yet, or one this interpreter cannot read: compile
    dataclasses.exec = _exec  # `exec` in dataclasses' module globals shadows the builtin
    atexit.register(save)  # the command line, which ends with os._exit, calls save() itself


def save() -> None:
    """Write the cache file if this process compiled something new."""
    if _store is not None:
        _store.save()
