"""What dockerlint knows about base images (package data, dated, every figure with its source).

`data/images.json` holds official Docker Hub images under `images` (by official name) and a
few images from other registries under `registries` (by `registry/repository`). Everything
here is offline: sizes are figures read from docker-library/repo-info, not measurements.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dockerlint.images.reference import ImageRef
from dockerlint.rulekit.patterns import lazy

SUITES = ("trixie", "bookworm", "bullseye", "buster", "stretch", "jessie")
LEAN_MARKERS = ("slim", "alpine", "distroless", "nonroot", "windowsservercore", "nanoserver", "busybox", "minimal", "static", "chiseled", "jre")
_JDK_TAG = lazy(r"^(?P<version>\d[\w.+]*?)?(?:-?jdk)?(?P<rest>(?:-[a-z][\w.]*)*)$")


@lru_cache(maxsize=1)
def table() -> dict:
    text = (Path(__file__).parents[1] / "data" / "images.json").read_text(encoding="utf-8")
    return json.loads(text)


def info(ref: ImageRef) -> dict | None:
    """The entry of an official Docker Hub image (`python`, `library/python`, `docker.io/library/python`)."""
    name = ref.official_name
    return table()["images"].get(name) if name else None


def lookup(ref: ImageRef) -> tuple[str, dict] | None:
    """(key, entry) for an official image or a known image of another registry."""
    name = ref.official_name
    if name and name in table()["images"]:
        return name, table()["images"][name]
    key = ref.name.lower()
    entry = table().get("registries", {}).get(key)
    return (key, entry) if entry is not None else None


def source(key: str) -> str:
    """The full description of a source key (`repo-info:python/3` → the file and commit read)."""
    return table()["_sources"].get(key, key)


def short_source(key: str) -> str:
    """A short label for messages: `docker-library/repo-info` or `distroless README`."""
    if key.startswith("repo-info"):
        return "docker-library/repo-info, amd64"
    if key.startswith("distroless"):
        return "distroless README"
    return key


@dataclass
class SlimmerVariant:
    """A smaller variant of an image to suggest, with the size it saves."""

    tag: str
    image: str  # full reference to recommend
    saved_mb: float | None
    source: str | None  # a short label of the figures' source, for messages
    kind: str = "slim"  # "slim" (same release, slim variant) or "jre" (JDK -> JRE)
    full_mb: float | None = None
    slim_mb: float | None = None
    sources: tuple[str, ...] = ()  # source keys of both figures
    figure_tags: tuple[str, str] | None = None  # the tags the two figures are for (`3`, `3-slim`)
    floating: bool = False  # the original tag was `latest` or none: the new one names a release


@dataclass
class Alternative:
    """Another base image family to consider, with its caveat."""

    kind: str  # "alpine", "distroless", "chainguard"
    image: str
    caveat: str


def is_lean_tag(tag: str | None) -> bool:
    return tag is not None and any(m in tag for m in LEAN_MARKERS)


def _split_suite(tag: str) -> tuple[str, str | None]:
    """`3.12-bookworm` → ("3.12", "bookworm"); `bookworm` → ("", "bookworm"); `latest` → ("", None)."""
    suite = next((s for s in SUITES if tag == s or tag.endswith("-" + s)), None)
    version = tag[: -(len(suite) + 1)] if suite and tag != suite else ("" if suite else tag)
    if version == "latest":
        version = ""
    return version, suite


def slim_tag(style: str, tag: str | None) -> str | None:
    """The same-suite slim tag for a full tag, per the image's naming style."""
    tag = tag or "latest"
    if is_lean_tag(tag):
        return None
    if style == "jdk-to-jre":
        return jre_tag(tag)
    version, suite = _split_suite(tag)
    if style == "suite-slim":  # debian:bookworm -> bookworm-slim, debian:12 -> 12-slim
        base = suite or version
        return f"{base}-slim" if base else "stable-slim"
    if not re.fullmatch(r"[0-9][0-9A-Za-z.\-]*|", version):
        return None  # an unusual tag (e.g. `3.12-onbuild`): no confident mapping
    if style == "version-slim-suite":  # python:3.12-bookworm -> 3.12-slim-bookworm
        return "-".join(p for p in (version, "slim", suite) if p)
    if style == "version-suite-slim":  # node:20-bookworm -> 20-bookworm-slim
        return "-".join(p for p in (version, suite, "slim") if p)
    return None


def jre_tag(tag: str | None) -> str | None:
    """eclipse-temurin: `21` / `21-jdk` → `21-jre`; `21-jdk-noble` → `21-jre-noble`; `latest` → `jre`."""
    tag = tag or "latest"
    if tag == "latest":
        return "jre"
    if "jre" in tag or "alpine" in tag or "windows" in tag or "nanoserver" in tag:
        return None
    m = re.fullmatch(r"(?P<version>\d[\w.+]*?)(?:-jdk)?(?P<rest>(?:-[a-z][a-z0-9.]*)*)", tag)
    if not m:
        return None
    return f"{m.group('version')}-jre{m.group('rest')}"


def _normalise_size_tag(key: str, tag: str) -> str:
    if key == "eclipse-temurin" and re.fullmatch(r"\d+", tag):
        return f"{tag}-jdk"  # `21` is the same image as `21-jdk`
    return tag


def size(data: dict, tag: str, key: str = "") -> tuple[float, str] | None:
    """(MB, source key) for a tag, or for the same variant of its major version."""
    found = size_of(data, tag, key)
    return (found[0], found[1]) if found else None


def size_of(data: dict, tag: str, key: str = "") -> tuple[float, str, str] | None:
    """(MB, source key, the tag the figure is for): the tag's own figure, or that of the same
    variant of its major version (python:3.12 ~ python:3), which messages must then name."""
    sizes = data.get("sizes", {})
    tag = _normalise_size_tag(key, tag or "latest")
    if tag in sizes:
        return sizes[tag][0], sizes[tag][1], tag
    major = re.sub(r"^(\d+)(?:\.\d+)*", r"\1", tag)
    if major in sizes:
        return sizes[major][0], sizes[major][1], major
    return None


def current_release(key: str) -> str | None:
    """The release a floating tag of this image is replaced with (see images.json `current`)."""
    return table().get("current", {}).get("images", {}).get(key)


def _name_without_tag(ref: ImageRef) -> str:
    name = ref.text.strip().split("@", 1)[0]
    if ref.tag:
        name = name[: -(len(ref.tag) + 1)]
    return name


def slimmer_variant(ref: ImageRef) -> SlimmerVariant | None:
    found = lookup(ref)
    if found is None:
        return None
    key, data = found
    style = data.get("style")
    if style is None:
        return None
    tag = ref.tag
    floating = tag in (None, "latest")
    if floating:
        # `node` / `node:latest` moves with every release: name the current release instead,
        # so the suggestion pins something and its figures are for that release.
        tag = current_release(key)
        if tag is None:
            return None
    new_tag = slim_tag(style, tag)
    if new_tag is None:
        return None
    full = size_of(data, tag, key)
    slim = size_of(data, new_tag, key)
    saved = round(full[0] - slim[0], 1) if full and slim else None
    return SlimmerVariant(
        new_tag,
        f"{_name_without_tag(ref)}:{new_tag}",
        saved,
        short_source(full[1]) if saved is not None else None,
        "jre" if style == "jdk-to-jre" else "slim",
        full[0] if full else None,
        slim[0] if slim else None,
        (full[1], slim[1]) if full and slim else (),
        (full[2], slim[2]) if full and slim else None,
        floating,
    )


def _version(tag: str | None) -> str:
    version, _suite = _split_suite(tag or "latest")
    m = re.match(r"\d[\d.]*", version)
    return m.group(0) if m else ""


def alternatives(ref: ImageRef) -> list[Alternative]:
    """Alpine, distroless and Chainguard options for an image, each with its caveat."""
    found = lookup(ref)
    if found is None:
        return []
    key, data = found
    out: list[Alternative] = []
    version = _version(ref.tag)
    major = version.split(".")[0] if version else ""
    name = _name_without_tag(ref)
    if data.get("alpine"):
        if key == "eclipse-temurin":
            tag = f"{major}-jre-alpine" if major else "jre-alpine"
        else:
            tag = f"{version}-alpine" if version else "alpine"
        out.append(Alternative("alpine", f"{name}:{tag}", "musl libc: glibc-only binaries and wheels do not load"))
    distroless = data.get("distroless")
    if distroless:
        if key == "node" and major in ("20", "22", "24"):
            distroless = f"gcr.io/distroless/nodejs{major}-debian12"
        if key == "eclipse-temurin" and major in ("17", "21"):
            distroless = f"gcr.io/distroless/java{major}-debian12"
        caveat = "no shell or package manager: exec-form CMD/ENTRYPOINT only; runs as uid 65532"
        if key == "python":
            caveat += "; its python3 is Debian's, not python.org's" + (f" {version}" if version else "")
        out.append(Alternative("distroless", f"{distroless}:nonroot", caveat))
    if data.get("chainguard"):
        out.append(Alternative("chainguard", f"{data['chainguard']}:latest", "Wolfi-based; the free tier publishes `latest` only, no version tags"))
    return out


def deprecation(ref: ImageRef) -> str | None:
    found = lookup(ref)
    return found[1].get("deprecated") if found else None


@dataclass(frozen=True)
class RuntimeUser:
    """A numeric user an image runs as (`default`) or supports (the user exists; the image
    itself runs as root)."""

    uid: int
    gid: int | None
    default: bool
    image: str  # the key of the knowledge-base entry that matched
    source: str  # the source key of the fact

    def describe(self) -> str:
        ids = f"uid {self.uid}" + (f", gid {self.gid}" if self.gid is not None else "")
        return f"{'runs as' if self.default else 'has a non-root user,'} {ids}"


def _matching(section: str, ref: ImageRef):
    """(key, entry) of the first entry of a `run_as`-style section that matches the image."""
    name = ref.repository if ref.is_docker_hub else ref.name.lower()
    if ref.is_docker_hub and name.startswith("library/"):
        name = name[len("library/") :]
    tag = ref.tag or "latest"
    for key, entry in table().get(section, {}).get("images", {}).items():
        if key.startswith("_"):
            continue
        matched = name.startswith(key) if key.endswith("/") else name == key
        if not matched or name in entry.get("except", ()):
            continue
        if "tags" in entry and not any(t in tag for t in entry["tags"]):
            continue
        if any(t in tag for t in entry.get("not_tags", ())):
            continue
        return key, entry
    return None


def runtime_user(ref: ImageRef) -> RuntimeUser | None:
    """The numeric non-root user an image is known to run as or support, else None."""
    found = _matching("run_as", ref)
    if found is None:
        return None
    key, entry = found
    return RuntimeUser(entry["uid"], entry.get("gid"), bool(entry.get("default")), key, entry.get("source", ""))


def exposed_ports(ref: ImageRef) -> list[int] | None:
    """The TCP ports the image's Dockerfile EXPOSEs, when known."""
    found = _matching("expose", ref)
    return list(found[1]["ports"]) if found is not None else None


def starts_as_root(ref: ImageRef) -> str | None:
    """How the image's server starts as root and drops privileges itself, when known."""
    found = _matching("starts_as_root", ref)
    return found[1]["how"] if found is not None else None
