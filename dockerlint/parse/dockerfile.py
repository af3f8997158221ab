"""Lossless Dockerfile parser and its model.

Every instruction, keyword, flag, argument, heredoc and comment keeps its exact span in the
original text. Parsing follows BuildKit's `frontend/dockerfile/parser` (the reference); the
test suite checks agreement with it on the whole corpus.
"""
from __future__ import annotations

import bisect
import gc
import json
import math
import operator
import re
from dataclasses import dataclass, field
from itertools import accumulate

from dockerlint.model import ParseError, SourceText, Span, new_span
from dockerlint.rulekit.patterns import lazy


class DockerfileParseError(ParseError):
    """Not a valid Dockerfile."""

    def __init__(self, message: str, line: int, column: int = 1):
        super().__init__(message, line, column)


@dataclass
class Comment:
    """A comment line of a Dockerfile."""

    text: str  # the comment text after '#', stripped of surrounding whitespace
    span: Span  # from '#' to end of line (without the newline)


@dataclass
class Flag:
    """An instruction flag (`--mount=...`, `--link`)."""

    name: str  # without dashes: "from", "mount", "platform", "chown", "link"
    value: str | None  # None for a bare boolean flag such as --link
    span: Span  # the whole "--name=value" token


@dataclass
class Word:
    """A whitespace-separated argument token (quotes kept in `text`, removed in `value`)."""

    text: str
    value: str
    span: Span


@dataclass
class Heredoc:
    """A heredoc of an instruction (`<<EOF` ... `EOF`)."""

    name: str  # delimiter without quotes and without '-'
    content: str  # body exactly as BuildKit returns it (leading tabs removed for <<-)
    chomp: bool  # <<- form
    quoted: bool  # delimiter was quoted: no expansion inside the body
    span: Span  # body lines plus the terminator line
    body_span: Span  # body lines only (may be empty)
    raw_content: str = ""  # body as BuildKit's parser returns it (no tab stripping even for <<-)
    fd: int = 0  # file descriptor prefix: 2<<EOF -> 2


@dataclass
class Instruction:
    """One instruction, continuation lines and heredocs included, with exact spans."""

    keyword: str  # upper case: "RUN"
    keyword_raw: str  # as written: "run"
    span: Span  # whole instruction: continuation lines and heredoc bodies included, final newline excluded
    keyword_span: Span
    flags: list[Flag] = field(default_factory=list)
    # Argument text after the flags, continuation escapes and the newlines after them removed and
    # comment lines inside the continuation dropped, as BuildKit joins it.
    args: str = ""
    # (args_index, source_offset) at the start of each contiguous chunk of `args`, to map
    # positions inside `args` back to the source.
    segments: tuple[tuple[int, int], ...] = ()
    json: list[str] | None = None  # exec (JSON array) form, parsed; None for shell form
    heredocs: list[Heredoc] = field(default_factory=list)
    inner: "Instruction | None" = None  # ONBUILD's wrapped instruction
    stage: int = -1  # index of the stage this belongs to; -1 before the first FROM
    index: int = 0  # position in Dockerfile.instructions
    # The logical line as BuildKit joins it (Node.Original): keyword, flags and args, continuations
    # joined; heredoc bodies not included.
    original: str = ""
    escape: str = "\\"  # the file's escape character, used by words()
    source: SourceText | None = field(default=None, repr=False, compare=False)

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def end_line(self) -> int:
        return self.span.end_line

    def source_offset(self, args_index: int) -> int:
        """Source offset of the character at `args_index` in `args`."""
        segments = self.segments
        if not segments:
            return self.keyword_span.end
        if len(segments) == 1:  # most instructions: one line
            base_index, base_offset = segments[0]
        else:  # asked for every word and command of a RUN: the chunks' starts are listed once
            known = self.__dict__.get("_starts")
            if known is None or known[0] is not segments:
                known = self.__dict__["_starts"] = (segments, [s[0] for s in segments])
            base_index, base_offset = segments[max(0, bisect.bisect_right(known[1], args_index) - 1)]
        return base_offset + (args_index - base_index)

    def flag(self, name: str) -> Flag | None:
        for f in self.flags:
            if f.name == name:
                return f
        return None

    def fields(self) -> list[str]:
        """`args` split on whitespace only, as BuildKit's parseStringsWhitespaceDelimited does
        for ADD/COPY (quotes do not join words), each word then unquoted."""
        return [_unquote_word(w, self.escape) for w in self.args.split()]

    def words(self) -> list[Word]:
        """`args` split on whitespace like BuildKit's parseWords (quotes and escapes respected).

        `Word.text` is the word as written in `args` (quotes kept), `Word.value` has the quotes and
        escapes removed (no variable expansion), `Word.span` points into the source, across
        continuation lines if the word spans them. Many rules ask for the same instruction's
        words: they are split once (for these `args`) and each caller gets its own list.
        """
        args = self.args
        if not args:
            return []
        known = self.__dict__.get("_words")
        if known is not None and known[0] is args and known[1] is self.source:
            return list(known[2])
        out = self._split_words(args)
        self.__dict__["_words"] = (args, self.source, tuple(out))
        return out

    def _split_words(self, args: str) -> list[Word]:
        segs = self.segments
        keys = [seg[0] for seg in segs]
        single = len(segs) == 1
        base = segs[0][1] - segs[0][0] if segs else self.keyword_span.end
        mkspan = self.source.span if self.source is not None else _detached_span
        bisect_right = bisect.bisect_right
        escape = self.escape
        out: list[Word] = []
        for start, end in _word_bounds(args, escape):
            text = args[start:end]
            if single or not segs:
                a, b = base + start, base + end
            else:
                k = max(0, bisect_right(keys, start) - 1)
                a = segs[k][1] + (start - segs[k][0])
                k = max(0, bisect_right(keys, end - 1) - 1)
                b = segs[k][1] + (end - 1 - segs[k][0]) + 1
            out.append(Word(text, _unquote_word(text, escape), mkspan(a, b)))
        return out


def _detached_span(start: int, end: int) -> Span:  # pragma: no cover - no source to index lines
    return Span(start, end, 0, 0, 0, 0)


@dataclass
class Stage:
    """A build stage: its FROM and the instructions up to the next FROM."""

    index: int
    from_: Instruction
    image: str  # as written, may contain ${ARG}
    alias: str | None
    platform: str | None
    instructions: list[Instruction] = field(default_factory=list)  # FROM included


@dataclass
class Dockerfile:
    """A parsed Dockerfile: instructions, comments, parser directives and stages."""

    source: SourceText
    instructions: list[Instruction]
    comments: list[Comment]
    directives: dict[str, str]  # parser directives by lower-case name: syntax, escape, check
    escape: str
    stages: list[Stage]
    bom: bool = False
    newline: str = "\n"
    # The text split on "\n", as the parser split it (the formatter reads the lines again);
    # shared: not to be changed.
    lines: list[str] | None = field(default=None, repr=False, compare=False)

    @property
    def global_args(self) -> list[Instruction]:
        return [i for i in self.instructions if i.stage == -1 and i.keyword == "ARG"]


# --------------------------------------------------------------------------------------------
# Parser
#
# A port of BuildKit's frontend/dockerfile/parser (parser.go, line_parsers.go, split_command.go,
# directives.go, and the parts of shell/lex.go that heredoc detection uses) that also records
# where everything came from. Line handling follows parser.Parse exactly:
#
# * the file is split on "\n" only; trailing "\r"s of a line are dropped (trimNewline);
# * the first line of an instruction is left-trimmed; a line whose (left-trimmed) text starts with
#   '#' is a comment; parser directives are looked for on those first lines until the first line
#   that is not a directive;
# * a line ending in the escape character (plus spaces/tabs), not preceded by another escape
#   character, continues; the escape and trailing blanks are removed and the next line is
#   appended as is (not trimmed); comment lines and whitespace-only lines inside a continuation
#   are skipped (they do not end it);
# * for RUN/COPY/ADD (also under ONBUILD) in shell form, `<<WORD` words found by BuildKit's
#   shell lexer open heredocs, whose bodies follow the instruction, one after another.
# --------------------------------------------------------------------------------------------

#: bufio.Scanner's limit: BuildKit fails on a line longer than this many bytes (UTF-8, "\r"
#: included, "\n" excluded). Pass max_line_bytes=None to parse_dockerfile to lift it.
MAX_LINE_BYTES = 65535

# Go's unicode.IsSpace.
_WS = "\t\n\v\f\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_WS_CLASS = r"\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# unicode.IsSpace applied to single bytes (split_command.go iterates over bytes).
_BYTE_WS_CLASS = r"\t\n\x0b\x0c\r \x85\xa0"

_TOKEN_WS = lazy(r"[\t\x0b\x0c\r ]+")  # tokenWhitespace / reWhitespace
_LEAD_WS = lazy(f"[{_WS_CLASS}]*")
_FLAG_SPACE = lazy(f"[{_BYTE_WS_CLASS}]*")
_BYTE_WS = lazy(f"[{_BYTE_WS_CLASS}]")
# one word of extractBuilderFlags: plain text, backslash escapes, '...' or "..." (inside which a
# backslash escapes too; an unterminated quote runs to the end)
_FLAG_WORD = lazy(
    rf"""(?:[^{_BYTE_WS_CLASS}"'\\]+|\\[\s\S]|\\\Z"""
    r"""|"(?:[^"\\]+|\\[\s\S])*(?:"|\\?\Z)|'(?:[^'\\]+|\\[\s\S])*(?:'|\\?\Z))+"""
)
_FLAG_PART = lazy(r"""\\([\s\S])|\\\Z|"((?:[^"\\]+|\\[\s\S])*)(?:"|\\?\Z)|'((?:[^'\\]+|\\[\s\S])*)(?:'|\\?\Z)""")
_BACKSLASH_ANY = lazy(r"\\([\s\S])")
# `key = value`; the value is trimmed in code: `=\s*(.+?)\s*\Z` backtracks quadratically on a long
# run of blanks inside the value (seconds for a 20,000-character directive line).
_GO_DIRECTIVE = lazy(r"([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=(.+)\Z")
_DIRECTIVE_BLANKS = "\t\n\f\r "
_VALID_DIRECTIVES = ("syntax", "escape", "check")
_HEREDOC_WORD = lazy(r"([0-9]*)<<(-?)([^<]*)\Z")
_LEADING_TABS = lazy(r"^\t+", re.M)
_SURROGATE = lazy("[\ud800-\udfff]")

_HEREDOC_COMMANDS = ("add", "copy", "run")
_MAX_INNER_DEPTH = 8  # ONBUILD ONBUILD ...: deeper levels are checked but not materialized

_NOT_STRING_ARRAY = "when using JSON array syntax, arrays must be comprised of strings only"


def _go_quote(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


# --- words (line_parsers.go parseWords) ------------------------------------------------------

_WORD_RE_CACHE: dict[str, re.Pattern] = {}
_UNQUOTE_RE_CACHE: dict[str, re.Pattern] = {}


def _word_re(esc: str) -> re.Pattern:
    pat = _WORD_RE_CACHE.get(esc)
    if pat is None:
        e = re.escape(esc)
        pat = re.compile(
            rf"""(?:[^{_WS_CLASS}'"{e}]+|{e}[\s\S]|{e}\Z|"(?:[^"{e}]+|{e}[\s\S])*(?:"|{e}?\Z)|'[^']*(?:'|\Z))+"""
        )
        _WORD_RE_CACHE[esc] = pat
    return pat


def _word_bounds(args: str, esc: str) -> list[tuple[int, int]]:
    """(start, end) of each word of `args`, as BuildKit's parseWords splits them."""
    out = []
    n = len(args)
    for m in _word_re(esc).finditer(args):
        start, end = m.span()
        if end == n and end - start == 1 and args[start] == esc:
            continue  # a lone escape at the very end is skipped and yields no word
        out.append((start, end))
    return out


def _unquote_word(text: str, esc: str) -> str:
    """Remove quotes and escapes from a word like BuildKit's shell lexer (no expansion)."""
    if "'" not in text and '"' not in text and esc not in text:
        return text
    pat = _UNQUOTE_RE_CACHE.get(esc)
    if pat is None:
        e = re.escape(esc)
        pat = re.compile(rf"""{e}([\s\S])|{e}\Z|'([^']*)'?|"((?:[^"{e}]+|{e}[\s\S])*)(?:"|{e}?\Z)""")
        _UNQUOTE_RE_CACHE[esc] = pat

    def dq(body: str) -> str:
        out = []
        i = 0
        while True:
            j = body.find(esc, i)
            if j < 0:
                out.append(body[i:])
                return "".join(out)
            out.append(body[i:j])
            nxt = body[j + 1 : j + 2]
            if nxt in ('"', "$", esc):
                out.append(nxt)
                i = j + 2
            else:
                out.append(esc)
                i = j + 1

    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return m.group(2)
        if m.group(3) is not None:
            return dq(m.group(3))
        return ""

    return pat.sub(repl, text)


# --- JSON form (line_parsers.go parseJSON) ---------------------------------------------------


class _NotJSON(Exception):
    pass


def _json_number(text: str) -> float:
    value = float(text)
    if math.isinf(value):  # Go: "cannot unmarshal number ... into float64" -> not JSON form
        raise _NotJSON
    return value


def _json_constant(text: str):
    raise _NotJSON  # NaN / Infinity are not JSON for Go


_JSON = json.JSONDecoder(parse_float=_json_number, parse_int=_json_number, parse_constant=_json_constant)


def _parse_json_array(rest: str) -> list[str] | None:
    """The exec-form list, None for shell form; raises ValueError for a non-string array."""
    rest = rest.lstrip(_WS)
    if not rest.startswith("["):
        return None
    try:
        value, end = _JSON.raw_decode(rest)
    except (ValueError, _NotJSON, RecursionError):
        return None
    if end != len(rest) and rest[end:].strip(" \t\r\n"):
        return None  # json.Unmarshal rejects trailing data (BuildKit >= 0.15)
    if not isinstance(value, list):
        return None
    for item in value:
        if not isinstance(item, str):
            raise ValueError(_NOT_STRING_ARRAY)
    return [_SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s for s in value]


# --- shell lexer subset (shell/lex.go) used to find heredoc words ----------------------------


class _LexError(Exception):
    pass


_LEX_PLAIN = {
    None: re.compile(r"""[^$'"\\]+"""),
    "}": re.compile(r"""[^$'"\\}]+"""),
    "/": re.compile(r"""[^$'"\\/]+"""),
}
_DQ_PLAIN = lazy(r'[^"$\\]+')
_WS_RUNS = lazy(f"([{_WS_CLASS}]+)|([^{_WS_CLASS}]+)")
_SPECIAL_PARAMS = "@*#?-$!0"


class _Words:
    __slots__ = ("words", "parts", "size", "in_word")

    def __init__(self):
        self.words: list[str] = []
        self.parts: list[str] = []
        self.size = 0
        self.in_word = False

    def _push(self):
        self.words.append("".join(self.parts))
        self.parts = []
        self.size = 0
        self.in_word = False

    def add_string(self, text: str):  # addString: addChar for each char
        for m in _WS_RUNS.finditer(text):
            if m.group(1) is not None:
                if self.in_word and self.size:
                    self._push()
            else:
                self.parts.append(m.group(2))
                self.size += len(m.group(2))
                self.in_word = True

    def add_raw(self, text: str):  # addRawChar / addRawString
        self.parts.append(text)
        self.size += len(text)
        self.in_word = True

    def get(self) -> list[str]:
        if self.size:
            self._push()
        return self.words


class _ShellLexer:
    """BuildKit's shell.Lex with escape '\\', no environment and SkipUnsetEnv, as used by
    heredocsFromLine / heredocFromMatch."""

    def __init__(self, text: str, raw_quotes: bool, raw_escapes: bool):
        self.s = text
        self.n = len(text)
        self.i = 0
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes

    def words(self) -> list[str]:
        return self.stop_on(None, self.raw_escapes)[1]

    def stop_on(self, stop: str | None, raw_escapes: bool) -> tuple[str, list[str]]:
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            return self._stop_on(stop)
        finally:
            self.raw_escapes = saved

    def _stop_on(self, stop):
        s, n = self.s, self.n
        result: list[str] = []
        words = _Words()
        plain = _LEX_PLAIN[stop]
        while self.i < n:
            ch = s[self.i]
            if stop is not None and ch == stop:
                self.i += 1
                return "".join(result), words.get()
            if ch == "$":
                tmp = self._dollar()
                result.append(tmp)
                words.add_string(tmp)
            elif ch == "'":
                tmp = self._single()
                result.append(tmp)
                words.add_raw(tmp)
            elif ch == '"':
                tmp = self._double()
                result.append(tmp)
                words.add_raw(tmp)
            elif ch == "\\":
                self.i += 1
                if self.raw_escapes:
                    words.add_raw(ch)
                    result.append(ch)
                if self.i >= n:
                    break
                ch = s[self.i]
                self.i += 1
                words.add_raw(ch)
                result.append(ch)
            else:
                m = plain.match(s, self.i)
                run = m.group()
                self.i = m.end()
                words.add_string(run)
                result.append(run)
        if stop is not None:
            raise _LexError(f"unexpected end of statement while looking for matching {stop}")
        return "".join(result), words.get()

    def _single(self) -> str:
        self.i += 1
        j = self.s.find("'", self.i)
        if j < 0:
            raise _LexError("unexpected end of statement while looking for matching single-quote")
        body = self.s[self.i : j]
        self.i = j + 1
        return f"'{body}'" if self.raw_quotes else body

    def _double(self) -> str:
        s, n = self.s, self.n
        self.i += 1
        out = ['"'] if self.raw_quotes else []
        while True:
            if self.i >= n:
                raise _LexError("unexpected end of statement while looking for matching double-quote")
            ch = s[self.i]
            if ch == '"':
                self.i += 1
                if self.raw_quotes:
                    out.append('"')
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
            elif ch == "\\":
                self.i += 1
                if self.raw_escapes:
                    out.append("\\")
                if self.i >= n:
                    continue
                nxt = s[self.i]
                if nxt in '"$\\':
                    self.i += 1
                    out.append(nxt)
                else:
                    out.append("\\")
            else:
                m = _DQ_PLAIN.match(s, self.i)
                out.append(m.group())
                self.i = m.end()

    def _name(self) -> str:
        s, n = self.s, self.n
        start = self.i
        if self.i < n:
            ch = s[self.i]
            if ch.isdecimal():
                while self.i < n and s[self.i].isdecimal():
                    self.i += 1
                return s[start : self.i]
            if ch in _SPECIAL_PARAMS:
                self.i += 1
                return ch
        while self.i < n and (s[self.i].isalpha() or s[self.i].isdecimal() or s[self.i] == "_"):
            self.i += 1
        return s[start : self.i]

    def _dollar(self) -> str:
        s, n = self.s, self.n
        self.i += 1
        if self.i >= n or s[self.i] != "{":
            return "$" + self._name()
        self.i += 1
        if self.i >= n:
            raise _LexError("syntax error: missing '}'")
        if s[self.i] in "{}:":
            raise _LexError("syntax error: bad substitution")
        name = self._name()
        if self.i >= n:
            raise _LexError("unsupported modifier in substitution")
        ch = s[self.i]
        self.i += 1
        if ch == "}":
            return "${" + name + "}"
        chs = ch
        if ch == ":":
            if self.i < n:
                ch = s[self.i]
                self.i += 1
            else:
                ch = "\ufffd"
            chs += ch
        if chs[0] == ":" or ch in "+-?#%":
            try:
                word, _ = self.stop_on("}", ch in "#%")
            except _LexError:
                if self.i >= n:
                    raise _LexError("syntax error: missing '}'") from None
                raise
            return "${" + name + chs + word + "}"
        if ch == "/":
            if self.i < n and s[self.i] == "/":
                self.i += 1
            try:
                pattern, _ = self.stop_on("/", True)
            except _LexError:
                if self.i >= n:
                    raise _LexError("syntax error: missing '/' in ${}") from None
                raise
            try:
                replacement, _ = self.stop_on("}", True)
            except _LexError:
                if self.i >= n:
                    raise _LexError("syntax error: missing '}'") from None
                raise
            return "${%s/%s/%s}" % (name, pattern, replacement)
        raise _LexError(f"unsupported modifier ({chs}) in substitution")


def _heredocs_from_line(line: str) -> list[tuple[str, int, bool, bool]]:
    """(name, fd, chomp, quoted) for each heredoc word of a logical line (heredocsFromLine).

    Raises ValueError where BuildKit's parser errors."""
    try:
        words = _ShellLexer(line, True, True).words()
    except (_LexError, RecursionError):
        # BuildKit ignores the lexer's error here: no heredocs at all. (RecursionError: ${...}
        # nested hundreds deep; Go would recurse on, we give up on heredocs for that line.)
        return []
    docs = []
    for word in words:
        m = _HEREDOC_WORD.match(word)
        if m is None or not m.group(3):
            continue
        rest = m.group(3)
        try:
            plain = _ShellLexer(rest, False, False).words()
            if len(plain) != 1:
                continue
            raw = _ShellLexer(rest, True, False).words()
        except RecursionError:
            continue
        except _LexError as exc:
            raise ValueError(f"failed to process {_go_quote(rest)}: {exc}") from None
        if len(raw) != len(plain):
            raise ValueError(f"internal lexing of heredoc produced inconsistent results: {rest}")
        name = plain[0]
        quoted = (name.count("'") + name.count('"')) != (raw[0].count("'") + raw[0].count('"'))
        digits = m.group(1).lstrip("0") or "0"
        # Go's ParseUint saturates; int() would refuse more than 4,300 digits
        fd = min(int(digits), 2**64 - 1) if len(digits) <= 20 else 2**64 - 1
        docs.append((name, fd, m.group(2) == "-", quoted))
    return docs


# --- logical lines and instructions ----------------------------------------------------------


class _Logical:
    """A logical (joined) line, the source offset of each of its pieces and the (0-based) line
    each piece is on, so that a span's lines need no search in the file's line index."""

    __slots__ = ("text", "keys", "offs", "rows", "starts", "single")

    def __init__(self, pieces: list[tuple[str, int, int]], starts: list[int]):
        self.starts = starts  # the parser's line index: starts[k] is the offset of line k
        self.single = len(pieces) == 1
        if self.single:
            piece, off, row = pieces[0]
            self.text = piece
            self.keys = [0]
            self.offs = [off]
            self.rows = [row]
        else:
            self.text = "".join([p[0] for p in pieces])
            self.keys = list(accumulate([len(p[0]) for p in pieces[:-1]], initial=0))
            self.offs = [p[1] for p in pieces]
            self.rows = [p[2] for p in pieces]

    def off(self, i: int) -> int:
        if self.single:
            return self.offs[0] + i
        k = bisect.bisect_right(self.keys, i) - 1
        return self.offs[k] + (i - self.keys[k])

    def span(self, a: int, b: int) -> Span:
        # A piece lies within its line's text, so an offset inside a piece (or just past its
        # last character) is on the piece's line: the same span Parser._span would make.
        if b > a:
            if self.single:
                base = self.offs[0]
                row = self.rows[0]
                return _span_on(self.starts, base + a, base + b, row, row)
            keys, offs, rows = self.keys, self.offs, self.rows
            j = bisect.bisect_right(keys, a) - 1
            k = bisect.bisect_right(keys, b - 1) - 1
            return _span_on(self.starts, offs[j] + (a - keys[j]), offs[k] + (b - 1 - keys[k]) + 1, rows[j], rows[k])
        if a > 0:
            if self.single:
                j = 0
                p = self.offs[0] + a
            else:
                j = bisect.bisect_right(self.keys, a - 1) - 1
                p = self.offs[j] + (a - 1 - self.keys[j]) + 1
        else:
            j = 0
            p = self.offs[0]
        row = self.rows[j]
        return _span_on(self.starts, p, p, row, row)

    def segments(self, a: int, b: int) -> tuple[tuple[int, int], ...]:
        """Segments of text[a:b], relative to a: (position in text[a:b], source offset) where
        each non-empty piece (or the part of the first one from a) starts."""
        if b <= a:
            return ()
        if self.single:
            return ((0, self.offs[0] + a),)
        keys, offs = self.keys, self.offs
        k = bisect.bisect_right(keys, a) - 1  # the piece holding a (keys[k] <= a)
        ends = keys[k + 1 :] + [len(self.text)]  # where each piece from k on ends
        out = []
        if ends[0] > a:
            out.append((0, offs[k] + (a - keys[k])))
        # the later pieces that start before b (keys ascend) and are not empty
        out += [(key - a, off) for key, end, off in zip(keys[k + 1 :], ends[1:], offs[k + 1 :]) if key < b and end > key]
        return tuple(out)


def _span_on(starts: list[int], start: int, end: int, row: int, end_row: int) -> Span:
    """The Span of [start, end) when start is on line `row` and end on line `end_row`
    (0-based), made by `new_span`: the parser makes one per keyword, flag, comment and
    instruction."""
    return new_span(start, end, row + 1, start - starts[row] + 1, end_row + 1, end - starts[end_row] + 1)


def _extract_flags(t: str, pos: int, hi: int) -> tuple[list[tuple[int, int, str]], int | None]:
    """extractBuilderFlags over t[pos:hi]: flag tokens and where the rest of the line starts."""
    flags = []
    while True:
        pos = _FLAG_SPACE.match(t, pos, hi).end()
        if pos >= hi:
            return flags, None
        if not t.startswith("--", pos, hi):
            return flags, pos
        m = _FLAG_WORD.match(t, pos, hi)
        end = m.end()
        value = _unquote_flag(m.group())
        if end >= hi:
            if value != "--":
                flags.append((pos, end, value))
            return flags, None
        if value == "--":
            return flags, end
        flags.append((pos, end, value))
        pos = end


def _unquote_flag(token: str) -> str:
    if "\\" not in token and '"' not in token and "'" not in token:
        return token

    def repl(m: re.Match) -> str:
        if m.group(1) is not None:
            return m.group(1)
        body = m.group(2) if m.group(2) is not None else m.group(3)
        if body is None:
            return ""
        return _BACKSLASH_ANY.sub(r"\1", body)

    return _FLAG_PART.sub(repl, token)


class _Node:
    __slots__ = ("cmd", "kw_lo", "kw_hi", "flags", "args_lo", "args_hi", "json", "lo", "child_range")

    def __init__(self):
        self.json = None
        self.child_range = None


def _split_node(t: str, lo: int, hi: int, escape: str) -> _Node:
    """splitCommand + the line parser's checks for t[lo:hi] (already trimmed)."""
    node = _Node()
    node.lo = lo
    m = _TOKEN_WS.search(t, lo, hi)
    node.kw_lo = lo
    if m is None:
        node.kw_hi = hi
        node.cmd = t[lo:hi]
        node.flags = []
        node.args_lo = node.args_hi = hi
    else:
        node.kw_hi = m.start()
        node.cmd = t[lo : m.start()]
        node.flags, rest = _extract_flags(t, m.end(), hi)
        if rest is None:
            node.args_lo = node.args_hi = hi
        else:
            node.args_lo = _LEAD_WS.match(t, rest, hi).end()
            node.args_hi = hi
    kind = node.cmd.lower()
    a, b = node.args_lo, node.args_hi
    if kind == "onbuild":
        if b > a:
            node.child_range = (a, b)
    elif kind in ("add", "copy", "volume", "cmd", "entrypoint", "run", "shell"):
        if b > a and t[a] == "[":
            node.json = _parse_json_array(t[a:b])
    elif kind == "healthcheck":
        if b > a:
            sep = _BYTE_WS.search(t, a, b)  # parseHealthConfig: the type word, then maybe JSON
            if sep is not None:
                nxt = _FLAG_SPACE.match(t, sep.end(), b).end()
                if b > nxt:
                    node.json = _parse_json_array(t[nxt:b])
    elif kind in ("env", "label"):
        if b > a:
            _check_name_val(t[a:b], "ENV" if kind == "env" else "LABEL", escape)
    return node


def _check_name_val(rest: str, key: str, escape: str) -> None:
    bounds = _word_bounds(rest, escape)
    if not bounds:
        return
    s0, e0 = bounds[0]
    if "=" not in rest[s0:e0]:
        if len(_TOKEN_WS.split(rest, 1)) < 2:
            raise ValueError(f"{key} must have two arguments")
        return
    for s, e in bounds:
        if "=" not in rest[s:e]:
            raise ValueError(
                f"Syntax error - can't find = in {_go_quote(rest[s:e])}. Must be of the form: name=value"
            )


def _as_tuple(node: _Node) -> tuple:
    """The node as (cmd, kw_lo, kw_hi, flags, args_lo, args_hi, json, lo): flags a tuple of
    (start, end, text), json a tuple or None. Only strings, numbers and tuples of them, which
    the garbage collector stops tracking: _NODES holds thousands, and tracked objects there
    made the young-generation collections of a run several times slower."""
    return (node.cmd, node.kw_lo, node.kw_hi, tuple(node.flags), node.args_lo, node.args_hi,
            tuple(node.json) if node.json is not None else None, node.lo)


def split_line(t: str, escape: str) -> tuple:
    """The keyword, flags and arguments of logical line `t` (an instruction's `original`) as
    _as_tuple gives them: from _NODES when the parser split it, else split now. Raises
    ValueError where the parser fails."""
    nodes = _NODES.get((t, escape))
    if nodes is not None:
        return nodes[0]
    lo = len(t) - len(t.lstrip(_WS))
    hi = len(t.rstrip(_WS))
    return _as_tuple(_split_node(t, lo, max(lo, hi), escape))


def _make_instruction(
    node: tuple, logical: _Logical, end_offset: int, end_row: int, escape: str, top: bool, src: SourceText
) -> Instruction:
    t = logical.text
    cmd, kw_lo, kw_hi, node_flags, args_lo, args_hi, exec_form, lo = node
    flags = []
    if logical.single:
        # One piece (most instructions): the spans _Logical.span and .segments make, written
        # out: everything is on the piece's line, at the piece's offset plus the position.
        base, row, starts = logical.offs[0], logical.rows[0], logical.starts
        for fs, fe, value in node_flags:
            name, eq, val = value[2:].partition("=")
            flags.append(Flag(name, val if eq else None, _span_on(starts, base + fs, base + fe, row, row)))
        kw_span = _span_on(starts, base + kw_lo, base + kw_hi, row, row)
        segments = ((0, base + args_lo),) if args_hi > args_lo else ()
    else:
        for fs, fe, value in node_flags:
            name, eq, val = value[2:].partition("=")
            flags.append(Flag(name, val if eq else None, logical.span(fs, fe)))
        kw_span = logical.span(kw_lo, kw_hi)
        segments = logical.segments(args_lo, args_hi)
    # The instruction starts where its first line's text starts (normally its keyword; not so
    # after a line holding only an escape); an ONBUILD's inner instruction at its keyword.
    if top:
        start, row = logical.offs[0], logical.rows[0]
    else:
        start, row = kw_span.start, kw_span.line - 1
    if end_offset < start:  # pragma: no cover - the last line's end is never before the first's text
        end_offset, end_row = start, row
    return Instruction(
        keyword=cmd.upper(),
        keyword_raw=cmd,
        span=_span_on(logical.starts, start, end_offset, row, end_row),
        keyword_span=kw_span,
        flags=flags,
        args=t[args_lo:args_hi],
        segments=segments,
        json=list(exec_form) if exec_form is not None else None,
        original=t[lo:args_hi] if lo < args_hi else "",
        escape=escape,
        source=src,
    )


# --- the parser ------------------------------------------------------------------------------

# The split of a logical line into keyword, flags, arguments and exec-form array (_split_node,
# for it and the instructions ONBUILD wraps), per process, by (line, escape character): a pure
# function of those, and files repeat lines (the corpus's 30,334 instructions are 13,290
# distinct lines; `FROM`, `WORKDIR`, `CMD [...]`). The nodes are kept as tuples (_as_tuple);
# an instruction gets its own list of the exec-form values.
_NODES: dict[tuple[str, str], tuple[tuple, ...]] = {}
_NODES_LIMIT = 20_000
_NODES_LINE_LIMIT = 4096  # longer lines are not kept (they seldom repeat; memory stays bounded)


def parse_dockerfile(text: str, path: str = "-", *, max_line_bytes: int | None = MAX_LINE_BYTES) -> Dockerfile:
    """Parse a Dockerfile losslessly, the way BuildKit's parser does.

    Raises DockerfileParseError exactly where BuildKit's parser fails (bad or repeated parser
    directive, unterminated heredoc, JSON array of non-strings, ENV/LABEL without a value, a
    line longer than `max_line_bytes` UTF-8 bytes, no instruction at all), and never any other
    exception.
    """
    if not isinstance(text, str):
        raise DockerfileParseError(f"expected text, got {type(text).__name__}", 1, 1)
    gc_was_enabled = gc.isenabled()
    if gc_was_enabled:
        gc.disable()  # the parser makes no reference cycles; the collector costs ~40% on big files
    try:
        return _Parser(text, path, max_line_bytes).parse()
    except DockerfileParseError:
        raise
    except RecursionError as exc:  # pragma: no cover - defensive
        raise DockerfileParseError(f"input too deeply nested: {exc}", 1, 1) from None
    except Exception as exc:  # pragma: no cover - a bug: never let another exception type escape
        raise DockerfileParseError(f"internal parser error: {type(exc).__name__}: {exc}", 1, 1) from exc
    finally:
        if gc_was_enabled:
            gc.enable()


def _source_text(text: str, path: str, line_starts: list[int]) -> SourceText:
    """SourceText(text, path), reusing the line index the parser computed anyway."""
    return SourceText(text, path, line_starts)


class _Parser:
    def __init__(self, text: str, path: str, max_line_bytes: int | None):
        self.text = text
        self.lines = text.split("\n")
        self.n = len(self.lines) - (1 if text.endswith("\n") or not text else 0)
        # starts[k]: offset of line k (0-based); one extra entry past the end. Line k starts
        # after the k lines before it and their k newlines.
        ends = accumulate(map(len, self.lines), initial=0)
        self.starts = list(map(operator.add, ends, range(len(self.lines) + 1)))
        self.src = _source_text(text, path, self.starts[:-1])
        self.bom = text.startswith("\ufeff")
        self.escape = "\\"
        self.directives: dict[str, str] = {}
        self.directives_done = False
        self.comments: list[Comment] = []
        self.too_long: int | None = None
        if max_line_bytes is not None:
            self.too_long = self._first_long_line(max_line_bytes)
        self.limit = self.n if self.too_long is None else self.too_long

    def _first_long_line(self, max_bytes: int) -> int | None:
        if max_bytes < 0:
            max_bytes = 0
        min_chars = max_bytes // 4 + 1  # fewer characters can never exceed max_bytes
        if len(self.text) < min_chars:
            return None  # no line that long: skip the scan of the whole text
        for m in re.finditer("^[^\n]{%d}" % min_chars, self.text, re.M):
            k = bisect.bisect_right(self.starts, m.start()) - 1
            line = self.lines[k]
            try:
                size = len(line.encode("utf-8", "surrogateescape"))
            except UnicodeEncodeError:
                size = len(line.encode("utf-8", "surrogatepass"))
            if size > max_bytes:
                return k
        return None

    def _span(self, start: int, end: int) -> Span:
        """SourceText.span, for in-range offsets, without the clamping."""
        starts = self.starts
        k = bisect.bisect_right(starts, start) - 1
        j = k if end < starts[k + 1] else bisect.bisect_right(starts, end, k) - 1
        return _span_on(starts, start, end, k, j)

    def _content_end(self, i: int) -> int:
        """Offset of the end of line i without its line terminator (trailing "\r"s excluded)."""
        line = self.lines[i]
        return self.starts[i] + len(line.rstrip("\r")) if line.endswith("\r") else self.starts[i] + len(line)

    def _error(self, message: str, line_index: int, column: int = 1) -> DockerfileParseError:
        return DockerfileParseError(message, line_index + 1, column)

    def _directive(self, token: str, i: int) -> None:
        """possibleParserDirective / DirectiveParser.ParseLine on a left-trimmed line."""
        if not token.startswith("#"):
            self.directives_done = True
            return
        m = _GO_DIRECTIVE.match(token[1:].lstrip(_WS))
        if m is None:
            self.directives_done = True
            return
        key = m.group(1).lower()
        if key not in _VALID_DIRECTIVES:
            self.directives_done = True
            return
        if key in self.directives:
            raise self._error(f"only one {key} parser directive can be used", i)
        rest = m.group(2)
        value = rest.strip(_DIRECTIVE_BLANKS) or rest[-1]  # all blanks: Go's regexp keeps the last one
        self.directives[key] = value
        if key == "escape":
            if value not in ("`", "\\"):
                raise self._error(f"invalid escape token '{value}' does not match ` or \\", i)
            self.escape = value

    def parse(self) -> Dockerfile:
        lines, starts, limit = self.lines, self.starts, self.limit
        instructions: list[Instruction] = []
        comments = self.comments
        bom = self.bom
        escape = self.escape  # read again after each parser directive (`# escape=`)
        i = 0
        while i < limit:
            raw = lines[i]
            base = starts[i]
            if i == 0 and bom:
                raw = raw[1:]
                base += 1
            token = raw.rstrip("\r") if raw[-1:] == "\r" else raw
            stripped = token.lstrip(_WS)
            if stripped[:1] == "#":
                # a comment line: from its '#' to the end of the line's text
                hash_offset = base + len(token) - len(stripped)
                comments.append(Comment(stripped[1:].strip(), _span_on(starts, hash_offset, base + len(token), i, i)))
                if not self.directives_done:
                    self._directive(stripped, i)
                    escape = self.escape
                i += 1
                continue
            if not self.directives_done:
                self._directive(stripped, i)
                escape = self.escape
            start_index = i
            # _trim_continuation, written out: the parser's innermost loop
            piece, cont = stripped, False
            if escape in stripped:
                body = stripped.rstrip(" \t")
                if body[-1:] == escape and (len(body) == 1 or body[-2] != escape):
                    piece, cont = body[:-1], True
            i += 1
            if not cont and not piece:
                continue
            pieces = [(piece, base + len(token) - len(stripped), start_index)]
            while cont and i < limit:
                raw = lines[i]
                token = raw.rstrip("\r") if raw[-1:] == "\r" else raw
                stripped = token.lstrip(_WS)
                if stripped[:1] == "#":
                    base = starts[i]
                    hash_offset = base + len(token) - len(stripped)
                    comments.append(Comment(stripped[1:].strip(), _span_on(starts, hash_offset, base + len(token), i, i)))
                    i += 1
                    continue
                i += 1
                if not stripped:
                    continue  # empty continuation line
                piece, cont = token, False
                if escape in token:
                    body = token.rstrip(" \t")
                    if body[-1:] == escape and (len(body) == 1 or body[-2] != escape):
                        piece, cont = body[:-1], True
                pieces.append((piece, starts[i - 1], i - 1))
            instructions.append(self._instruction(pieces, start_index, i))
            i = self._next_index
        if self.too_long is not None:
            raise self._error(f"dockerfile line greater than max allowed size of {MAX_LINE_BYTES}", self.too_long)
        if not instructions:
            raise self._error("file with no instructions", max(0, self.n - 1))
        return self._finish(instructions)

    def _instruction(self, pieces: list[tuple[str, int, int]], start_index: int, i: int) -> Instruction:
        logical = _Logical(pieces, self.starts)
        t = logical.text
        # splitCommand / line parsers, for the instruction and the ones ONBUILD wraps: a pure
        # function of the logical line and the escape character, remembered (see _NODES)
        key = (t, self.escape)
        nodes = _NODES.get(key)
        if nodes is None:
            lo = len(t) - len(t.lstrip(_WS))
            hi = len(t.rstrip(_WS))
            if hi < lo:
                hi = lo
            split = []
            try:
                node = _split_node(t, lo, hi, self.escape)
                split.append(_as_tuple(node))
                while node.child_range is not None:
                    node = _split_node(t, node.child_range[0], node.child_range[1], self.escape)
                    split.append(_as_tuple(node))
            except ValueError as exc:
                raise self._error(str(exc), start_index) from None
            nodes = tuple(split)
            if len(t) <= _NODES_LINE_LIMIT:
                if len(_NODES) >= _NODES_LIMIT:
                    _NODES.clear()
                _NODES[key] = nodes
        top = nodes[0]
        target = nodes[1] if top[0].lower() == "onbuild" and len(nodes) > 1 else top
        heredocs: list[Heredoc] = []
        if target[0].lower() in _HEREDOC_COMMANDS and target[6] is None and "<<" in t:
            try:
                found = _heredocs_from_line(t)
            except ValueError as exc:
                raise self._error(str(exc), start_index) from None
            for name, fd, chomp, quoted in found:
                heredocs.append(self._read_heredoc(name, fd, chomp, quoted, i, start_index))
                i = self._next_index
        self._next_index = i
        end_offset = self._content_end(i - 1)  # on line i - 1
        if len(nodes) == 1:
            ins = _make_instruction(top, logical, end_offset, i - 1, self.escape, True, self.src)
            ins.original = t  # Node.Original: the joined line, untrimmed
            ins.heredocs = heredocs
            return ins
        else:
            made = [
                _make_instruction(node, logical, end_offset, i - 1, self.escape, k == 0, self.src)
                for k, node in enumerate(nodes[: _MAX_INNER_DEPTH + 1])
            ]
        made[0].original = t  # Node.Original: the joined line, untrimmed
        for k in range(len(made) - 1, 0, -1):
            made[k - 1].inner = made[k]
        made[0].heredocs = heredocs
        if len(made) > 1 and target is nodes[1]:
            made[1].heredocs = heredocs
        return made[0]

    def _read_heredoc(self, name: str, fd: int, chomp: bool, quoted: bool, i: int, start_index: int) -> Heredoc:
        lines, limit = self.lines, self.limit
        body_start = i
        while i < limit:
            line = lines[i]
            candidate = line.rstrip("\r") if line.endswith("\r") else line
            if chomp:
                candidate = candidate.lstrip("\t")
            if candidate == name:
                break
            i += 1
        else:
            raise self._error("unterminated heredoc", start_index)
        starts = self.starts
        raw = self.text[starts[body_start] : starts[i]]
        self._next_index = i + 1
        body_end = self._content_end(i - 1) if i > body_start else starts[body_start]
        return Heredoc(
            name=name,
            content=_LEADING_TABS.sub("", raw) if chomp else raw,
            chomp=chomp,
            quoted=quoted,
            span=self._span(starts[body_start], self._content_end(i)),
            body_span=self._span(starts[body_start], body_end),
            raw_content=raw,
            fd=fd,
        )

    def _finish(self, instructions: list[Instruction]) -> Dockerfile:
        stages: list[Stage] = []
        stage = -1
        for index, ins in enumerate(instructions):
            if ins.keyword == "FROM":
                stage += 1
                tokens = _TOKEN_WS.split(ins.args) if ins.args else []
                alias = tokens[2] if len(tokens) == 3 and tokens[1].lower() == "as" else None
                platform = ins.flag("platform")
                stages.append(
                    Stage(
                        index=stage,
                        from_=ins,
                        image=tokens[0] if tokens else "",
                        alias=alias,
                        platform=platform.value if platform is not None else None,
                    )
                )
            ins.index = index
            ins.stage = stage
            inner = ins.inner
            while inner is not None:
                inner.index = index
                inner.stage = stage
                inner = inner.inner
            if stage >= 0:
                stages[stage].instructions.append(ins)
        lines = self.lines
        newline = "\r\n" if len(lines) > 1 and lines[0].endswith("\r") else "\n"
        return Dockerfile(
            source=self.src,
            instructions=instructions,
            comments=self.comments,
            directives=dict(self.directives),
            escape=self.escape,
            stages=stages,
            bom=self.bom,
            newline=newline,
            lines=lines,
        )


# --- `dockerlint ast` --------------------------------------------------------------------------


def _instruction_to_dict(ins: Instruction) -> dict:
    return {
        "keyword": ins.keyword,
        "line": ins.span.line,
        "end_line": ins.span.end_line,
        "column": ins.span.col,
        "end_column": ins.span.end_col,
        "flags": [{"name": f.name, "value": f.value} for f in ins.flags],
        "args": ins.args,
        "json": ins.json,
        "heredocs": [
            {"name": h.name, "content": h.content, "line": h.span.line, "end_line": h.span.end_line}
            for h in ins.heredocs
        ],
        "inner": _instruction_to_dict(ins.inner) if ins.inner is not None else None,
        "stage": ins.stage,
    }


def dockerfile_to_dict(df: Dockerfile, path: str) -> dict:
    """A JSON-ready view of a parsed Dockerfile (backs `dockerlint ast`)."""
    return {
        "path": path,
        "directives": dict(df.directives),
        "escape": df.escape,
        "instructions": [_instruction_to_dict(ins) for ins in df.instructions],
        "stages": [
            {
                "index": s.index,
                "image": s.image,
                "alias": s.alias,
                "platform": s.platform,
                "line": s.from_.span.line,
            }
            for s in df.stages
        ],
    }
