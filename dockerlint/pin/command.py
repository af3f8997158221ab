"""`dockerlint pin [PATH...]`: pin image tags to digests, resolved through the registry API.

The only dockerlint command that touches the network. For each `FROM` of a Dockerfile and
each `image:` of a Kubernetes manifest or Compose file that names a tag without a digest, it
asks the registry which manifest the tag points to (for a multi-arch image: the index, so
every platform keeps working) and rewrites `image:tag` to `image:tag@sha256:...`. For
`latest` (or no tag) it looks for a version tag with the same digest (`GET tags/list`, the
newest and most specific version first) and proposes `image:1.2.3@sha256:...` instead.

- Answers are cached in $XDG_CACHE_HOME/dockerlint/digests.json (else ~/.cache/dockerlint),
  keyed by registry/repository:tag, for `--cache-ttl` seconds (default a day).
- `--dry-run` / `--diff` print a unified diff and write nothing; otherwise files are written
  atomically (dockerlint.files.write_atomic), keeping their encoding.
- Plain http only for loopback registries and those named with `--insecure-registry`.
- A registry error is one clear line on stderr and exit status 2; files whose images all
  resolved are still pinned.

Imported on every CLI start (to add its arguments), so heavy imports live in the functions.
"""
from __future__ import annotations

import os
import re
import sys
import time
from dataclasses import dataclass, field

from dockerlint.images.reference import is_templated

DEFAULT_TTL = 24 * 3600
MAX_VERSION_CHECKS = 40
_VERSION_TAG = re.compile(r"^v?(\d+(?:\.\d+){0,3})$")


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or directories (default: .)")
    parser.add_argument("--dry-run", action="store_true", help="print a unified diff of what would change; write nothing")
    parser.add_argument("--diff", action="store_true", help="same as --dry-run")
    parser.add_argument("--insecure-registry", action="append", default=[], metavar="HOST:PORT", help="allow plain http for this registry (loopback registries always may)")
    parser.add_argument("--cache-ttl", type=int, default=DEFAULT_TTL, metavar="SECONDS", help=f"reuse cached digests this long (default {DEFAULT_TTL})")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write the digest cache")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS", help="per request (default 15)")
    parser.add_argument("--exclude", action="append", metavar="GLOB", help="skip paths matching these globs")


# ---- where images are written -------------------------------------------------------------

@dataclass
class ImageSite:
    """Where an image reference is written in a file."""

    path: str
    line: int
    start: int  # character offsets of the image text in the file
    end: int
    image: str


def dockerfile_sites(df, path: str) -> list[ImageSite]:
    from dockerlint.rulekit.analysis import stage_infos

    sites = []
    for info in stage_infos(df):
        if info.parent is not None or info.stage.image.lower() == "scratch" or "$" in info.stage.image:
            continue  # an earlier stage, scratch, or an ARG (pin the ARG's default by hand)
        word = next((w for w in info.stage.from_.words() if not w.value.startswith("--")), None)
        if word is None or word.text != word.value:
            continue  # quoted or escaped: leave it alone
        sites.append(ImageSite(path, word.span.line, word.span.start, word.span.end, word.value))
    return sites


def _scalar_site(path: str, text: str, node) -> ImageSite | None:
    if node is None or node.style in ("|", ">") or not node.value.strip() or is_templated(node.value):
        return None
    start, end = node.span.start, node.span.end
    raw = text[start:end]
    if raw[:1] in ("'", '"'):
        start, end = start + 1, end - 1
    if text[start:end] != node.value:
        return None  # escapes or folding: the text is not the value
    return ImageSite(path, node.span.line, start, end, node.value)


def yaml_sites(documents, text: str, path: str, kind) -> list[ImageSite]:
    from dockerlint.model import FileKind

    nodes = []
    if kind is FileKind.KUBERNETES:
        from dockerlint.rulekit.k8s_model import workloads

        for workload in workloads(documents):
            nodes += [c.image for c in workload.all_containers()]
    else:
        from dockerlint.rulekit.compose_model import services

        nodes += [s.image for s in services(documents)]
    sites = [_scalar_site(path, text, n) for n in nodes]
    return [s for s in sites if s is not None]


# ---- the cache ----------------------------------------------------------------------------

def cache_path() -> str:
    from dockerlint import user_cache_dir

    return os.path.join(user_cache_dir(), "digests.json")


class DigestCache:
    def __init__(self, path: str | None, ttl: int):
        self.path, self.ttl = path, ttl
        self.entries: dict[str, dict] = {}
        self.dirty = False
        if path and os.path.exists(path):
            import json

            try:
                with open(path, encoding="utf-8") as f:
                    data = json.load(f)
                self.entries = data.get("entries", {}) if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self.entries = {}  # a broken cache is just empty

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry and time.time() - entry.get("resolved_at", 0) <= self.ttl:
            return entry
        return None

    def put(self, key: str, **values) -> None:
        self.entries[key] = {**values, "resolved_at": int(time.time())}
        self.dirty = True

    def save(self) -> None:
        if not self.path or not self.dirty:
            return
        import json
        import tempfile

        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".digests-", dir=os.path.dirname(self.path))
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "entries": self.entries}, f, indent=1, sort_keys=True)
        os.replace(tmp, self.path)


# ---- resolving ----------------------------------------------------------------------------

@dataclass
class Pin:
    """An image reference and the digest-pinned text to write instead."""

    image: str  # as written
    new: str  # what to write instead
    digest: str
    note: str = ""


@dataclass
class Resolver:
    """Resolves tags to digests through a registry client and the digest cache."""

    client: object
    cache: DigestCache
    errors: list[str] = field(default_factory=list)

    def _digest(self, ref, tag: str) -> str:
        from dockerlint.pin.oci import registry_host, repository_path

        key = f"{registry_host(ref.registry)}/{repository_path(ref.registry, ref.repository)}:{tag}"
        hit = self.cache.get(key)
        if hit:
            return hit["digest"]
        resolved = self.client.resolve(ref.registry, ref.repository, tag)
        self.cache.put(key, digest=resolved.digest, media_type=resolved.media_type)
        return resolved.digest

    def _version_for(self, ref, digest: str) -> str | None:
        """A version tag (newest, most specific first) pointing at the same digest as `latest`."""
        from dockerlint.pin.oci import registry_host, repository_path

        key = f"{registry_host(ref.registry)}/{repository_path(ref.registry, ref.repository)}@{digest}#version"
        hit = self.cache.get(key)
        if hit is not None:
            return hit.get("tag")
        versions = []
        for tag in self.client.tags(ref.registry, ref.repository):
            m = _VERSION_TAG.match(tag)
            if m:
                versions.append((tuple(int(p) for p in m.group(1).split(".")), tag))
        versions.sort(reverse=True)  # (1,2,3) > (1,2) > (1,): newest first, the most specific first
        found = None
        for _numbers, tag in versions[:MAX_VERSION_CHECKS]:
            if self._digest(ref, tag) == digest:
                found = tag
                break
        self.cache.put(key, tag=found)
        return found

    def pin(self, image: str) -> Pin | None:
        import http.client

        from dockerlint.images.reference import parse_image
        from dockerlint.pin.oci import RegistryError

        ref = parse_image(image)
        if ref.digest is not None:
            return None
        tag = ref.tag or "latest"
        name = image.strip()
        if ref.tag:
            name = name[: -(len(ref.tag) + 1)]
        try:
            digest = self._digest(ref, tag)
            note = ""
            if tag == "latest":
                version = self._version_for(ref, digest)
                if version:
                    tag, note = version, f"`latest` is {version} (same digest)"
                else:
                    note = "no version tag shares `latest`'s digest"
        except RegistryError as e:
            self.errors.append(str(e))
            return None
        except (OSError, http.client.HTTPException, ValueError) as e:  # a broken connection mid-read
            self.errors.append(f"{ref.registry or 'docker.io'}/{ref.repository}:{tag}: {type(e).__name__}: {e}")
            return None
        return Pin(image, f"{name}:{tag}@{digest}", digest, note)


# ---- the command ----------------------------------------------------------------------------

def _targets(paths: list[str], exclude: list[str]):
    from dockerlint.discovery import discover

    candidates, _skipped = discover(paths or ["."], exclude)
    return candidates


def _sites_for(loaded) -> list[ImageSite] | None:
    """The image references of a loaded file; None for a kind whose text `pin` does not edit."""
    from dockerlint.model import FileKind

    if loaded.kind is FileKind.DOCKERFILE:
        return dockerfile_sites(loaded.model, loaded.path)
    if loaded.kind in (FileKind.KUBERNETES, FileKind.COMPOSE):
        return yaml_sites(loaded.model, loaded.source.text, loaded.path, loaded.kind)
    return None


def run(args) -> int:
    import difflib

    from dockerlint.files import encode_like, write_atomic
    from dockerlint.fix import apply_edits
    from dockerlint.loader import load_path
    from dockerlint.model import Edit, FileError
    from dockerlint.pin.oci import RegistryClient

    dry_run = args.dry_run or args.diff
    client = RegistryClient(insecure=set(args.insecure_registry), timeout=args.timeout)
    cache = DigestCache(None if args.no_cache else cache_path(), args.cache_ttl)
    resolver = Resolver(client, cache)
    status = 0
    pinned = 0
    for cand in _targets(args.paths, args.exclude or []):
        if cand.path == "-":
            print("dockerlint pin: stdin is not supported; name files", file=sys.stderr)
            status = 2
            continue
        loaded = load_path(cand.path, cand.kind)
        if loaded is None:
            continue
        if isinstance(loaded, FileError):  # unreadable or does not parse: reported, never a traceback
            print(loaded.describe(), file=sys.stderr)
            status = 2
            continue
        text = loaded.source.text
        sites = _sites_for(loaded)
        if sites is None:
            print(f"{cand.path}: pin edits Dockerfiles, Kubernetes manifests and Compose files; "
                  f"a {loaded.plugin.label} is skipped", file=sys.stderr)
            continue
        edits, failed = [], False
        before_errors = len(resolver.errors)
        for site in sites:
            result = resolver.pin(site.image)
            if result is None:
                continue
            edits.append(Edit(site.start, site.end, result.new))
            note = f" ({result.note})" if result.note else ""
            print(f"{cand.path}:{site.line}: {site.image} -> {result.new}{note}", file=sys.stderr)
        for message in resolver.errors[before_errors:]:
            print(f"{cand.path}: error: {message}", file=sys.stderr)
            failed = True
        if failed:
            status = 2
        if not edits:
            continue
        new_text = apply_edits(text, edits)
        if dry_run:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{cand.path}", f"b/{cand.path}"))
        else:
            write_atomic(cand.path, encode_like(new_text, loaded.encoding))
        pinned += len(edits)
    try:
        cache.save()
    except OSError as e:
        print(f"dockerlint pin: warning: cannot write the digest cache {cache.path}: {e}", file=sys.stderr)
    verb = "would pin" if dry_run else "pinned"
    print(f"dockerlint pin: {verb} {pinned} image reference{'s' if pinned != 1 else ''}", file=sys.stderr)
    return status
