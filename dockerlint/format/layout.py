"""Layout of one instruction: its logical line cut into tokens (keyword, flags, argument words
or shell tokens), the whitespace between tokens rewritten, continuation lines re-indented.

Nothing inside a token changes except the keyword's case and an exec-form array's spacing.
A line break that falls inside a token (a quoted string continued on the next line, a word
split in two) is written back exactly as it was. The caller proves the result means the same
(dockerlint.format.proof) and keeps the original where it does not.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from dockerlint.format import shell_tokens
from dockerlint.format.options import FormatOptions
from dockerlint.parse.dockerfile import _TOKEN_WS, _WS, Instruction, _word_bounds, split_line

# BuildKit's parseString: the whole rest of the line is one value, spacing included.
_VERBATIM = frozenset({"WORKDIR", "USER", "MAINTAINER", "STOPSIGNAL"})
_KNOWN = frozenset({"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
                    "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME",
                    "WORKDIR"})
SHELL_FORM = frozenset({"RUN", "CMD", "ENTRYPOINT"})


class Unformattable(Exception):
    """This instruction is left exactly as written; the message says why."""


@dataclass
class Logical:
    """An instruction's logical line rebuilt from its physical lines, as BuildKit joins it."""

    text: str
    breaks: list[int] = field(default_factory=list)  # positions in text where a physical line began
    comments: dict[int, list[str]] = field(default_factory=dict)  # position -> comment lines before it
    last_line: int = 0  # 0-based index of the last physical line (heredoc bodies follow)
    shell_signature: tuple | None = None  # proof.signature of the arguments, when layout parsed them


def _trim_continuation(token: str, escape: str) -> tuple[str, bool]:
    if escape not in token:
        return token, False
    body = token.rstrip(" \t")
    if body.endswith(escape) and (len(body) == 1 or body[-2] != escape):
        return body[:-1], True
    return token, False


def logical_line(lines: list[str], first: int, limit: int, escape: str, bom: bool) -> Logical:
    raw = lines[first]
    if first == 0 and bom:
        raw = raw[1:]
    token = raw.rstrip("\r")
    piece, cont = _trim_continuation(token.lstrip(_WS), escape)
    parts = [piece]
    position = len(piece)
    logical = Logical("")
    breaks = logical.breaks
    i = first + 1
    while cont and i < limit:
        token = lines[i].rstrip("\r")
        stripped = token.lstrip(_WS)
        i += 1
        if stripped[:1] == "#":
            logical.comments.setdefault(position, []).append(stripped.rstrip())
            continue
        if not stripped:
            continue
        # _trim_continuation, written out (one call per continuation line)
        piece, cont = token, False
        if escape in token:
            body = token.rstrip(" \t")
            if body[-1:] == escape and (len(body) == 1 or body[-2] != escape):
                piece, cont = body[:-1], True
        breaks.append(position)
        parts.append(piece)
        position += len(piece)
    if cont:
        raise Unformattable("the last line ends in a line continuation")
    logical.text = "".join(parts)
    logical.last_line = i - 1
    return logical


class Token(NamedTuple):
    start: int
    end: int
    text: str  # what is written (normally the source text)
    rewritten: bool = False  # text differs from the source (keyword case, exec form)
    level: int = 1  # continuation indent, in indent widths, when a line starts with this token


# Token(start, end, text, rewritten, level) without NamedTuple's Python-level __new__: a
# multi-line RUN has a token per shell word (~100,000 for the corpus). A token is never
# changed: a rewritten one replaces it in its list (_replace).
_new_tuple = tuple.__new__


def _word_tokens(t: str, lo: int, hi: int, escape: str) -> list[Token]:
    return [_new_tuple(Token, (lo + a, lo + b, t[lo + a : lo + b], False, 1)) for a, b in _word_bounds(t[lo:hi], escape)]


def _covered(t: str, tokens: list[Token], lo: int, hi: int) -> bool:
    position = lo
    for tok in tokens:
        if tok.start < position or t[position : tok.start].strip(_WS):
            return False
        position = tok.end
    return not t[position:hi].strip(_WS)


_NOT_ONE_SPACE = re.compile("  |[" + re.escape(_WS.replace(" ", "")) + "]")


def _single_spaced(t: str) -> bool:
    return _NOT_ONE_SPACE.search(t) is None


def _exec_form(items: list[str]) -> str | None:
    key = tuple(items)
    if key in _EXEC_FORMS:
        return _EXEC_FORMS[key]
    text = json.dumps(items, ensure_ascii=False)
    try:
        if json.loads(text) != items:
            text = None
    except ValueError:
        text = None
    if len(_EXEC_FORMS) > 20_000:
        _EXEC_FORMS.clear()
    _EXEC_FORMS[key] = text
    return text


# exec-form arrays repeat (CMD ["bash"]): a pure function's results, per process
_EXEC_FORMS: dict[tuple, str | None] = {}


def packages_possible(ins: Instruction, options: FormatOptions) -> bool:
    """With `sort-packages`, might this RUN hold a package list to sort and split?"""
    return options.sort_packages and ins.keyword == "RUN" and ("apt" in ins.args or "apk" in ins.args)


def laid_out_line(ins: Instruction, t: str) -> bool:
    """Is `t`, the whole of the one line `ins` was read from, already laid out? One space
    between everything, no space around it, nothing to rewrite (keyword case, `AS`, an exec
    form's spacing): the layout could only copy it."""
    keyword = ins.keyword
    return (
        t == ins.original
        and ins.keyword_raw == keyword
        and keyword not in ("FROM", "ONBUILD", "HEALTHCHECK")
        and _single_spaced(t)
        and t[:1] not in _WS
        and t[-1:] not in _WS
        and (ins.json is None or _exec_form(ins.json) == ins.args)
    )


def layout(ins: Instruction, logical: Logical, escape: str, options: FormatOptions) -> str:
    """The instruction's logical line laid out ("\\n" between physical lines, no final newline).
    Raises Unformattable when it must stay as written."""
    t = logical.text
    if t != ins.original:
        raise Unformattable("the rebuilt logical line differs from the parser's")
    if not logical.breaks and laid_out_line(ins, t) and not packages_possible(ins, options):
        return t
    try:
        _cmd, kw_lo, kw_hi, flags, a, b, _json, _lo = split_line(t, escape)
    except ValueError as exc:
        raise Unformattable(str(exc)) from None
    keyword = ins.keyword
    upper = t[kw_lo:kw_hi].upper()
    tokens = [Token(kw_lo, kw_hi, upper, upper != t[kw_lo:kw_hi])]
    tokens += [Token(fs, fe, t[fs:fe]) for fs, fe, _value in flags]
    shell = None
    first_args = len(tokens)
    if b > a:
        args_tokens, shell = _args_tokens(ins, keyword, t, a, b, escape, logical, options)
        # A shell program's tokens cover t[a:b] with only blanks between them: program()
        # returns None otherwise.
        if shell is None and not _covered(t, args_tokens, a, b):
            args_tokens, shell = [Token(a, b, t[a:b])], None
        tokens += args_tokens
    return _emit(t, tokens, logical, escape, options, shell, first_args)


def _args_tokens(ins, keyword, t, a, b, escape, logical, options):
    """Tokens of the argument text t[a:b] and, for a laid-out shell program, the program."""
    if ins.json is not None and keyword == "HEALTHCHECK":
        m = _TOKEN_WS.search(t, a, b)  # `CMD ["..."]`: the type word, then the array
        if m is None:
            return [Token(a, b, t[a:b])], None
        head = Token(a, m.start(), t[a : m.start()])
        rest, _shell = _args_tokens(ins, "CMD", t, m.end(), b, escape, logical, options)
        return [head] + rest, None
    if ins.json is not None:
        text = _exec_form(ins.json)
        inner_comments = any(a < p < b for p in logical.comments)
        if text is None or inner_comments:
            return [Token(a, b, t[a:b])], None
        return [Token(a, b, text, rewritten=text != t[a:b])], None
    if keyword in _VERBATIM or keyword not in _KNOWN:
        return [Token(a, b, t[a:b])], None
    if keyword in ("ENV", "LABEL"):
        words = _word_bounds(t[a:b], escape)
        if words and "=" not in t[a + words[0][0] : a + words[0][1]]:
            # the old `ENV NAME value` form: the value is the rest of the line, spacing included
            m = _TOKEN_WS.search(t, a, b)
            if m is None:
                return [Token(a, b, t[a:b])], None
            return [Token(a, m.start(), t[a : m.start()]), Token(m.end(), b, t[m.end() : b])], None
        return _word_tokens(t, a, b, escape), None
    if keyword in SHELL_FORM and not ins.heredocs:
        packages = packages_possible(ins, options)
        if not logical.breaks and _single_spaced(t) and not packages:
            # one line, one space between everything: the layout could only copy it
            return [Token(a, b, t[a:b])], None
        program = shell_tokens.program(t[a:b], packages)
        if program is None:
            return [Token(a, b, t[a:b])], None
        logical.shell_signature = program.signature
        script = t[a:b]
        tokens = [_new_tuple(Token, (a + start, a + end, script[start:end], False, level)) for start, end, _node, level in program.tokens]
        return tokens, program
    tokens = _word_tokens(t, a, b, escape)
    if keyword == "FROM" and len(tokens) == 3 and tokens[1].text.lower() == "as":
        tokens[1] = tokens[1]._replace(text="AS", rewritten=tokens[1].text != "AS")
    if keyword == "ONBUILD" and tokens and tokens[0].text.isalpha():
        text = tokens[0].text.upper()
        tokens[0] = tokens[0]._replace(text=text, rewritten=text != t[tokens[0].start : tokens[0].end])
    return tokens, None


def _emit(t, tokens, logical, escape, options, shell, first_args) -> str:
    breaks = logical.breaks
    comments = logical.comments
    if any(p <= tokens[0].start or p >= tokens[-1].end for p in comments):
        raise Unformattable("a comment line before the keyword or after the last word")
    inside: dict[int, list[int]] = {}  # token index -> breaks inside it
    gap_breaks: dict[int, list[int]] = {}  # token index k -> breaks in the gap before token k
    k = 0
    for p in breaks:
        while k < len(tokens) and tokens[k].end < p:
            k += 1
        if k == len(tokens) or p <= tokens[0].start:
            continue  # before the keyword or after the last word: dropped
        tok = tokens[k]
        if tok.start < p < tok.end:
            if tok.rewritten:
                if p in comments:
                    raise Unformattable("a comment line inside a rewritten token")
                continue
            inside.setdefault(k, []).append(p)
        elif p == tok.end:
            if k + 1 == len(tokens):
                continue  # after the last word: dropped
            gap_breaks.setdefault(k + 1, []).append(p)
        else:
            gap_breaks.setdefault(k, []).append(p)
    forced: set[int] = set()
    if shell is not None and shell.package_runs:
        _sort_packages(tokens, [[first_args + k for k in run] for run in shell.package_runs], inside, comments, forced)
    if shell is not None and (gap_breaks or forced) and not comments:
        # Already multi-line: one command of the top-level chain per line.
        offset = first_args
        for index in shell.operators:
            k = offset + index
            op = tokens[k]
            if t[op.start : op.end] == ";" or options.operator_position == "end":
                if k + 1 < len(tokens):
                    forced.add(k + 1)
                    gap_breaks.pop(k, None)
            else:
                forced.add(k)
                if k + 1 < len(tokens):
                    gap_breaks.pop(k + 1, None)
    unit = " " * options.indent_width
    out = [_token_text(t, tokens[0], inside.get(0), escape, comments, unit)]
    append = out.append
    # Most tokens have no break before or inside them and are not forced onto a new line, nor
    # follow a token that is: only a space (or nothing) and their text.
    special = set(gap_breaks) | forced | set(inside) | {k + 1 for k in forced}
    prev = tokens[0]
    for k in range(1, len(tokens)):
        tok = tokens[k]
        if k not in special:
            if prev.end < tok.start:
                append(" ")
            append(tok.text)
            prev = tok
            continue
        here = gap_breaks.get(k)
        if here and prev.end == tok.start:
            # no space between the two tokens: the break stays exactly where it was
            append(escape + "\n" + "".join(unit + c + "\n" for c in comments.get(prev.end, ())))
        elif here or k in forced:
            append(" " + escape + "\n")
            if here and comments:
                for p in here:
                    if p in comments:
                        out.extend(unit + c + "\n" for c in comments[p])
            append(unit * tok.level)
        elif prev.end < tok.start or (k - 1 in forced and t[prev.start : prev.end] in ("&&", "||")):
            append(" ")  # one space; and one after an operator that now starts a line
        inner = inside.get(k)
        append(tok.text if inner is None else _token_text(t, tok, inner, escape, comments, unit))
        prev = tok
    return "".join(out)


def _sort_packages(tokens, runs, inside, comments, forced) -> None:
    """`sort-packages`: the words of each package list sorted, each on its own line (one level
    deeper than its command). A list with a line break inside a word or a comment line between
    its words keeps its order and lines."""
    for run in runs:
        if any(k in inside for k in run):
            continue
        lo, hi = tokens[run[0] - 1].end, tokens[run[-1]].start
        if any(lo <= p <= hi for p in comments):
            continue
        texts = sorted(tokens[k].text for k in run)
        for k, text in zip(run, texts):
            tok = tokens[k]
            tokens[k] = tok._replace(text=text, rewritten=tok.rewritten or text != tok.text)
            forced.add(k)


def _token_text(t, tok, inner_breaks, escape, comments, unit) -> str:
    if not inner_breaks:
        return tok.text
    out = []
    position = tok.start
    for p in inner_breaks:
        out.append(t[position:p] + escape + "\n")
        out.extend(unit + c + "\n" for c in comments.get(p, []))
        position = p
    out.append(t[position : tok.end])
    return "".join(out)
