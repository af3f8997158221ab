"""What a process worked out from a text (a shell script's parse, its findings), kept by key.

A monorepo's Dockerfiles repeat their RUN scripts (44% of the shared corpus's 7,384), so the
shell model and the native checks keep their results per text. The memo is bounded by the
total length of the texts it holds: past its limit it is emptied and starts again.
"""
from __future__ import annotations


class TextMemo(dict):
    """key -> what was worked out, for texts of at most `limit` characters in all."""

    __slots__ = ("chars", "limit")

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.chars = 0  # characters of the texts held
        self.limit = limit

    def clear(self) -> None:
        super().clear()
        self.chars = 0

    def put(self, key, length: int, value):
        """Keep `value` under `key`, for a text of `length` characters; returns `value`."""
        if self.chars + length > self.limit:
            self.clear()
        self[key] = value
        self.chars += length
        return value
