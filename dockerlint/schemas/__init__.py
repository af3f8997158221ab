"""Schema validation: bundled Kubernetes schemas per minor version, CRDs, the Compose spec.

The data is loaded lazily (nothing here is imported unless a schema rule runs) and each
(version, type) validator is compiled once, on first use, into closures (`k8s.py`).
"""
from __future__ import annotations

import json
import os
from functools import lru_cache

# package data read by path (importlib.resources' traversal costs tens of ms at start-up)
_K8S_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "k8s")


@lru_cache(maxsize=1)
def kubernetes_versions() -> tuple[str, ...]:
    """Bundled minor versions, oldest first: ("1.32", ..., "1.37")."""
    names = [name[: -len(".json.gz")] for name in os.listdir(_K8S_DIR) if name.endswith(".json.gz")]
    return tuple(sorted(names, key=version_key))


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def newest_kubernetes_version() -> str:
    return kubernetes_versions()[-1]


def resolve_version(requested: str | None) -> str:
    """The bundled version to validate against: `requested` ("1.34", "v1.34", "1.34.2"), or the
    newest bundled one. A version newer than the newest bundled uses the newest; older than
    the oldest is an error (the caller checks with `check_version`)."""
    if not requested:
        return newest_kubernetes_version()
    minor = ".".join(requested.lstrip("vV").split(".")[:2])
    versions = kubernetes_versions()
    if minor in versions:
        return minor
    if version_key(minor) > version_key(versions[-1]):
        return versions[-1]
    return versions[0]


def check_version(requested: str) -> str | None:
    """An error message for an unusable `kubernetes-version`, else None."""
    text = requested.strip().lstrip("vV")
    parts = text.split(".")
    if len(parts) < 2 or not all(p.isdigit() for p in parts[:3]) or len(parts) > 3:
        return f"`kubernetes-version` must look like 1.34, got {requested!r}"
    versions = kubernetes_versions()
    if version_key(".".join(parts[:2])) < version_key(versions[0]):
        return (f"Kubernetes {requested} is older than the oldest bundled schemas "
                f"({versions[0]}; bundled: {', '.join(versions)})")
    return None


SERVED_FILE = "served.json"


def served_from_bundles() -> dict[str, dict[str, list[str]]]:
    """{apiVersion: {kind: [bundled minor versions serving it, oldest first]}}, read from every
    bundle (what `tools/build_k8s_schemas.py` writes to `served.json`)."""
    served: dict[str, dict[str, list[str]]] = {}
    for version in kubernetes_versions():
        for api_version, kinds in kubernetes_bundle(version)["kinds"].items():
            for kind in kinds:
                served.setdefault(api_version, {}).setdefault(kind, []).append(version)
    return {a: dict(sorted(kinds.items())) for a, kinds in sorted(served.items())}


@lru_cache(maxsize=1)
def served_versions() -> dict[str, dict[str, list[str]]]:
    """`served_from_bundles()`, from the small file written with the bundles: which versions
    serve an apiVersion and kind is asked of old apiVersions (KS067, KS103), and reading every
    bundle to answer cost ~8 ms of such a run."""
    with open(os.path.join(_K8S_DIR, SERVED_FILE), encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=8)
def kubernetes_bundle(version: str) -> dict:
    """{"version", "source", "kinds": {apiVersion: {kind: type}}, "types": {...}}."""
    import gzip  # here: a run of Dockerfiles imports this package for its CRD pre-scan alone

    with open(os.path.join(_K8S_DIR, f"{version}.json.gz"), "rb") as f:
        return json.loads(gzip.decompress(f.read()))
