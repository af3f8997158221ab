"""Core value types shared by every stage of the pipeline.

parse -> model -> rules -> findings -> fixes -> reporters. Everything here is plain data:
no I/O, no formatting for a terminal, no parser-library objects.
"""
from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field, fields


class Severity(enum.IntEnum):
    """Ordered like hadolint: a lower value is more severe."""

    ERROR = 0
    WARNING = 1
    INFO = 2
    STYLE = 3
    IGNORE = 4

    @classmethod
    def parse(cls, text: str) -> "Severity":
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(
                f"unknown severity {text!r} (expected one of: error, warning, info, style, ignore)"
            ) from None

    def __str__(self) -> str:
        return self._text  # set below: `name` and `value` are Python-level descriptors, and
        # a report asks for the text of every finding's severity and fix


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"

    def __str__(self) -> str:
        return self._text


# severities by number and applicabilities by value: as the result cache stores them
SEVERITY_BY_NUMBER = {int(s): s for s in Severity}
APPLICABILITY_BY_VALUE = {a.value: a for a in Applicability}


class FileKind(str, enum.Enum):
    DOCKERFILE = "dockerfile"
    KUBERNETES = "kubernetes"
    COMPOSE = "compose"
    PYTHON = "python"  # infrastructure-as-code programs: cdk8s, Pulumi, AWS CDK
    HELM = "helm"  # a chart directory: rendered, linted as Kubernetes, reported at its templates/values
    KUSTOMIZE = "kustomize"  # an overlay directory: built, linted as Kubernetes, reported at its resources/patches

    def __str__(self) -> str:
        return self._text


for _member in (*Severity, *Applicability, *FileKind):
    _member._text = _member.name.lower() if isinstance(_member, Severity) else _member.value


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A half-open character range [start, end) into the source text.

    Lines and columns are 1-based; columns count Unicode code points. end_col points one past
    the last character (so a one-character span on column 5 has end_col 6).

    In slots, not a `__dict__`: every YAML node has one, and the C composer sets them in place
    (a span with a dictionary was 176 bytes, and filling it a sixth of composing a manifest).
    """

    start: int
    end: int
    line: int
    col: int
    end_line: int
    end_col: int

    def contains(self, other: "Span") -> bool:
        return self.start <= other.start and other.end <= self.end


_new_object = object.__new__
_SET_START, _SET_END, _SET_LINE, _SET_COL, _SET_END_LINE, _SET_END_COL = (
    Span.__dict__[name].__set__ for name in ("start", "end", "line", "col", "end_line", "end_col"))


def new_span(start: int, end: int, line: int, col: int, end_line: int, end_col: int) -> Span:
    """`Span(start, end, line, col, end_line, end_col)` without the frozen dataclass's six
    `object.__setattr__` calls (its slots set directly): the same object, for the code that
    makes them by the thousand (the YAML composer, the result cache)."""
    span = _new_object(Span)
    _SET_START(span, start)
    _SET_END(span, end)
    _SET_LINE(span, line)
    _SET_COL(span, col)
    _SET_END_LINE(span, end_line)
    _SET_END_COL(span, end_col)
    return span


class SourceText:
    """The text of one file with a line index, to turn offsets into line/column and back."""

    def __init__(self, text: str, path: str = "-", line_starts: list[int] | None = None):
        self.text = text
        self.path = path
        self._starts = line_starts  # built on first use: a cached result may never need it

    @property
    def _line_starts(self) -> list[int]:
        return self._starts or self._index()

    def _index(self) -> list[int]:
        text = self.text
        starts = [0]
        find, append, i = text.find, starts.append, text.find("\n")
        while i >= 0:
            append(i + 1)
            i = find("\n", i + 1)
        self._starts = starts
        return starts

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        starts = self._starts or self._index()
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index] + 1

    def offset(self, line: int, col: int) -> int:
        """Character offset of a 1-based (line, column)."""
        line = max(1, min(line, len(self._line_starts)))
        return min(self._line_starts[line - 1] + col - 1, len(self.text))

    def span(self, start: int, end: int) -> Span:
        """`Span(start, end, *position(start), *position(end))`, with one search of the line index
        when both ends are on one line (most spans: a word, an instruction of one line)."""
        size = len(self.text)
        starts = self._starts or self._index()
        a = 0 if start < 0 else size if start > size else start
        i = bisect.bisect_right(starts, a) - 1
        b = 0 if end < 0 else size if end > size else end
        if a <= b and (i + 1 == len(starts) or b < starts[i + 1]):
            j = i
        else:
            j = bisect.bisect_right(starts, b) - 1
        return new_span(start, end, i + 1, a - starts[i] + 1, j + 1, b - starts[j] + 1)

    def line_text(self, line: int) -> str:
        """The text of a 1-based line without its line terminator."""
        if not 1 <= line <= len(self._line_starts):
            return ""
        start = self._line_starts[line - 1]
        end = self._line_starts[line] if line < len(self._line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")

    def line_start(self, line: int) -> int:
        return self._line_starts[max(1, min(line, len(self._line_starts))) - 1]


class CachedSource(SourceText):
    """The source of a cached result. The positions of its fixes' edits, which reports show,
    were stored with them (no line index needed), and a file read as UTF-8 bytes is decoded only
    if something asks for its text: a cached run writing JSON never does. A result found by the
    file's stamp (`dockerlint.state.cache`) has neither: the file is read if its text is asked for."""

    def __init__(self, path: str, known: dict[int, tuple[int, int]], text: str | None = None, data: bytes | None = None):
        self.path = path
        self._starts = None
        self._known = known
        self._text = text
        self._data = data

    @property
    def text(self) -> str:
        if self._text is None:
            if self._data is None:  # found by the file's stamp, unread: read now (as it is now)
                from dockerlint.files import read_file

                decoded, _error = read_file(self.path)
                self._text = decoded.text if decoded is not None else ""
            else:
                self._text = self._data.decode("utf-8")  # the bytes the cache key was made of: valid
                self._data = None
        return self._text

    def position(self, offset: int) -> tuple[int, int]:
        found = self._known.get(offset)
        return found if found is not None else SourceText.position(self, offset)


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] of the original source with `content`."""

    start: int
    end: int
    content: str

    @classmethod
    def insert(cls, at: int, content: str) -> "Edit":
        return cls(at, at, content)

    @classmethod
    def delete(cls, start: int, end: int) -> "Edit":
        return cls(start, end, "")


@dataclass(frozen=True)
class Fix:
    """A finding's fix: edits to the original text, applied together, and how safe they are."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    description: str = ""

    def __post_init__(self):
        edits = self.edits
        if type(edits) is not tuple or len(edits) > 1:  # one edit (most fixes) is in order already
            object.__setattr__(self, "edits", tuple(sorted(edits, key=lambda e: (e.start, e.end))))

    @property
    def start(self) -> int:
        return min(e.start for e in self.edits)

    @property
    def end(self) -> int:
        return max(e.end for e in self.edits)


class StoredFix(Fix):
    """A fix read back from the result cache (`dockerlint.state.cache`). Its edits are made when
    first asked for: a cached run writing JSON never asks (the report writes `stored`, the
    edits with their positions, as they are), and making them was half the time spent rebuilding
    cached results. `known`, the positions of its source's edits, gets theirs when they are made."""

    stored: tuple  # ((start, end, content, line, col, end_line, end_col), ...), in order

    def __eq__(self, other):  # equal to the Fix it was stored from (a dataclass compares classes)
        if isinstance(other, Fix):
            return (self.edits, self.applicability, self.description) == (other.edits, other.applicability, other.description)
        return NotImplemented

    __hash__ = Fix.__hash__

    def __getattr__(self, name: str):
        if name != "edits":  # asked only for what the instance lacks: `edits`, until made
            raise AttributeError(name)
        fields = self.__dict__
        edits = []
        known = fields["known"]
        for e in fields["stored"]:
            edits.append(new_edit(e[0], e[1], e[2]))
            known[e[0]] = (e[3], e[4])
            known[e[1]] = (e[5], e[6])
        edits = fields["edits"] = tuple(edits)
        return edits


def new_stored_fix(stored: tuple, applicability: Applicability, description: str, known: dict) -> StoredFix:
    """A `StoredFix` of `stored` edits (each with its positions), made by `_filled`."""
    return _filled(StoredFix, stored=stored, applicability=applicability, description=description, known=known)


def _filled(cls, **fields):
    """An instance of the dataclass `cls` with `fields` put in its __dict__ directly, without
    __init__ (and a frozen one's object.__setattr__ per field: see `new_span`)."""
    made = _new_object(cls)
    made.__dict__.update(fields)
    return made


def new_edit(start: int, end: int, content: str) -> Edit:
    """`Edit(start, end, content)`, made by `_filled`."""
    return _filled(Edit, start=start, end=end, content=content)


def new_fix(edits: tuple[Edit, ...], applicability: Applicability, description: str) -> Fix:
    """`Fix(edits, applicability, description)` for edits already in order (a fix read back from
    the result cache was in order when it was written), made by `_filled`."""
    return _filled(Fix, edits=edits, applicability=applicability, description=description)


@dataclass(frozen=True)
class Location:
    """Another place a finding concerns (SARIF's relatedLocations): e.g. the values key that
    fed a templated field. Lines and columns 1-based."""

    path: str
    line: int
    col: int = 1
    message: str = ""


@dataclass
class Finding:
    """One problem a rule found: where, what, and the fix it offers."""

    code: str
    name: str
    severity: Severity
    message: str
    span: Span
    path: str = "-"
    fix: Fix | None = None
    aliases: tuple[str, ...] = ()
    kind: FileKind | None = None
    anchor: str | None = None  # normalised source a baseline matches on (set when one is used)
    related: tuple[Location, ...] = ()

    def sort_key(self):
        return (self.path, self.span.line, self.span.col, self.code)


class ParseError(Exception):
    """The text is not valid for its kind. Every parser raises a subclass; `line`/`column`
    are 1-based, None when the parser cannot tell."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class FileError:
    """A file that could not be read or parsed: reported, and the run goes on."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None
    code: str = "E001"
    kind: FileKind | None = None  # the kind it was read as, when known (a parse error)

    def describe(self) -> str:
        """`path:line:column: error: message`, as a command line prints it."""
        where = self.path
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: error: {self.message}"


@dataclass
class FileResult:
    """What linting (or fixing) one file gave: its findings, or the error that stopped it."""

    path: str
    kind: FileKind | None
    findings: list[Finding] = field(default_factory=list)
    error: FileError | None = None
    source: SourceText | None = None
    fixed_text: str | None = None
    fixes_applied: dict[str, int] = field(default_factory=dict)
    fixes_refused: list = field(default_factory=list)  # fix.Refusal: fixes the engine would not apply
    documents: int | None = None  # YAML documents (or IaC units) parsed; None for a Dockerfile
    related: dict[str, str | None] = field(default_factory=dict)  # other files the rules read -> digest

    def severities(self) -> list[Severity]:
        return [f.severity for f in self.findings]


class CachedResult(FileResult):
    """A result read back from the result cache (`dockerlint.state.cache`). Its findings are made
    when first asked for: until then `stored_findings` is what the cache stored, which the JSON
    report and the exit code read as they are (making 19,806 findings of the Kubernetes corpus,
    and writing them, was most of a cached run). Made by `new_cached_result`; equal to the
    FileResult it stands for, and pickled as one."""

    @property
    def findings(self) -> list[Finding]:
        own = self.__dict__
        made = own.get("_findings")
        if made is None:
            made = own["_findings"] = own["_make"](self._entries())
        return made

    def _entries(self) -> tuple:
        """The stored findings, unpacked from the pack's bytes on first use."""
        own = self.__dict__
        stored = own["_stored"]
        if type(stored) is bytes:
            stored = own["_stored"] = own["_unpack"](stored)
        return stored

    @findings.setter
    def findings(self, value: list[Finding]) -> None:
        self.__dict__["_findings"] = value

    @property
    def stored_findings(self) -> tuple | None:
        """The findings as the cache stored them, while none has been made of them (else None)."""
        return self._entries() if "_findings" not in self.__dict__ else None

    @property
    def stored_json(self) -> tuple[str, str | memoryview, tuple, int] | None:
        """(the path as shown, the stored findings' lines of the JSON report (a string, or UTF-8
        in the cache's pack), ((severity's number, findings), ...), fixable findings) when the
        run that stored the result reported JSON, while no finding has been made (else None)."""
        own = self.__dict__
        return own["_json"] if "_findings" not in own else None

    def severities(self) -> list[Severity]:
        own = self.__dict__
        if "_findings" in own:
            return FileResult.severities(self)
        json = own["_json"]
        if json is not None and type(own["_stored"]) is bytes:  # counted when stored: not unpacked for it
            return [SEVERITY_BY_NUMBER[number] for number, n in json[2] for _ in range(n)]
        return [SEVERITY_BY_NUMBER[entry[2]] for entry in self._entries()]

    def __eq__(self, other):
        if isinstance(other, FileResult):
            return _plain(self) == _plain(other)
        return NotImplemented

    __hash__ = None

    def __reduce__(self):
        return (FileResult, _plain(self))


def _plain(result: FileResult) -> tuple:
    """A result's FileResult fields, in order (a CachedResult's findings made)."""
    return tuple(getattr(result, f.name) for f in fields(FileResult))


def new_cached_result(path: str, kind: FileKind | None, stored: tuple | bytes, unpack, make, error: FileError | None,
                      source: SourceText | None, documents: int | None, related: dict,
                      json: tuple[str, str, tuple, int] | None = None) -> CachedResult:
    """A `CachedResult` whose findings `make(entries)` makes from `stored` (the cache's tuples,
    each with its severity's number third, or the bytes `unpack` makes them of), when asked
    for; `json`: their JSON report lines, if stored."""
    return _filled(CachedResult, path=path, kind=kind, error=error, source=source, fixed_text=None, fixes_applied={},
                   fixes_refused=[], documents=documents, related=related, _stored=stored, _unpack=unpack, _make=make,
                   _json=json)

