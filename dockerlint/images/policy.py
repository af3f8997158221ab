"""Organisation image policy: `approved-images` globs and `image-replacements`.

Used by DF005 (Dockerfile `FROM`), KS302 (Kubernetes containers, Python IaC too) and DC302
(Compose `image:`), so the three agree on what an image matches. A glob is `fnmatch`-style
(`*` also matches `/` and `:`) and is tried against every written form of the image
(`reference.written_forms`): `python:3.12` matches `docker.io/library/python:*`.
"""
from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache

from dockerlint.images.reference import written_forms


def approved(image: str, globs: list[str]) -> bool:
    forms = written_forms(image)
    return any(fnmatchcase(form, glob.strip()) for glob in globs if glob.strip() for form in forms)


@lru_cache(maxsize=256)
def _pattern(glob: str) -> re.Pattern:
    """`fnmatch` semantics, each `*` a capture group so the replacement can reuse it."""
    out = []
    for ch in glob:
        if ch == "*":
            out.append("(.*)")
        elif ch == "?":
            out.append("(.)")
        else:
            out.append(re.escape(ch))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def check_replacement(key: str, value: str) -> str | None:
    """The problem with one `image-replacements` entry, or None when it is usable."""
    if not key.strip() or not value.strip():
        return "an empty image"
    if any(c in key for c in "[]"):
        return "character classes (`[...]`) are not supported in a replacement's key"
    stars = value.count("*")
    wild = key.count("*") + key.count("?")
    if stars and stars != wild:
        return f"the replacement has {stars} `*` but the key has {wild} wildcard(s); each `*` of the replacement takes what one wildcard of the key matched, in order"
    if "?" in value or any(c in value for c in " \t"):
        return "the replacement must be an image reference (no `?` or spaces)"
    return None


def replacement(image: str, replacements: dict[str, str]) -> str | None:
    """The image `image-replacements` maps `image` to, or None.

    The first key (in config order) matching any written form wins; a `*` in the value takes
    what the key's wildcards matched, so `"python:*" = "ghcr.io/acme/python:*"` keeps the tag.
    A digest of the old image is never carried over (it names the old image's content).
    """
    if not replacements:
        return None
    forms = written_forms(image)
    for key, value in replacements.items():
        pattern = _pattern(key.strip())
        for form in forms:
            m = pattern.match(form)
            if m is None:
                continue
            if "*" not in value:
                return value.strip()
            groups = iter(m.groups())
            return re.sub(r"\*", lambda _m: next(groups, ""), value.strip())
    return None

