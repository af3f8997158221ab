"""Helm (Go text/template) templates, read just enough to map rendered text back to template
lines: where the actions are, which lines are inside `define`, which values each line reads,
and the `dockerlint:` pragmas in `{{/* */}}` comments.

Helm gives no source map. To get one, a template is rendered twice: as written, and with a
marker after the text of every template line (outside `define` bodies, whose text other
templates capture through `include`). A marker is not white space, so it can stop a `{{-`/`-}}`
trim; white space is all a trim removes, so the two outputs agree character for character
once white space and markers are dropped. That agreement is checked: where it fails, nothing
is mapped from that file rather than something wrong.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

MARK_OPEN, MARK_CLOSE = "\x1e", "\x1f"  # ASCII record/unit separators: never in a chart
_MARK = re.compile("\x1e(\\d+)\x1f")
GO_SPACE = " \t\r\n"  # what a Go template trim marker removes


@dataclass
class Action:
    """One `{{ ... }}` action of a template."""

    start: int  # offset of "{{"
    end: int  # offset after "}}"
    inner: str  # between the delimiters, trim markers removed
    comment: bool


def actions(text: str) -> list[Action]:
    """The `{{ ... }}` actions of a template, strings and comments respected."""
    found: list[Action] = []
    i, n = 0, len(text)
    while True:
        i = text.find("{{", i)
        if i < 0:
            return found
        j = i + 2
        if text.startswith("- ", j) or (text.startswith("-", j) and j + 1 < n and text[j + 1] in GO_SPACE):
            j += 1
        body_start = j
        while j < n and text[j] in GO_SPACE:
            j += 1
        if text.startswith("/*", j):
            close = text.find("*/", j + 2)
            if close < 0:
                return found
            end = text.find("}}", close + 2)
            if end < 0:
                return found
            found.append(Action(i, end + 2, text[j + 2 : close], True))
            i = end + 2
            continue
        quote = None
        while j < n:
            c = text[j]
            if quote:
                if c == "\\" and quote != "`":
                    j += 2
                    continue
                if c == quote:
                    quote = None
            elif c in "\"`'":
                quote = c
            elif text.startswith("}}", j):
                break
            j += 1
        if j >= n:
            return found
        inner = text[body_start:j]
        if inner.endswith(" -") or inner.endswith("\t-") or inner.endswith("\n-"):
            inner = inner[:-1]
        found.append(Action(i, j + 2, inner.strip(), False))
        i = j + 2


_KEYWORD = re.compile(r"^([a-z]+)\b")
_VALUES_PATH = re.compile(r"(?<![\w)])\$?\.Values((?:\.[A-Za-z_][\w-]*)+)")
_INDEX_VALUES = re.compile(r"index\s+\$?\.Values((?:\s+\"[^\"]*\")+)")
_DOT_USE = re.compile(r"(?:^|[\s(|])\.((?:[A-Za-z_][\w-]*)(?:\.[A-Za-z_][\w-]*)*)?(?=[\s)|]|$)")
_ROOT_FIELDS = {"Values", "Release", "Chart", "Capabilities", "Files", "Template", "Subcharts"}


def _values_paths(inner: str) -> list[tuple[str, ...]]:
    paths = [tuple(m.group(1)[1:].split(".")) for m in _VALUES_PATH.finditer(inner)]
    paths += [tuple(re.findall(r"\"([^\"]*)\"", m.group(1))) for m in _INDEX_VALUES.finditer(inner)]
    return paths


@dataclass
class TemplateInfo:
    """A template's actions, lines and the values each line reads."""

    text: str
    line_starts: list[int]
    actions: list[Action]
    in_define: list[bool]  # per 1-based line (index 0 unused): inside a define/block body
    values_by_line: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)
    comment_pragmas: dict[int, str] = field(default_factory=dict)  # line -> text of a {{/* dockerlint: */}}

    def line_of(self, offset: int) -> int:
        import bisect

        return bisect.bisect_right(self.line_starts, offset)

    def line_text(self, line: int) -> str:
        if not 1 <= line <= len(self.line_starts):
            return ""
        start = self.line_starts[line - 1]
        end = self.line_starts[line] if line < len(self.line_starts) else len(self.text)
        return self.text[start:end].rstrip("\r\n")


def read_template(text: str) -> TemplateInfo:
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    acts = actions(text)
    info = TemplateInfo(text, line_starts, acts, [False] * (len(line_starts) + 2))
    stack: list[tuple[str, tuple[str, ...] | None]] = []  # (keyword, values path of a `with`)
    define_from: int | None = None
    for act in acts:
        line = info.line_of(act.start)
        if act.comment:
            if "dockerlint:" in act.inner:
                info.comment_pragmas[info.line_of(act.end - 1)] = "# " + act.inner.strip()
            continue
        m = _KEYWORD.match(act.inner)
        word = m.group(1) if m else ""
        if word in ("define", "block"):
            stack.append(("define", None))
            if define_from is None:
                define_from = line
            continue
        if word == "end":
            if stack:
                kind, _ = stack.pop()
                if kind == "define" and not any(k == "define" for k, _ in stack) and define_from is not None:
                    for ln in range(define_from, info.line_of(act.end - 1) + 1):
                        info.in_define[ln] = True
                    define_from = None
            continue
        paths = _values_paths(act.inner)
        # `.` inside `with .Values.x` is that value: `toYaml .`, `{{ .runAsUser }}`
        with_path = next((p for k, p in reversed(stack) if k in ("with", "range")), None)
        if with_path and word not in ("with", "range"):
            for dm in _DOT_USE.finditer(act.inner):
                sub = dm.group(1)
                if sub and sub.split(".")[0] in _ROOT_FIELDS:
                    continue
                paths.append(with_path + (tuple(sub.split(".")) if sub else ()))
        if word in ("if", "range", "with"):
            own = _values_paths(act.inner)
            # a `range` element has no key of its own: keep only the list's path
            stack.append((word, own[0] if own and word in ("with", "range") else None))
            continue  # a condition or a scope produces no text itself
        elif word == "else":
            continue
        if paths:
            info.values_by_line.setdefault(line, []).extend(p for p in paths if p not in info.values_by_line.get(line, []))
    if define_from is not None:  # an unterminated define: Helm fails on it anyway
        for ln in range(define_from, len(line_starts) + 1):
            info.in_define[ln] = True
    return info


def instrument(info: TemplateInfo) -> str:
    """The template with a marker (the template line) after the text of every line outside
    `define` bodies. A line that continues an action begun above is marked with the action's
    first line."""
    import bisect

    text = info.text
    starts = [a.start for a in info.actions]
    out: list[str] = []
    pos = 0
    act_iter = iter(info.actions)
    act = next(act_iter, None)
    for line in range(1, len(info.line_starts) + 1):
        nl = info.line_starts[line] - 1 if line < len(info.line_starts) else -1
        if nl < 0:
            break
        while act is not None and act.end <= nl:
            act = next(act_iter, None)
        inside_action = act is not None and act.start < nl < act.end
        if inside_action or info.in_define[line]:
            continue
        # the line's output starts where the first token covering its start began
        origin = line
        start = info.line_starts[line - 1]
        k = bisect.bisect_left(starts, start) - 1  # the last action opened before the line
        if k >= 0 and info.actions[k].end > start:
            origin = info.line_of(info.actions[k].start)
        cut = nl - 1 if nl > 0 and text[nl - 1] == "\r" else nl
        out.append(text[pos:cut])
        out.append(f"{MARK_OPEN}{origin}{MARK_CLOSE}")
        pos = cut
    out.append(text[pos:])
    return "".join(out)


def line_map(plain: str, marked: str) -> list[int] | None:
    """For each offset of `plain` (the real render), the template line that produced it, read
    from `marked` (the render of the instrumented template); None when the two disagree
    beyond white space (the map would be wrong)."""
    # non-space characters of the marked output with the template line of the next marker
    chars: list[str] = []
    char_lines: list[int] = []
    pending = 0  # chars waiting for their marker
    pos = 0
    for m in _MARK.finditer(marked):
        for c in marked[pos : m.start()]:
            if c not in GO_SPACE:
                chars.append(c)
        line = int(m.group(1))
        char_lines.extend([line] * (len(chars) - pending))
        pending = len(chars)
        pos = m.end()
    for c in marked[pos:]:
        if c not in GO_SPACE:
            chars.append(c)
    last = char_lines[-1] if char_lines else 0
    char_lines.extend([last] * (len(chars) - pending))  # text after the last marker: the last line
    result = [0] * (len(plain) + 1)
    k = 0
    for i, c in enumerate(plain):
        if c in GO_SPACE:
            continue
        if k >= len(chars):
            return None
        if chars[k] != c and not (c.isalnum() and chars[k].isalnum()):
            # the same length is enough where letters or digits differ: random passwords
            # (`randAlphaNum`) and checksums of other templates (`sha256sum`) differ per render
            return None
        result[i] = char_lines[k]
        k += 1
    if k != len(chars):
        return None
    # white space takes the line of the next character produced (a span never starts in it)
    following = last
    for i in range(len(plain) - 1, -1, -1):
        if plain[i] in GO_SPACE:
            result[i] = following
        else:
            following = result[i]
    result[len(plain)] = following if plain else 0
    return result
