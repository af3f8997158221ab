"""Container image references: `[registry[:port]/]path[:tag][@digest]`, as Docker reads them."""
from __future__ import annotations

from dockerlint.rulekit.patterns import lazy
from dataclasses import dataclass

# Helm/Kustomize/envsubst/shell placeholders: the real image is only known later
_TEMPLATED = lazy(r"\{\{|\$\{|\$\(|^\$[A-Za-z_]")
_DIGEST = lazy(r"^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class ImageRef:
    """An image reference split into registry, repository, tag and digest."""

    text: str  # as given
    registry: str | None  # "ghcr.io", "localhost:5000"; None for Docker Hub
    repository: str  # "library/python" style path without registry ("python" stays "python")
    tag: str | None
    digest: str | None

    @property
    def name(self) -> str:
        """Registry and repository, no tag or digest."""
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    @property
    def short_name(self) -> str:
        """The last path component: `python` for `docker.io/library/python`."""
        return self.repository.rsplit("/", 1)[-1]

    @property
    def is_docker_hub(self) -> bool:
        return self.registry in (None, "docker.io", "index.docker.io", "registry-1.docker.io")

    @property
    def official_name(self) -> str | None:
        """`python` for python / library/python / docker.io/library/python; None otherwise."""
        if not self.is_docker_hub:
            return None
        repo = self.repository
        if repo.startswith("library/"):
            repo = repo[len("library/") :]
        return None if "/" in repo else repo


def parse_image(text: str) -> ImageRef:
    ref = text.strip()
    digest = None
    if "@" in ref:
        ref, digest = ref.split("@", 1)
    registry = None
    first, sep, rest = ref.partition("/")
    if sep and ("." in first or ":" in first or first == "localhost"):
        registry, ref = first, rest
    tag = None
    last_slash = ref.rfind("/")
    colon = ref.rfind(":")
    if colon > last_slash:
        ref, tag = ref[:colon], ref[colon + 1 :]
    return ImageRef(text, registry, ref, tag or None, digest or None)


def has_valid_digest(ref: ImageRef) -> bool:
    return ref.digest is not None and bool(_DIGEST.match(ref.digest))


def is_templated(text: str | None) -> bool:
    """Is this image text a placeholder (`{{ .Values.image }}`, `${IMAGE}`, `$(IMG)`, `$IMG`)?"""
    return text is not None and bool(_TEMPLATED.search(text))


def literal_image(text: str | None) -> str | None:
    """The image text when it names a concrete image (not empty, not templated), else None."""
    if not text or not text.strip() or is_templated(text):
        return None
    return text


def written_forms(text: str) -> list[str]:
    """The ways one image may be written, the text as given first: `python:3.12` is also
    `library/python:3.12`, `docker.io/library/python:3.12`, `docker.io/python:3.12`, and each
    without its tag (`latest` when none is written) and with the digest when there is one."""
    ref = parse_image(text)
    names = [ref.name]
    if ref.is_docker_hub:
        repo = ref.repository if "/" in ref.repository else f"library/{ref.repository}"
        short = repo[len("library/"):] if repo.startswith("library/") else repo
        names += [short, repo, f"docker.io/{repo}", f"docker.io/{short}"]
    out = [text.strip()]
    for name in dict.fromkeys(names):
        tagged = f"{name}:{ref.tag or 'latest'}"
        out += [tagged, name]
        if ref.digest:
            out += [f"{tagged}@{ref.digest}", f"{name}@{ref.digest}"]
    return list(dict.fromkeys(out))


def moving_tag_problem(text: str | None, puller: str) -> str | None:
    """What is wrong with an image reference a runtime (`puller`: "Kubernetes", "ECS", ...)
    pulls by a moving tag, or None when it is pinned (a version tag or a digest) or unknown."""
    if literal_image(text) is None:
        return None
    ref = parse_image(text)
    if ref.digest is not None:
        return None
    if ref.tag is None:
        return f"has no tag ({puller} pulls `latest`)"
    if ref.tag == "latest":
        return "uses the `latest` tag"
    return None
