"""BuildKit's own semantics that Docker's build checks (`docker build --check`) rely on.

Rules that mirror a build check (the DF1xx rules) share these: where variables are referenced
in a Dockerfile word and how BuildKit's shell lexer expands them, which image references
BuildKit accepts, how `FROM --platform` values parse, the platform ARGs BuildKit predefines,
the `.dockerignore` pattern language, and BuildKit's "did you mean" suggestions.
Everything here is pure; callers cache per file with `ctx.cached(...)`.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from dockerlint.parse.dockerfile import Instruction, _word_bounds
from dockerlint.rulekit.patterns import lazy

#: ARGs BuildKit defines before the first FROM (usable in FROM without declaring them).
PREDEFINED_PLATFORM_ARGS = {
    "BUILDPLATFORM": "linux/amd64",
    "BUILDOS": "linux",
    "BUILDARCH": "amd64",
    "BUILDVARIANT": "",
    "BUILDOSVERSION": "",
    "TARGETPLATFORM": "linux/amd64",
    "TARGETOS": "linux",
    "TARGETARCH": "amd64",
    "TARGETVARIANT": "",
    "TARGETOSVERSION": "",
    "TARGETSTAGE": "",
}


# --------------------------------------------------------------------------------------------
# Words of an instruction, with their offsets in `Instruction.args`


@dataclass(frozen=True)
class ArgWord:
    """A word of an instruction's arguments as BuildKit splits them."""

    text: str  # as written (quotes kept)
    start: int  # index into Instruction.args
    end: int


def arg_words(ins: Instruction) -> list[ArgWord]:
    """`ins.args` split like BuildKit's parseWords, with offsets into `args` (map them to the
    source with `ins.source_offset`)."""
    return [ArgWord(ins.args[a:b], a, b) for a, b in _word_bounds(ins.args, ins.escape)]


def args_span(ins: Instruction, start: int, end: int):
    """The source span of `ins.args[start:end]` (across continuation lines)."""
    src = ins.source
    a = ins.source_offset(start)
    b = ins.source_offset(max(start, end - 1)) + (1 if end > start else 0)
    return src.span(a, max(a, b))


# --------------------------------------------------------------------------------------------
# Variable references and expansion (frontend/dockerfile/shell/lex.go, ProcessWord)


@dataclass(frozen=True)
class VarRef:
    """A `$NAME` / `${NAME...}` reference in an instruction's text."""

    name: str
    start: int  # offset of the `$` in the lexed text
    end: int  # one past the reference (`$NAME` or the closing `}`)
    modifier: str  # "", ":-", "-", ":+", "+", ":?", "?", "#", "%", "/"


class LexError(ValueError):
    pass


_NAME_START = lazy(r"[A-Za-z_]")


class _Lexer:
    """A port of the parts of BuildKit's shell lexer that decide what a word expands to.

    `env` maps names to values; a name missing from `env` is unset (expands to "").
    Every variable looked up is recorded in `refs` (in source order) with its modifier,
    like ProcessWordWithMatches' matched/unmatched sets.
    """

    def __init__(self, text: str, env: dict[str, str], escape: str = "\\"):
        self.s = text
        self.i = 0
        self.env = env
        self.esc = escape
        self.refs: list[VarRef] = []

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def next(self) -> str:
        ch = self.peek()
        self.i += 1 if ch else 0
        return ch

    def word(self) -> str:
        return self._stop_on("")

    def _stop_on(self, stop: str) -> str:
        out: list[str] = []
        while self.i < len(self.s):
            ch = self.peek()
            if stop and ch == stop:
                self.i += 1
                return "".join(out)
            if ch == "'":
                out.append(self._single())
            elif ch == '"':
                out.append(self._double())
            elif ch == "$":
                out.append(self._dollar())
            else:
                self.i += 1
                if ch == self.esc:
                    ch = self.next()
                    if not ch:
                        break
                out.append(ch)
        if stop:
            raise LexError(f"missing '{stop}'")
        return "".join(out)

    def _single(self) -> str:
        self.i += 1
        end = self.s.find("'", self.i)
        if end < 0:
            raise LexError("unexpected end of statement while looking for matching single-quote")
        text = self.s[self.i : end]
        self.i = end + 1
        return text

    def _double(self) -> str:
        self.i += 1
        out: list[str] = []
        while True:
            ch = self.peek()
            if not ch:
                raise LexError("unexpected end of statement while looking for matching double-quote")
            if ch == '"':
                self.i += 1
                return "".join(out)
            if ch == "$":
                out.append(self._dollar())
                continue
            self.i += 1
            if ch == self.esc and self.peek() in ('"', "$", self.esc) and self.peek():
                ch = self.next()
            out.append(ch)

    def _name(self) -> str:
        start = self.i
        ch = self.peek()
        if ch.isdigit():
            while self.peek().isdigit():
                self.i += 1
            return self.s[start : self.i]
        if ch and ch in "@*#?-$!0":
            self.i += 1
            return ch
        while self.peek() and (self.peek().isalnum() or self.peek() == "_"):
            self.i += 1
        return self.s[start : self.i]

    def _get(self, name: str, start: int, modifier: str) -> tuple[str, bool]:
        self.refs.append(VarRef(name, start, self.i, modifier))
        if name in self.env:
            return self.env[name], True
        return "", False

    def _dollar(self) -> str:
        start = self.i
        self.i += 1
        if self.peek() != "{":
            name = self._name()
            if not name:
                return "$"
            value, _ = self._get(name, start, "")
            return value
        self.i += 1
        if not self.peek():
            raise LexError("syntax error: missing '}'")
        if self.peek() in "{}:":
            raise LexError("syntax error: bad substitution")
        name = self._name()
        ch = self.next()
        if ch == "}":
            value, _ = self._get(name, start, "")
            return value
        modifier = ch
        null_is_unset = False
        if ch == ":":
            null_is_unset = True
            ch = self.next()
            modifier += ch
        if ch in ("+", "-", "?", "#", "%"):
            if null_is_unset and ch in "#%":
                raise LexError(f"unsupported modifier ({modifier}) in substitution")
            slot = len(self.refs)
            self.refs.append(VarRef(name, start, start, modifier))  # placeholder, in source order
            word = self._stop_on("}")
            self.refs[slot] = VarRef(name, start, self.i, modifier)
            is_set = name in self.env
            value = self.env.get(name, "")
            if ch == "-":
                return word if (not is_set or (null_is_unset and value == "")) else value
            if ch == "+":
                return "" if (not is_set or (null_is_unset and value == "")) else word
            if ch == "?":
                if not is_set or (null_is_unset and value == ""):
                    raise LexError(f"{name}: {word or 'is not allowed to be unset'}")
                return value
            return _trim(value, word, ch)
        if ch == "/":
            slot = len(self.refs)
            self.refs.append(VarRef(name, start, start, "/"))
            if self.peek() == "/":
                self.i += 1
            self._stop_on("/")
            self._stop_on("}")
            self.refs[slot] = VarRef(name, start, self.i, "/")
            return self.env.get(name, "")  # the replacement itself is not needed by any check
        raise LexError(f"unsupported modifier ({modifier}) in substitution")


def _trim(value: str, pattern: str, op: str) -> str:
    """${v#p} ${v##p} ${v%p} ${v%%p}: drop the shortest (longest when doubled) prefix/suffix."""
    greedy = pattern.startswith(op)
    if greedy:
        pattern = pattern[1:]
    regex = re.compile("".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern), re.S)
    n = len(value)
    if op == "#":
        ends = [k for k in range(n + 1) if regex.fullmatch(value, 0, k)]
        return value[(max(ends) if greedy else min(ends)) :] if ends else value
    starts = [k for k in range(n + 1) if regex.fullmatch(value, k)]
    return value[: (min(starts) if greedy else max(starts))] if starts else value


def process_word(text: str, env: dict[str, str], escape: str = "\\") -> tuple[str, list[VarRef]]:
    """BuildKit's ProcessWord: quotes removed, variables expanded (unset -> ""); also the
    variables looked up. Raises LexError where BuildKit fails."""
    lexer = _Lexer(text, env, escape)
    return lexer.word(), lexer.refs


def var_refs(text: str, escape: str = "\\") -> list[VarRef]:
    """The variables a word looks up (none defined); [] if the word does not lex."""
    if "$" not in text:
        return []  # only a `$` looks a variable up (most words: no need to lex them)
    lexer = _Lexer(text, {}, escape)
    try:
        lexer.word()
    except LexError:
        return lexer.refs
    return lexer.refs


# --------------------------------------------------------------------------------------------
# Image references (github.com/distribution/reference ParseNormalizedNamed)

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
_REMOTE = lazy(rf"^{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$")
_REFERENCE_TAIL = lazy(rf"^(?P<name>[^:@]+(?::[0-9]+/[^:@]+)?)(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?$")
_ID = lazy(r"^[a-f0-9]{64}$")


def is_valid_image_reference(text: str) -> bool:
    """Whether BuildKit would accept `text` as a FROM image (ParseNormalizedNamed)."""
    if not text or _ID.match(text):
        return False
    name, tag, digest = text, None, None
    if "@" in name:
        name, digest = name.split("@", 1)
        if not re.fullmatch(_DIGEST, digest):
            return False
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
        if not re.fullmatch(_TAG, tag):
            return False
    first, sep, rest = name.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost" or first.lower() != first):
        if not re.fullmatch(_DOMAIN, first):
            return False
        remote = rest
    else:
        remote = name
    return len(name) <= 255 and bool(_REMOTE.match(remote))


# --------------------------------------------------------------------------------------------
# Platforms (github.com/containerd/platforms Parse + Normalize)

_KNOWN_OS = {
    "aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
    "nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos",
}
_KNOWN_ARCH = {
    "386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
    "mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv",
    "riscv64", "s390", "s390x", "sparc", "sparc64", "wasm",
}
_ARCH_ALIASES = {
    "i386": "386", "x86_64": "amd64", "x86-64": "amd64", "aarch64": "arm64", "armhf": "arm",
    "armel": "arm", "arm64v8": "arm64",
}
_PLATFORM_PART = lazy(r"^[A-Za-z0-9_.-]+$")


def parse_platform(text: str) -> tuple[str, str] | None:
    """(os, architecture) of a platform specifier, normalised; None if it does not parse."""
    parts = text.split("/")
    if not text or len(parts) > 3 or not all(_PLATFORM_PART.match(p) for p in parts):
        return None
    first = parts[0].lower()
    if len(parts) == 1:
        if first in _KNOWN_OS:
            return first, "amd64"
        arch = _ARCH_ALIASES.get(first, first)
        return ("linux", arch) if arch in _KNOWN_ARCH else None
    os_name = first
    if os_name not in _KNOWN_OS:
        return None
    arch = _ARCH_ALIASES.get(parts[1].lower(), parts[1].lower())
    return (os_name, arch) if arch in _KNOWN_ARCH else None


# --------------------------------------------------------------------------------------------
# .dockerignore (github.com/moby/patternmatcher and its ignorefile package)


@dataclass(frozen=True)
class IgnorePattern:
    """A `.dockerignore` line as a regular expression."""

    text: str
    exclusion: bool  # a `!pattern` line
    regex: re.Pattern


def _pattern_regex(pattern: str) -> re.Pattern:
    out = ["^"]
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 2
                if i < n and pattern[i] == "/":
                    i += 1
                out.append(".*" if i >= n else "(.*/)?")
                continue
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "\\":
            if i + 1 < n:
                i += 1
                out.append(re.escape(pattern[i]))
            else:
                out.append(re.escape("\\"))
        elif ch in "[]":
            out.append(ch)
        else:
            out.append(re.escape(ch))
        i += 1
    out.append("$")
    try:
        return re.compile("".join(out), re.S)
    except re.error:
        return re.compile(r"(?!)")


def parse_dockerignore(text: str) -> list[IgnorePattern]:
    """Patterns of a .dockerignore file, cleaned the way `ignorefile.ReadAll` cleans them."""
    patterns: list[IgnorePattern] = []
    for k, line in enumerate(text.splitlines()):
        if k == 0:
            line = line.lstrip("\ufeff")
        if line.startswith("#"):
            continue
        line = line.strip()
        if not line:
            continue
        invert = line.startswith("!")
        if invert:
            line = line[1:].strip()
        if line:
            line = os.path.normpath(line).replace("\\", "/")
            if line.startswith("//"):
                line = "/" + line.lstrip("/")
            if len(line) > 1 and line.startswith("/"):
                line = line[1:]
        patterns.append(IgnorePattern(line, invert, _pattern_regex(line)))
    return patterns


def ignored(patterns: list[IgnorePattern], path: str) -> bool:
    """MatchesOrParentMatches for patterns without exclusions: the path or a parent matches."""
    parts = path.split("/")
    candidates = ["/".join(parts[: k + 1]) for k in range(len(parts))]
    return any(p.regex.match(c) for p in patterns if not p.exclusion for c in candidates)


# --------------------------------------------------------------------------------------------
# "did you mean" (github.com/moby/buildkit/util/suggest)


def levenshtein(a: str, b: str, limit: int | None = None) -> int:
    """Edit distance; with `limit`, any distance above it comes back as limit + 1, in time
    proportional to the length times the limit (two 50,000-character names would otherwise
    take half an hour)."""
    start = 0
    while start < len(a) and start < len(b) and a[start] == b[start]:
        start += 1
    a, b = a[start:], b[start:]
    end = 0
    while end < len(a) and end < len(b) and a[-1 - end] == b[-1 - end]:
        end += 1
    if end:
        a, b = a[:-end], b[:-end]
    if limit is not None:
        return _bounded_levenshtein(a, b, limit)
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _bounded_levenshtein(a: str, b: str, limit: int) -> int:
    over = limit + 1
    if abs(len(a) - len(b)) > limit:
        return over
    prev = {j: j for j in range(min(len(b), limit) + 1)}  # only the diagonal band is kept
    for i in range(1, len(a) + 1):
        lo, hi = max(0, i - limit), min(len(b), i + limit)
        cur = {0: i} if lo == 0 else {}
        ca = a[i - 1]
        for j in range(max(1, lo), hi + 1):
            cur[j] = min(prev.get(j, over) + 1, cur.get(j - 1, over) + 1, prev.get(j - 1, over) + (ca != b[j - 1]), over)
        if min(cur.values(), default=over) > limit:
            return over
        prev = cur
    return min(prev.get(len(b), over), over)


def suggest(name: str, options, case_sensitive: bool = True) -> str | None:
    """The option closest to `name` within edit distance 2, like BuildKit's suggest package
    (None when `name` itself is an option)."""
    key = name if case_sensitive else name.lower()
    match, best = None, 3
    for option in sorted(set(options)):
        other = option if case_sensitive else option.lower()
        if other == key:
            return None
        dist = levenshtein(key, other, best - 1)
        if dist < best:
            match, best = option, dist
    return match
