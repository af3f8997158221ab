"""Value checks shared by the schema validators: quantities, timestamps, base64, spelling."""
from __future__ import annotations

import re

# Kubernetes resource.Quantity (apimachinery's ParseQuantity): a signed decimal number, then
# a binary-SI suffix (Ki..Ei), a decimal-SI suffix (n u m "" k M G T P E) or an exponent.
_QUANTITY = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[KMGTPE]i|[numkMGTPE]|[eE][+-]?[0-9]+)?")
_RFC3339 = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")


def is_quantity(text: str) -> bool:
    return _QUANTITY.fullmatch(text) is not None


def is_rfc3339(text: str) -> bool:
    return _RFC3339.fullmatch(text) is not None


def is_base64(text: str) -> bool:
    """What Go's encoding/base64 StdEncoding accepts in a JSON []byte (line breaks ignored)."""
    text = text.replace("\n", "").replace("\r", "")
    return len(text) % 4 == 0 and _BASE64.fullmatch(text) is not None


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a transposition counts 1), or limit + 1 when larger."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        best = i
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, prev2[j - 2] + 1)
            cur[j] = v
            best = min(best, v)
        if best > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


def close_matches(word: str, candidates, limit: int = 2) -> list[str]:
    """Candidates within `limit` edits of `word` (one edit for words of up to 5 characters:
    "HTTP" is not a typo of "SCTP"); a match ignoring case alone always qualifies. Closest
    first."""
    if len(word) <= 5:
        limit = min(limit, 1)
    scored = []
    lower = word.lower()
    for candidate in candidates:
        if candidate == word:
            continue
        d = 0 if candidate.lower() == lower else edit_distance(word, candidate, limit)
        if d <= limit:
            scored.append((d, candidate))
    scored.sort()
    return [c for _, c in scored]
