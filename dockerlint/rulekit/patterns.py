"""Regular expressions compiled on first use.

Rules and their shared analyses hold about eighty module-level patterns, and compiling them
was a third of the time it took to import the rules: a start-up cost paid by every run, also
for the many patterns a given file never reaches (no `apk` line, no label schema, ...).
`lazy(...)` returns an object with the methods of a compiled pattern that compiles it the
first time one is used.
"""
from __future__ import annotations

import re


# The methods of a compiled pattern, which a LazyPattern takes on once compiled.
_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """Compiled on first use. The pattern's methods are then the compiled pattern's own bound
    methods, held in slots: `p.search(...)` costs an attribute load and the C call, not a
    Python wrapper per call (the Dockerfile parser makes several calls per instruction).
    Before that, a method lookup finds its slot empty, and __getattr__ compiles."""

    __slots__ = ("_args", "_compiled") + _METHODS

    def __init__(self, pattern: str, flags: int = 0):
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        c = self._compiled
        if c is None:
            c = re.compile(*self._args)
            for name in _METHODS:
                setattr(self, name, getattr(c, name))
            self._compiled = c
        return c

    def __getattr__(self, name: str):
        # Called only when normal lookup fails: a method's slot before the first compile.
        if name in _METHODS:
            self.compiled()
            return object.__getattribute__(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def pattern(self) -> str:
        return self._args[0]

    @property
    def flags(self) -> int:
        return self.compiled().flags

    @property
    def groups(self) -> int:
        return self.compiled().groups

    @property
    def groupindex(self):
        return self.compiled().groupindex


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
