"""YAML node model with exact spans (Kubernetes manifests and Compose files).

Built from libyaml's event stream, composed without recursion: in C where `_yamlcompose.c` was
built (libyaml read directly), else here from PyYAML's C parser (`yaml.CSafeLoader`); the two
make the same model (tests/test_yaml_native.py). No PyYAML object leaks out: the model is our
own dataclasses. Where the C composer reads a file, PyYAML is not even imported: tags and
values come from `yaml_scalars`, which holds PyYAML's resolver table and core constructors.

- Every node has a `Span` (0-based code-point offsets, 1-based line/col) into the source text.
  Block scalars and block collections end at their last content character (libyaml's own end
  marks run on to the next token, over blank lines and comments).
- Scalars keep their string `value` and the tag PyYAML's resolver gives them (YAML 1.1, as
  `yaml.safe_load`); `ScalarNode.py` is the resolved Python value.
- An alias is the anchored node itself (the same object, never a copy), so an alias bomb costs
  nothing at load time; `to_python` and every other expanding walk take a node budget.
  Recursive aliases (an alias to a collection that contains it) are rejected, as Go's YAML
  libraries (kubectl, compose-go) reject them, so the graph is always acyclic.
- Merge keys (`<<: *a`, `<<: [*a, *b]`) are resolved by `MappingNode.get`/`items`/`keys`:
  explicit keys win over merged ones, and earlier mappings in a merge list win over later ones
  (the YAML merge spec, as Go's yaml.v3; PyYAML 6.0.4's own flattening gets this right only
  when the key strings happen to be interned).
  `pairs` keeps the mapping exactly as written.
- Nesting: libyaml refuses more than 1000 nested block or flow levels ("exceeded maximum nesting
  depth"); beyond that we refuse more than MAX_DEPTH levels in total, so no consumer needs deep
  recursion. Either way the caller gets a `YamlParseError`, never a crash.
"""
from __future__ import annotations

import bisect
import re
from collections import namedtuple
from dataclasses import dataclass, field

from dockerlint.model import ParseError, SourceText, Span, new_span
from dockerlint.parse.yaml_scalars import FIRST_CHARS, construct, resolve_plain
from dockerlint.rulekit.patterns import lazy

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Iterator, NoReturn


def _import_pyyaml():
    """`import yaml`, without compiling the pattern of PyYAML's pure-Python reader at import.

    `yaml.reader` compiles a class of all the printable code points when it is imported, ~5 ms
    of every run that reads YAML (a fifth of importing PyYAML), for a reader that libyaml's
    loader never uses. `re.compile` answers from its cache first: while PyYAML is imported, the
    cache holds a pattern compiled on first use for that text, and no longer after. Should `re`
    keep its cache elsewhere one day, the pattern is simply compiled as before (Python 3.12 and
    later copy what they find in `_cache` into a second cache, `_cache2`: taken out of both)."""
    source = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"
    cache = getattr(re, "_cache", None)
    key = (str, source, 0)
    pattern = lazy(source)
    ours = isinstance(cache, dict) and key not in cache
    if ours:
        cache[key] = pattern
    try:
        import yaml
    finally:
        for kept in (cache, getattr(re, "_cache2", None)):
            if ours and isinstance(kept, dict) and kept.get(key) is pattern:
                del kept[key]
    return yaml


_pyyaml = None  # PyYAML, once imported: `pyyaml()`
_Loader = None  # its safe loader: libyaml's where PyYAML has it (`_C_LOADER`)
_C_LOADER = False


def pyyaml():
    """PyYAML, imported on first use: by the Python composer, and for what the C composer hands
    back, reports as an error or leaves to it (a timestamp's value, say)."""
    global _pyyaml, _Loader, _C_LOADER
    if _pyyaml is None:
        yaml = _import_pyyaml()
        try:  # libyaml bindings (shipped in PyYAML's wheels)
            _Loader, _C_LOADER = yaml.CSafeLoader, True
        except AttributeError:  # pragma: no cover - only without libyaml
            _Loader, _C_LOADER = yaml.SafeLoader, False
        _pyyaml = yaml
    return _pyyaml


def __getattr__(name: str):
    if name == "SAFE_LOADER":  # for other YAML reading (the fixers'): libyaml's safe loader where PyYAML has it
        pyyaml()
        return _Loader
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "SAFE_LOADER",
    "MAX_DEPTH",
    "DEFAULT_BUDGET",
    "YamlParseError",
    "Node",
    "ScalarNode",
    "MappingNode",
    "SequenceNode",
    "YamlDocument",
    "Comment",
    "load_documents",
    "to_python",
    "iter_nodes",
    "comment_lines",
    "comments",
]

MAX_DEPTH = 1000
_FAST_SPANS = True  # take line/column from libyaml's marks when they agree (tests turn it off)
DEFAULT_BUDGET = 1_000_000

NULL_TAG = "tag:yaml.org,2002:null"
STR_TAG = "tag:yaml.org,2002:str"
BOOL_TAG = "tag:yaml.org,2002:bool"
INT_TAG = "tag:yaml.org,2002:int"
FLOAT_TAG = "tag:yaml.org,2002:float"
MERGE_TAG = "tag:yaml.org,2002:merge"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"


class YamlParseError(ParseError):
    """Bad YAML, or YAML we refuse to expand. `line`/`column` are 1-based (None if unknown)."""


# --------------------------------------------------------------------------------------------
# Nodes

_UNSET: Any = object()


@dataclass(eq=False, slots=True)
class Node:
    """Base of the three node kinds. Nodes compare and hash by identity."""

    span: Span
    tag: str

    @property
    def is_null(self) -> bool:
        return False


@dataclass(eq=False, slots=True)
class ScalarNode(Node):
    """A scalar, with its string value and how it was written."""

    value: str  # the scalar's string value (after unquoting / folding)
    style: str | None = None  # None (plain), '"', "'", '|', '>'
    anchor: str | None = None
    _py: Any = field(default=_UNSET, repr=False)

    @property
    def py(self) -> Any:
        """The resolved Python value, as `yaml.safe_load` would give it (bool/int/float/None/str,
        datetime for timestamps, bytes for !!binary). Unknown/custom tags give the string."""
        if self._py is _UNSET:
            self._py = _construct_scalar(self.tag, self.value)
        return self._py

    @property
    def is_null(self) -> bool:
        return self.tag == NULL_TAG

    @property
    def is_plain(self) -> bool:
        return self.style is None


_Pair = namedtuple("_Pair", "key value")  # a mapping's (ScalarNode, Node) pair under its key's text


@dataclass(eq=False, slots=True)
class MappingNode(Node):
    """A mapping: its pairs in order, as written."""

    pairs: list[tuple[Node, Node]]  # exactly as written, merge keys and duplicates included
    flow: bool = False
    anchor: str | None = None
    _merges: list["MappingNode"] | None = field(default=None, repr=False)  # by priority
    _index: dict[str, _Pair] | None = field(default=None, repr=False)

    def _idx(self) -> dict[str, _Pair]:
        index = self._index
        if index is None:
            index = {}
            if self._merges:
                # lowest priority first, so that higher ones overwrite
                for source in reversed(self._merges):
                    index.update(source._idx())
            for k, v in self.pairs:
                if type(k) is ScalarNode and k.tag != MERGE_TAG:
                    index[k.value] = _Pair(k, v)
            self._index = index
        return index

    def get(self, key: str) -> Node | None:
        """The value node of `key` (matched on the key's string value), merge keys resolved."""
        pair = self._idx().get(key)
        return pair[1] if pair is not None else None

    def get_pair(self, key: str) -> tuple[ScalarNode, Node] | None:
        """(key node, value node) of `key`. The key node of a merged entry lies in the merged
        mapping, not in this one."""
        pair = self._idx().get(key)
        return (pair[0], pair[1]) if pair is not None else None

    def key_node(self, key: str) -> ScalarNode | None:
        pair = self._idx().get(key)
        return pair[0] if pair is not None else None

    def __contains__(self, key: str) -> bool:
        return key in self._idx()

    def keys(self) -> list[str]:
        return list(self._idx())

    def items(self) -> list[tuple[ScalarNode, Node]]:
        """Effective (key node, value node) pairs: merges resolved, duplicates collapsed (the
        last one wins, like PyYAML). Only scalar keys."""
        return [(p[0], p[1]) for p in self._idx().values()]

    def values(self) -> list[Node]:
        return [p[1] for p in self._idx().values()]

    def str(self, key: str) -> str | None:
        """The string value of a non-null scalar at `key`, else None."""
        node = self.get(key)
        if type(node) is ScalarNode and node.tag != NULL_TAG:
            return node.value
        return None

    def get_mapping(self, key: str) -> "MappingNode | None":
        node = self.get(key)
        return node if type(node) is MappingNode else None

    def get_sequence(self, key: str) -> "SequenceNode | None":
        node = self.get(key)
        return node if type(node) is SequenceNode else None

    def get_in(self, *keys: str) -> Node | None:
        """Walk nested mappings: m.get_in("spec", "template", "spec")."""
        node: Node | None = self
        for key in keys:
            if type(node) is not MappingNode:
                return None
            node = node.get(key)
        return node

    @property
    def has_merge(self) -> bool:
        return bool(self._merges)

    def distinct_keys_known(self) -> bool:
        """True when the key index is already built and shows every key written once (no
        duplicate, no merge key, no complex key); False means "not known", not "duplicates"."""
        index = self._index
        return index is not None and not self._merges and len(index) == len(self.pairs)

    def duplicate_keys(self) -> list[tuple[ScalarNode, ScalarNode]]:
        """(first key node, repeated key node) for each explicit key written twice."""
        seen: dict[str, ScalarNode] = {}
        dups = []
        for k, _ in self.pairs:
            if type(k) is ScalarNode and k.tag != MERGE_TAG:
                if k.value in seen:
                    dups.append((seen[k.value], k))
                else:
                    seen[k.value] = k
        return dups

    def head_span(self, prefer: tuple[str, ...] = ("name",)) -> Span:
        """Where to report something missing from this mapping: the first preferred key present
        (key through scalar value, e.g. `name: web`), else the first key, else the mapping."""
        for key in prefer:
            pair = self._idx().get(key)
            if pair is not None:
                return pair_span(pair[0], pair[1])
        if self.pairs:
            k, v = self.pairs[0]
            return pair_span(k, v)
        return self.span


@dataclass(eq=False, slots=True)
class SequenceNode(Node):
    """A sequence and its items."""

    items: list[Node]
    flow: bool = False
    anchor: str | None = None

    def __iter__(self) -> Iterator[Node]:
        return iter(self.items)


Comment = namedtuple("Comment", "line col text")
Comment.__doc__ = """A `#` comment: (line, col of the '#', text after it, stripped)."""


@dataclass(eq=False)
class YamlDocument:
    """One document of a YAML stream."""

    index: int  # 0-based position in the stream
    root: Node | None  # None for an empty document (`---` with nothing, or only comments)
    span: Span
    start_marker_line: int | None = None  # 1-based line of an explicit `---`, else None
    # (start, end) offsets of quoted and block scalars, sorted: where a '#' is not a comment
    opaque_ranges: list[tuple[int, int]] = field(default_factory=list, repr=False)
    # False only when the composer saw every mapping's keys and none is written twice (the C
    # composer, which also builds the mappings' key indexes); True: not known
    keys_may_repeat: bool = field(default=True, repr=False)


def pair_span(key: Node, value: Node) -> Span:
    """Key through value when the value is a scalar on the key's line, else just the key."""
    if type(value) is ScalarNode and value.span.end_line == key.span.line and value.span.start >= key.span.end:
        s, v = key.span, value.span
        return Span(s.start, v.end, s.line, s.col, v.end_line, v.end_col)
    return key.span


# --------------------------------------------------------------------------------------------
# Scalar construction (PyYAML safe loader semantics: `yaml_scalars`)


def _construct_scalar(tag: str, value: str) -> Any:
    if tag == STR_TAG:
        return value
    try:
        return construct(tag, value)
    except Exception:  # e.g. `!!int abc`: keep the text
        return value


# --------------------------------------------------------------------------------------------
# Loading


def _error_from(exc: BaseException, source: SourceText, bom: int) -> YamlParseError:
    _pyyaml = pyyaml()
    if isinstance(exc, _pyyaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "; ".join(parts) or "invalid YAML"
        if "maximum nesting depth" in message:
            message = "document nested too deeply (libyaml allows at most 1000 nested block or flow levels)"
        if mark is not None:
            line, col = source.position(mark.index + bom)
            return YamlParseError(message, line, col)
        return YamlParseError(message)
    if isinstance(exc, _pyyaml.reader.ReaderError):
        offset = exc.position
        if _C_LOADER:  # libyaml reports a byte offset into the UTF-8 text
            offset = len(source.text.encode("utf-8", "surrogatepass")[:offset].decode("utf-8", "ignore"))
        line, col = source.position(offset)
        return YamlParseError(f"unacceptable character #x{exc.character:04x}: {exc.reason}"
                              if isinstance(exc.character, int) else str(exc), line, col)
    return YamlParseError(str(exc) or type(exc).__name__)


def load_documents(source: SourceText) -> list[YamlDocument]:
    """Every document of the stream (empty ones included, with root None)."""
    text = source.text
    try:
        if NATIVE and _native is not None:
            if source._starts is None:  # the spans made below need the line index
                source._starts = _native.line_starts(text)
            bom = 1 if text.startswith("\ufeff") else 0  # libyaml does not count it
            documents = _native.compose(
                text.encode("utf-8"), text, _FAST_SPANS and _text_marks_agree(text, bom), bom,
                source.span, source.position, FIRST_CHARS,
                STR_TAG,  # a quoted scalar's, and a plain one's whose first character has no implicit resolver
            )
            if documents is not None:
                return documents
            # where the system's libyaml may read it otherwise than PyYAML's: PyYAML's reads it
        pyyaml()
        bom = 1 if _C_LOADER and text.startswith("\ufeff") else 0
        loader = _Loader(text)
    except UnicodeEncodeError as exc:  # lone surrogates
        line, col = source.position(exc.start)
        raise YamlParseError("text is not valid Unicode", line, col) from None
    try:
        return _Composer(source, loader, bom, _FAST_SPANS and _marks_agree(text, bom)).compose()
    except YamlParseError:
        raise
    except RecursionError:  # pure-Python fallback only: libyaml limits nesting itself
        raise YamlParseError(f"document nested too deeply (more than {MAX_DEPTH} levels)") from None
    except _pyyaml.YAMLError as exc:  # (imported above)
        raise _error_from(exc, source, bom) from None
    finally:
        loader.dispose()


def _marks_agree(text: str, bom: int) -> bool:
    r"""libyaml's own line/column agree with SourceText's unless the text has line breaks other
    than \n and \r\n (or a BOM, which libyaml does not count), or does not end with a line
    break (libyaml then puts the end-of-stream mark on a line of its own, so an empty node at
    the end of `key: ?` would sit on a line that does not exist). The C composer is told the
    first part only, and takes the span of a node with a mark at the end from SourceText."""
    return _C_LOADER and _text_marks_agree(text, bom) and text.endswith("\n")


def _text_marks_agree(text: str, bom: int) -> bool:
    """libyaml's marks agree with SourceText's inside the text (see `_marks_agree`)."""
    return (
        not bom
        and "\x85" not in text
        and "\u2028" not in text
        and "\u2029" not in text
        and ("\r" not in text or text.count("\r") == text.count("\r\n"))  # (one scan where there is no \r: most files)
    )


def _fail(code: str, anchor: str | None, offset: int, position) -> NoReturn:
    """The composer's own errors (both composers'), at `offset`."""
    line, col = position(offset)
    if code == "undefined":
        message = f"found undefined alias {anchor!r}"
    elif code == "recursive":
        message = f"recursive alias {anchor!r}: the anchored node contains its own alias"
    else:
        message = f"document nested too deeply (more than {MAX_DEPTH} levels)"
    raise YamlParseError(message, line, col)


def _add_merge(merges: list[MappingNode] | None, value: Node) -> list[MappingNode] | None:
    """The merge sources of a mapping after one more `<<: value`. Earlier mappings win, in a
    list (YAML merge spec) and across repeated `<<` keys."""
    if type(value) is MappingNode:
        sources = [value]
    elif type(value) is SequenceNode:
        sources = [item for item in value.items if type(item) is MappingNode]
    else:
        return merges  # `<<: scalar` is invalid; ignored
    return (merges or []) + sources


def _finish_merges(node: MappingNode, merges: list[MappingNode], work: int, start: int, position) -> int:
    """Give a complete mapping its merge sources and build its index now, so that lookups never
    recurse. Each merged mapping copies its sources' entries: a chain of mappings that merge the
    previous one copies quadratically many (a 1 MB file would need tens of GB), so the copying
    has a budget, like alias expansion. Returns the entries copied so far in the stream."""
    work += len(node.pairs) + sum(len(m._idx()) for m in merges)
    if work > DEFAULT_BUDGET:
        line, col = position(start)
        raise YamlParseError(f"merge keys (<<) expand to more than {DEFAULT_BUDGET:,} entries", line, col)
    node._merges = merges
    node._idx()
    return work


# tag of a plain scalar, by value: the resolver depends on nothing else
_RESOLVE_CACHE: dict[str, str] = {}
_WS = " \t\r\n\x85\u2028\u2029"


class _Frame:
    __slots__ = ("node", "last", "pending_key", "merges")

    def __init__(self, node):
        self.node = node
        self.last: Span | None = None  # span of the last child occurrence (an alias's own)
        self.pending_key = _UNSET
        self.merges = None


class _Composer:
    def __init__(self, source: SourceText, loader, bom: int, fast: bool):
        self.source = source
        self.loader = loader
        self.bom = bom
        self.fast = fast

    def compose(self) -> list[YamlDocument]:
        loader = self.loader
        source = self.source
        text = source.text
        bom = self.bom
        span_of = source.span
        position = source.position
        fast = self.fast
        resolve = loader.resolve
        resolve_cache = _RESOLVE_CACHE
        _EV = _pyyaml.events  # (imported: the loader is PyYAML's)
        ScalarEvent = _EV.ScalarEvent
        MappingStartEvent = _EV.MappingStartEvent
        SequenceStartEvent = _EV.SequenceStartEvent
        MappingEndEvent = _EV.MappingEndEvent
        SequenceEndEvent = _EV.SequenceEndEvent
        AliasEvent = _EV.AliasEvent
        DocumentStartEvent = _EV.DocumentStartEvent
        DocumentEndEvent = _EV.DocumentEndEvent
        StreamEndEvent = _EV.StreamEndEvent
        PyScalarNode = _pyyaml.ScalarNode

        documents: list[YamlDocument] = []
        stack: list[_Frame] = []
        anchors: dict[str, Node] = {}
        open_ids: set[int] = set()  # collections still being composed (for recursive aliases)
        merge_work = 0  # entries copied into merged mappings' indexes
        opaque: list[tuple[int, int]] = []
        root: Node | None = None
        doc_start = 0
        doc_marker_line: int | None = None

        get_event = loader.get_event
        while True:
            event = get_event()
            etype = type(event)
            if etype is ScalarEvent:
                sm = event.start_mark
                em = event.end_mark
                style = event.style or None
                tag = event.tag
                value = event.value
                if tag is None or tag == "!":
                    if event.implicit[0]:
                        tag = resolve_cache.get(value)
                        if tag is None:
                            tag = resolve(PyScalarNode, value, (True, False))
                            if len(value) < 100 and len(resolve_cache) < 50_000:
                                resolve_cache[value] = tag
                    else:
                        tag = resolve(PyScalarNode, value, event.implicit)
                if style is None:
                    if fast:
                        span = new_span(sm.index, em.index, sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                    else:
                        span = span_of(sm.index + bom, em.index + bom)
                else:
                    start = sm.index + bom
                    end = em.index + bom
                    if style in "|>":
                        end = self._trim_end(text, start, end)
                        span = span_of(start, end)
                    elif fast:
                        span = new_span(start, end, sm.line + 1, sm.column + 1, em.line + 1, em.column + 1)
                    else:
                        span = span_of(start, end)
                    opaque.append((start, end))
                node = ScalarNode(span, tag, value, style, event.anchor)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                occ = span
            elif etype is AliasEvent:
                node = anchors.get(event.anchor)
                if node is None:
                    _fail("undefined", event.anchor, event.start_mark.index + bom, position)
                if id(node) in open_ids:
                    _fail("recursive", event.anchor, event.start_mark.index + bom, position)
                occ = span_of(event.start_mark.index + bom, event.end_mark.index + bom)
            elif etype is MappingStartEvent or etype is SequenceStartEvent:
                sm = event.start_mark
                if len(stack) >= MAX_DEPTH:
                    _fail("depth", None, sm.index + bom, position)
                if fast:
                    span = new_span(sm.index, sm.index, sm.line + 1, sm.column + 1, sm.line + 1, sm.column + 1)
                else:
                    start = sm.index + bom
                    span = span_of(start, start)
                tag = event.tag
                flow = bool(event.flow_style)
                if etype is MappingStartEvent:
                    if tag is None or tag == "!":
                        tag = MAP_TAG
                    node = MappingNode(span, tag, [], flow, event.anchor)
                else:
                    if tag is None or tag == "!":
                        tag = SEQ_TAG
                    node = SequenceNode(span, tag, [], flow, event.anchor)
                if event.anchor is not None:
                    anchors[event.anchor] = node
                open_ids.add(id(node))
                stack.append(_Frame(node))
                continue
            elif etype is MappingEndEvent or etype is SequenceEndEvent:
                frame = stack.pop()
                node = frame.node
                open_ids.discard(id(node))
                s0 = node.span
                if node.flow:
                    em = event.end_mark
                    if fast:
                        span = new_span(s0.start, em.index, s0.line, s0.col, em.line + 1, em.column + 1)
                    else:
                        span = span_of(s0.start, em.index + bom)
                else:
                    last = frame.last
                    if last is None or last.end < s0.start:
                        span = s0
                    else:
                        span = new_span(s0.start, last.end, s0.line, s0.col, last.end_line, last.end_col)
                node.span = span
                if frame.merges is not None:
                    merge_work = _finish_merges(node, frame.merges, merge_work, s0.start, position)
                occ = span
            elif etype is DocumentStartEvent:
                anchors = {}
                opaque = []
                root = None
                doc_start = event.start_mark.index + bom
                doc_marker_line = position(doc_start)[0] if event.explicit else None
                continue
            elif etype is DocumentEndEvent:
                if type(root) is ScalarNode and root.tag == NULL_TAG and root.value == "" and root.style is None:
                    root = None  # empty document
                if root is not None:
                    start = min(doc_start, root.span.start)
                    end = root.span.end
                else:
                    start = end = doc_start
                if event.explicit:
                    end = max(end, event.end_mark.index + bom)
                documents.append(YamlDocument(len(documents), root, span_of(start, end), doc_marker_line, opaque))
                continue
            elif etype is StreamEndEvent:
                return documents
            else:  # StreamStartEvent
                continue

            # attach `node` (this occurrence spans `occ`) to its parent
            if not stack:
                root = node
                continue
            frame = stack[-1]
            parent = frame.node
            frame.last = occ
            if type(parent) is SequenceNode:
                parent.items.append(node)
            elif frame.pending_key is _UNSET:
                frame.pending_key = node
            else:
                key = frame.pending_key
                frame.pending_key = _UNSET
                parent.pairs.append((key, node))
                if type(key) is ScalarNode and key.tag == MERGE_TAG:
                    frame.merges = _add_merge(frame.merges, node)

    @staticmethod
    def _trim_end(text: str, start: int, end: int) -> int:
        """Block scalars: libyaml's end mark runs over trailing blank lines."""
        return max(start + 1, start + len(text[start:end].rstrip(_WS)))


def _native_setup() -> dict:
    """What the C composer is set up with: this module's types, constants and hooks."""
    return {
        "Span": Span, "ScalarNode": ScalarNode, "MappingNode": MappingNode, "SequenceNode": SequenceNode,
        "YamlDocument": YamlDocument, "UNSET": _UNSET, "MERGE_TAG": MERGE_TAG, "NULL_TAG": NULL_TAG,
        "MAP_TAG": MAP_TAG, "SEQ_TAG": SEQ_TAG, "NATIVE_DEPTH": _NATIVE_DEPTH,
        "resolve_plain": resolve_plain,
        "resolve_cache": _RESOLVE_CACHE,
        "fail": _fail, "add_merge": _add_merge, "finish_merges": _finish_merges,
    }


def _native_composer():
    """The composer in C (`_yamlcompose.c`, built where libyaml's headers are), set up; None
    where it was not built (the Python composer then)."""
    try:
        from dockerlint.parse import _yamlcompose
    except ImportError:
        return None
    _yamlcompose.setup(_native_setup())
    return _yamlcompose


# The C composer reads the text with the system's libyaml (0.2.5 on Debian 12), PyYAML with the
# one in its wheel, which has two changes since: a limit of 1000 nested levels, and `[? a]`
# read right. Where the two could differ, the C composer hands the text back (None) and PyYAML
# composes it: on any libyaml error, from 900 nested collections, at a mapping of one pair in
# a flow sequence. Nothing else in libyaml's parser changed between them.
_NATIVE_DEPTH = 900
_native = _native_composer()
NATIVE = True  # compose in C when it was built (tests turn it off to compare the two)


# --------------------------------------------------------------------------------------------
# Walking


def to_python(node: Node | None, budget: int = DEFAULT_BUDGET) -> Any:
    """Plain Python data (dict/list/scalars) as `yaml.safe_load` would give, merge keys
    resolved. Every node produced counts against `budget` (aliases count each time they are
    expanded): past it, YamlParseError("document too large after alias expansion")."""
    if node is None:
        return None
    count = 0

    def convert(n: Node) -> tuple[Any, bool]:
        # returns (value, needs_fill)
        t = type(n)
        if t is ScalarNode:
            return n.py, False
        if t is MappingNode:
            return {}, True
        return [], True

    value, fill = convert(node)
    count = 1
    work: list[tuple[Node, Any]] = [(node, value)] if fill else []
    while work:
        n, target = work.pop()
        if type(n) is MappingNode:
            for k in n.pairs:
                if type(k[0]) is not ScalarNode:
                    raise YamlParseError("found unhashable key (a mapping or sequence used as a key)",
                                         k[0].span.line, k[0].span.col)
            # without merge keys, the pairs as written (a repeated key: the last value, in the
            # first one's place, as with the merged index) without building that index
            for kn, vn in (n.items() if n._merges else n.pairs):
                if kn.tag == MERGE_TAG:
                    continue  # `<<: scalar` (the index leaves it out too)
                count += 1
                if count > budget:
                    raise YamlParseError("document too large after alias expansion")
                v, f = convert(vn)
                key = kn.py
                try:
                    target[key] = v
                except TypeError:
                    raise YamlParseError("found unhashable key", kn.span.line, kn.span.col) from None
                if f:
                    work.append((vn, v))
        else:
            for item in n.items:
                count += 1
                if count > budget:
                    raise YamlParseError("document too large after alias expansion")
                v, f = convert(item)
                target.append(v)
                if f:
                    work.append((item, v))
    return value


def iter_nodes(node: Node | None) -> Iterator[Node]:
    """Every distinct node reachable from `node` once (aliases are not re-entered), depth
    first in document order, without recursion. Merge keys are not resolved: this walks what
    is written."""
    return _walk(node, True)


def iter_collections(node: Node | None) -> Iterator[MappingNode | SequenceNode]:
    """`iter_nodes` without the scalars (most of a manifest, never pushed here): every distinct
    mapping and sequence reachable from `node`, depth first in document order."""
    return _walk(node, False)


def _walk(node: Node | None, scalars: bool) -> Iterator[Node]:
    if node is None or (not scalars and type(node) is ScalarNode):
        return
    seen: set[int] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n
        t = type(n)
        if t is MappingNode:
            for k, v in reversed(n.pairs):
                if scalars or type(v) is not ScalarNode:
                    stack.append(v)
                if scalars or type(k) is not ScalarNode:
                    stack.append(k)
        elif t is SequenceNode:
            stack.extend(reversed(n.items) if scalars else [item for item in reversed(n.items) if type(item) is not ScalarNode])


# --------------------------------------------------------------------------------------------
# Comments

_BLOCK_INDICATOR = re.compile(r"(?:^|[\s:\-?])[|>][+-]?[1-9]?[+-]?[ \t]*(?:#.*)?$")


def comment_lines(source: SourceText, documents: list[YamlDocument] | None = None) -> list[Comment]:
    """Every `#` comment: (line, col of '#', text after '#', stripped).

    A '#' starts a comment at the start of a line or after whitespace. With `documents` (from
    `load_documents` on the same source) this is exact: a '#' inside a quoted or block scalar
    is not a comment. Without them (e.g. the text did not parse) quotes on one line and block
    scalars are recognised approximately.
    """
    text = source.text
    result: list[Comment] = []
    if documents is not None:
        ranges = sorted(r for d in documents for r in d.opaque_ranges)
        starts = [r[0] for r in ranges]
        for match in re.finditer(r"(?:^|(?<=[ \t]))#", text, re.M):
            pos = match.start()
            i = bisect.bisect_right(starts, pos) - 1
            if i >= 0 and ranges[i][0] <= pos < ranges[i][1]:
                continue
            line, col = source.position(pos)
            # only the first comment on a line counts: the rest is its text
            if result and result[-1].line == line:
                continue
            end = text.find("\n", pos)
            body = text[pos + 1: end if end >= 0 else len(text)]
            result.append(Comment(line, col, body.strip()))
        return result

    block_indent: int | None = None  # indentation of the line that opened a block scalar
    for lineno, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                continue
            block_indent = None
        col = _comment_col(line)
        if col is not None:
            result.append(Comment(lineno, col + 1, line[col + 1:].strip()))
            code = line[:col]
        else:
            code = line
        if _BLOCK_INDICATOR.search(code.rstrip()) and stripped and not stripped.startswith("#"):
            block_indent = indent
    return result


def _comment_col(line: str) -> int | None:
    quote = None
    prev = " "
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quote is not None:
            if ch == "\\" and quote == '"':
                i += 1  # skip the escaped character
            elif ch == quote:
                if quote == "'" and i + 1 < n and line[i + 1] == "'":
                    i += 1  # '' inside single quotes
                else:
                    quote = None
        elif ch in "'\"" and prev in " \t[{,:-?":
            quote = ch
        elif ch == "#" and prev in " \t":
            return i
        prev = ch
        i += 1
    return None


comments = comment_lines
