"""Regular expressions compiled on first use.

Rules and their shared analyses hold about eighty module-level patterns, and compiling them
was a third of the time it took to import the rules: a start-up cost paid by every run, also
for the many patterns a given file never reaches (no `apk` line, no label schema, ...).
`lazy(...)` returns an object with the methods of a compiled pattern that compiles it the
first time one is used.
"""
from __future__ import annotations

import re


class LazyPattern:
    __slots__ = ("_args", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self._args = (pattern, flags)
        self._compiled: re.Pattern | None = None

    def compiled(self) -> re.Pattern:
        c = self._compiled
        if c is None:
            c = self._compiled = re.compile(*self._args)
        return c

    def search(self, *args, **kwargs):
        return self.compiled().search(*args, **kwargs)

    def match(self, *args, **kwargs):
        return self.compiled().match(*args, **kwargs)

    def fullmatch(self, *args, **kwargs):
        return self.compiled().fullmatch(*args, **kwargs)

    def finditer(self, *args, **kwargs):
        return self.compiled().finditer(*args, **kwargs)

    def findall(self, *args, **kwargs):
        return self.compiled().findall(*args, **kwargs)

    def sub(self, *args, **kwargs):
        return self.compiled().sub(*args, **kwargs)

    def subn(self, *args, **kwargs):
        return self.compiled().subn(*args, **kwargs)

    def split(self, *args, **kwargs):
        return self.compiled().split(*args, **kwargs)

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
