"""What dockerlint knows about official base images (package data, dated, with sources)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dockerlint.images import ImageRef

SUITES = ("trixie", "bookworm", "bullseye", "buster", "stretch", "jessie")
LEAN_MARKERS = ("slim", "alpine", "distroless", "nonroot", "windowsservercore", "nanoserver", "busybox", "minimal", "static")


@lru_cache(maxsize=1)
def table() -> dict:
    text = resources.files("dockerlint").joinpath("data/images.json").read_text(encoding="utf-8")
    return json.loads(text)


def info(ref: ImageRef) -> dict | None:
    name = ref.official_name
    return table()["images"].get(name) if name else None


@dataclass
class SlimmerVariant:
    tag: str
    image: str  # full reference to recommend
    saved_mb: float | None
    source: str | None


def is_lean_tag(tag: str | None) -> bool:
    return tag is not None and any(m in tag for m in LEAN_MARKERS)


def slim_tag(style: str, tag: str | None) -> str | None:
    """The same-suite slim tag for a full tag, per the image's naming style."""
    tag = tag or "latest"
    if is_lean_tag(tag):
        return None
    suite = next((s for s in SUITES if tag == s or tag.endswith("-" + s)), None)
    version = tag[: -(len(suite) + 1)] if suite and tag != suite else ("" if suite else tag)
    if version == "latest":
        version = ""
    if style == "suite-slim":  # debian:bookworm -> bookworm-slim, debian:12 -> 12-slim
        base = suite or version
        return f"{base}-slim" if base else "stable-slim"
    if not re.fullmatch(r"[0-9][0-9A-Za-z.\-]*|", version):
        return None  # an unusual tag (e.g. `3.12-onbuild`): no confident mapping
    if style == "version-slim-suite":  # python:3.12-bookworm -> 3.12-slim-bookworm
        parts = [p for p in (version, "slim", suite) if p]
        return "-".join(parts)
    if style == "version-suite-slim":  # node:20-bookworm -> 20-bookworm-slim
        parts = [p for p in (version, suite, "slim") if p]
        return "-".join(parts)
    return None


def _size(data: dict, tag: str) -> tuple[float, str] | None:
    sizes = data.get("sizes", {})
    if tag in sizes:
        return sizes[tag][0], sizes[tag][1]
    # A major-version figure stands for its minors (python:3.12 ~ python:3), same variant.
    major = re.sub(r"^(\d+)(?:\.\d+)*", r"\1", tag)
    if major in sizes:
        return sizes[major][0], sizes[major][1]
    return None


def slimmer_variant(ref: ImageRef) -> SlimmerVariant | None:
    data = info(ref)
    if not data or "style" not in data or data["style"] == "jdk-to-jre":
        return None
    new_tag = slim_tag(data["style"], ref.tag)
    if new_tag is None:
        return None
    name = ref.text.split("@", 1)[0]
    if ref.tag:
        name = name[: -(len(ref.tag) + 1)]
    full = _size(data, ref.tag or "latest")
    slim = _size(data, new_tag)
    saved = round(full[0] - slim[0], 1) if full and slim else None
    return SlimmerVariant(new_tag, f"{name}:{new_tag}", saved, full[1] if saved is not None else None)
