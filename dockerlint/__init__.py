"""dockerlint: a linter with safe auto-fixes for Dockerfiles, Kubernetes manifests and Compose files."""
import os

__version__ = "0.1.0"


def user_cache_dir() -> str:
    """dockerlint's folder in the user's cache: $XDG_CACHE_HOME/dockerlint, else ~/.cache/dockerlint
    (the end-of-life snapshot, pinned digests, the rule index's stamp, compiled dataclass methods)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dockerlint")


from dockerlint import codecache  # noqa: E402 - before any module defines a dataclass

codecache.install()
