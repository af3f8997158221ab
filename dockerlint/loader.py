"""The one way every front end (check, fix, ast, pin, suggest, review, the language server)
turns a path or a text into a model: read -> decode -> detect -> parse.

What cannot be read or parsed comes back as a `FileError` with a position, never as an
exception; a text we do not recognise comes back as None.
"""
from __future__ import annotations

from dataclasses import dataclass

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any

from dockerlint.files import read_file
from dockerlint.kinds import KindPlugin, plugin
from dockerlint.model import FileError, FileKind, ParseError, SourceText


@dataclass
class Loaded:
    """A parsed file: its kind, source text and the kind's model."""

    path: str
    kind: FileKind
    source: SourceText
    model: Any
    encoding: str = "utf-8"

    @property
    def plugin(self) -> KindPlugin:
        return plugin(self.kind)


def parse_error(path: str, exc: ParseError, kind: FileKind | None = None) -> FileError:
    return FileError(path, f"parse error: {exc.message}", exc.line, exc.column, code="E002", kind=kind)


def parse_source(source: SourceText, kind: FileKind, documents: Any = None) -> Any:
    """The model of `source` as `kind`; raises ParseError (a too deeply nested input included)."""
    try:
        return plugin(kind).parse(source, documents)
    except RecursionError:
        raise ParseError("input nested too deeply") from None


def load_text(
    text: str, path: str, kind: FileKind | None = None, *, documents: Any = None, encoding: str = "utf-8"
) -> Loaded | FileError | None:
    """Detect (unless `kind` is given) and parse text already in memory.

    `documents`: YAML documents already parsed from this text, reused instead of parsing again.
    """
    if kind is None:
        from dockerlint.parse.detect import detect

        kind, documents = detect(path, text)
        if kind is None:
            return None
    source = SourceText(text, path)
    try:
        model = parse_source(source, kind, documents)
    except ParseError as e:
        return parse_error(path, e, kind)
    return Loaded(path, kind, source, model, encoding)


def load_path(path: str, kind: FileKind | None = None) -> Loaded | FileError | None:
    """Read, decode, detect and parse one file."""
    decoded, error = read_file(path)
    if error is not None:
        return error
    return load_text(decoded.text, path, kind, encoding=decoded.encoding)


def not_recognised(path: str) -> FileError:
    from dockerlint.kinds import labels

    return FileError(path, f"not recognised as any of: {labels()} (use --kind)")
