"""Shared pieces of the Compose rules (DC...): the file's services, interpolation, and the short
and long syntaxes of `ports`, `volumes`, `environment` and `security_opt`, with the YAML node of
each entry so rules report at the offending value.
"""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.rulekit.compose_model import Service, services
from dockerlint.images.reference import parse_image
from dockerlint.model import Span
from dockerlint.parse.yaml import MERGE_TAG, MappingNode, Node, ScalarNode, SequenceNode
from dockerlint.rulekit.patterns import lazy

# `${VAR}`, `${VAR:-default}`, `$VAR`; `$$` is a literal dollar
_INTERPOLATION = lazy(r"(?<!\$)\$(?:\{|[A-Za-z_])")


def compose_services(ctx) -> list[Service]:
    """Every service of the file, computed once and shared by all rules."""
    return ctx.cached("compose_services", lambda: services(ctx.model))


def scalar_text(node: Node | None) -> str | None:
    """The text of a non-null scalar as written (`22:22` stays a string, not YAML 1.1's 1342)."""
    if type(node) is ScalarNode and not node.is_null:
        return node.value
    return None


def interpolated(value: str | None) -> bool:
    return value is not None and bool(_INTERPOLATION.search(value))


def items(node: Node | None) -> list[Node]:
    return list(node.items) if type(node) is SequenceNode else []


def service_image(service: Service):
    """The parsed `image` of a service, with its node, when it is a plain (not interpolated) name."""
    node = service.image
    value = scalar_text(node)
    if not value or interpolated(value):
        return None, node
    return parse_image(value), node


# ---- ports --------------------------------------------------------------------------------------


@dataclass
class Port:
    """One entry of a service's `ports`, short or long syntax."""

    node: Node  # the entry (short syntax scalar, or long syntax mapping)
    host_ip: str | None
    published: str | None  # host port or range, None when Docker picks one
    target: str  # container port or range
    span_node: Node  # where to report

    @property
    def all_interfaces(self) -> bool:
        return self.host_ip in (None, "", "0.0.0.0", "::", "[::]")

    def targets(self) -> list[int]:
        """The container ports of this entry (a range expanded, at most 1000)."""
        first, _, last = self.target.partition("-")
        try:
            lo, hi = int(first), int(last or first)
        except ValueError:
            return []
        return list(range(lo, min(hi, lo + 999) + 1))


_SHORT_PORT = lazy(
    r"^(?:(?P<ip>\[[^\]]*\]|[^:\[\]]*):)??(?:(?P<published>[^:]*):)?(?P<target>[^:/]+)(?:/(?P<proto>\w+))?$"
)


def ports(service: Service) -> list[Port]:
    out = []
    for entry in items(service.node.get("ports")):
        if type(entry) is ScalarNode:
            value = (entry.value or "").strip()
            if not value or interpolated(value):
                continue
            m = _SHORT_PORT.match(value)
            if not m:
                continue
            ip = m.group("ip")
            published = m.group("published")
            if ip is not None and published is None:
                # `a:b` is HOST:CONTAINER, not IP:CONTAINER
                ip, published = None, ip
            out.append(Port(entry, ip, published or None, m.group("target"), entry))
        elif type(entry) is MappingNode:
            target = scalar_text(entry.get("target"))
            if not target or interpolated(target):
                continue
            published_node = entry.get("published")
            published = scalar_text(published_node)
            ip = scalar_text(entry.get("host_ip"))
            span = published_node if type(published_node) is ScalarNode else entry
            out.append(Port(entry, ip, published, target.split("/")[0], span))
    return out


# ---- volumes ------------------------------------------------------------------------------------


@dataclass
class Mount:
    """One entry of a service's `volumes`, short or long syntax."""

    node: Node
    source: str | None
    target: str | None
    read_only: bool
    span_node: Node  # the entry (short syntax) or the `source` value (long syntax)

    def source_span(self, source_text) -> "Span":
        """The source path itself: within a short-syntax entry, only the part before `:`."""
        span = self.span_node.span
        if type(self.node) is ScalarNode and self.source:
            start = span.start + (1 if source_text.text[span.start:span.start + 1] in "'\"" else 0)
            if source_text.text[start:start + len(self.source)] == self.source:
                return source_text.span(start, start + len(self.source))
        return span


def mounts(service: Service) -> list[Mount]:
    out = []
    for entry in items(service.node.get("volumes")):
        if type(entry) is ScalarNode:
            value = entry.value or ""
            parts = value.split(":")
            if len(parts) >= 2 and len(parts[0]) == 1 and parts[0].isalpha():  # C:\ on Windows
                parts = [parts[0] + ":" + parts[1]] + parts[2:]
            source = parts[0] if len(parts) >= 2 else None
            target = parts[1] if len(parts) >= 2 else parts[0]
            mode = parts[2] if len(parts) >= 3 else ""
            out.append(Mount(entry, source, target, "ro" in mode.split(","), entry))
        elif type(entry) is MappingNode:
            source_node = entry.get("source")
            ro = entry.get("read_only")
            out.append(
                Mount(
                    entry,
                    scalar_text(source_node),
                    scalar_text(entry.get("target")),
                    type(ro) is ScalarNode and ro.py is True,
                    source_node if type(source_node) is ScalarNode else entry,
                )
            )
    return out


# ---- environment --------------------------------------------------------------------------------


@dataclass
class EnvEntry:
    """One variable of a service's `environment`, with where its value is written."""

    name: str
    value: str | None  # None: taken from the shell (`- NAME` or `NAME:` with no value)
    node: Node  # the value node (map syntax) or the `NAME=value` item (list syntax)
    value_start: int  # offset of the value in the source, for a precise span
    value_end: int


def environment(service: Service, source_text: str) -> list[EnvEntry]:
    """`environment:` in map or list syntax. List items `NAME=value` give the value's offsets
    within the item, so a report can point at the value only (quotes excluded)."""
    env = service.node.get("environment")
    out = []
    if type(env) is MappingNode:
        for key, value in env.items():
            text = scalar_text(value)
            span = value.span if type(value) is ScalarNode and not value.is_null else key.span
            start, end = _unquoted(source_text, span.start, span.end)
            out.append(EnvEntry(key.value, text, value if text is not None else key, start, end))
    elif type(env) is SequenceNode:
        for item in env.items:
            if type(item) is not ScalarNode or not item.value:
                continue
            name, eq, value = item.value.partition("=")
            start, end = _unquoted(source_text, item.span.start, item.span.end)
            if eq:
                raw = source_text[start:end]
                at = raw.find("=")
                if at >= 0 and raw[: at] == name:  # written as-is: point at the value
                    start += at + 1
            out.append(EnvEntry(name.strip(), value if eq else None, item, start, end))
    return out


def _unquoted(text: str, start: int, end: int) -> tuple[int, int]:
    if end - start >= 2 and text[start] in "'\"" and text[end - 1] == text[start]:
        return start + 1, end - 1
    return start, end


# ---- fixes --------------------------------------------------------------------------------------


def remove_key_fix(ctx, service: Service, key: str, description: str, applicability=None):
    """A fix (unsafe unless told otherwise) deleting `key: value` from the service as written
    (its whole lines in block style, the entry and a comma in flow style). None when the key is
    only merged in from elsewhere (`<<: *defaults`): deleting it there would change other
    services too."""
    from dockerlint.fixers.yaml_edits import delete_pair
    from dockerlint.model import Applicability
    from dockerlint.rule import make_fix

    edit = delete_pair(ctx.source, service.node, key)
    return make_fix([edit], applicability or Applicability.UNSAFE, description) if edit is not None else None


def own_collection(service: Service, key: str) -> Node | None:
    """The value of `key` when it is written in the service itself and editing it changes only
    this service: None when it is missing, merged in (`<<: *defaults`), an alias (`*opts`) or
    anchored (`&opts`, its aliases would change too)."""
    found = None
    for k, v in service.node.pairs:
        if type(k) is ScalarNode and k.value == key and k.tag != MERGE_TAG:
            found = (k, v)
    if found is None:
        return None
    k, v = found
    if v.span.start < k.span.end or getattr(v, "anchor", None) is not None:
        return None
    return v
