"""A small client of the OCI distribution API: resolve a tag to its manifest digest.

Only `dockerlint pin` uses it: linting never touches the network. Standard library only.

- Anonymous bearer tokens, as Docker Hub and most registries want them: a 401 answer's
  `WWW-Authenticate: Bearer realm=...,service=...,scope=...` names a token endpoint; the
  token it gives (no credentials) is sent back as `Authorization: Bearer ...`.
- `HEAD /v2/<name>/manifests/<tag>` with an Accept header for OCI indexes, Docker manifest
  lists and single manifests; the digest is `Docker-Content-Digest`, or the sha256 of the body
  of a GET when a registry does not send it. For a multi-arch image that is the index's
  digest, which is what a FROM line should pin (every platform keeps resolving).
- https everywhere except loopback registries and hosts named with `--insecure-registry`.
"""
from __future__ import annotations

import hashlib
import ipaddress
import json
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
INDEX_TYPES = MANIFEST_TYPES[:2]
DOCKER_HUB = "registry-1.docker.io"
_HUB_NAMES = (None, "docker.io", "index.docker.io", "registry-1.docker.io")
# (?<!\w): a match only starts where a word does; without it a long header with no `=` costs
# length squared (6 s for 20,000 characters from a hostile registry)
_CHALLENGE_PARAM = re.compile(r'(?<!\w)(?:(\w+)="([^"]*)"|(\w+)=([^,\s]+))')


class RegistryError(Exception):
    """A registry could not answer: the message is meant for the user, as is."""


@dataclass(frozen=True)
class Resolved:
    """What a registry answered for a tag: its digest and media type."""

    digest: str
    media_type: str | None

def is_loopback(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
    name = name.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def registry_host(registry: str | None) -> str:
    return DOCKER_HUB if registry in _HUB_NAMES else registry


def repository_path(registry: str | None, repository: str) -> str:
    """Docker Hub's official images live under `library/`."""
    if registry in _HUB_NAMES and "/" not in repository:
        return f"library/{repository}"
    return repository


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    scheme, _, rest = header.strip().partition(" ")
    params = {}
    for m in _CHALLENGE_PARAM.finditer(rest):
        key = m.group(1) or m.group(3)
        params[key.lower()] = m.group(2) if m.group(1) else m.group(4)
    return scheme.lower(), params


class RegistryClient:
    def __init__(self, *, insecure: set[str] | None = None, timeout: float = 15.0, user_agent: str = "dockerlint-pin"):
        self.insecure = {h.lower() for h in (insecure or set())}
        self.timeout = timeout
        self.user_agent = user_agent
        self._tokens: dict[tuple[str, str], str] = {}  # (host, scope) -> bearer token

    # ---- transport -----------------------------------------------------------------------
    def base_url(self, host: str) -> str:
        plain = is_loopback(host) or host.lower() in self.insecure
        return f"{'http' if plain else 'https'}://{host}"

    def _open(self, request: urllib.request.Request):
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as e:
            return e  # an HTTPError is a response too: status, headers, body
        except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as e:
            reason = getattr(e, "reason", e)
            raise RegistryError(f"cannot reach {request.host}: {reason}") from None

    def _request(self, method: str, host: str, path: str, scope: str, accept: tuple[str, ...] = ()):
        url = self.base_url(host) + path
        headers = {"User-Agent": self.user_agent}
        if accept:
            headers["Accept"] = ", ".join(accept)
        token = self._tokens.get((host, scope))
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = self._open(urllib.request.Request(url, method=method, headers=headers))
        if response.status == 401 and not token:
            challenge = response.headers.get("WWW-Authenticate", "")
            response.close()
            token = self._fetch_token(host, challenge, scope)
            headers["Authorization"] = f"Bearer {token}"
            response = self._open(urllib.request.Request(url, method=method, headers=headers))
        return response

    def _fetch_token(self, host: str, challenge: str, scope: str) -> str:
        scheme, params = parse_challenge(challenge)
        if scheme != "bearer" or "realm" not in params:
            raise RegistryError(f"{host} wants credentials ({challenge or 'no WWW-Authenticate challenge'}); dockerlint pin only does anonymous pulls")
        query = {"scope": params.get("scope") or scope}
        if params.get("service"):
            query["service"] = params["service"]
        realm = params["realm"]
        url = realm + ("&" if "?" in realm else "?") + urllib.parse.urlencode(query)
        realm_host = urllib.parse.urlsplit(realm).netloc
        if urllib.parse.urlsplit(realm).scheme == "http" and not (is_loopback(realm_host) or realm_host.lower() in self.insecure):
            raise RegistryError(f"{host} names a plain-http token endpoint ({realm}); refusing it")
        response = self._open(urllib.request.Request(url, headers={"User-Agent": self.user_agent}))
        with response:
            body = response.read()
            if response.status != 200:
                raise RegistryError(f"token endpoint {realm} answered HTTP {response.status} for {query['scope']}")
        try:
            data = json.loads(body)
        except ValueError:
            raise RegistryError(f"token endpoint {realm} did not answer JSON") from None
        token = data.get("token") or data.get("access_token")
        if not token:
            raise RegistryError(f"token endpoint {realm} gave no token")
        self._tokens[(host, scope)] = token
        return token

    # ---- API -----------------------------------------------------------------------------
    def resolve(self, registry: str | None, repository: str, reference: str) -> Resolved:
        """The digest a tag points to (for a multi-arch image: the index's digest)."""
        host = registry_host(registry)
        repo = repository_path(registry, repository)
        scope = f"repository:{repo}:pull"
        path = f"/v2/{repo}/manifests/{urllib.parse.quote(reference, safe='')}"
        what = f"{registry or 'docker.io'}/{repository}:{reference}"
        response = self._request("HEAD", host, path, scope, MANIFEST_TYPES)
        with response:
            status = response.status
            digest = response.headers.get("Docker-Content-Digest")
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        if status == 404:
            raise RegistryError(f"{what}: no such tag (manifest unknown)")
        if status in (401, 403):
            raise RegistryError(f"{what}: access denied (HTTP {status}); private images need `docker login`-style credentials, which dockerlint pin does not use")
        if status == 200 and digest:
            return Resolved(digest, media_type)
        if status not in (200, 405):
            raise RegistryError(f"{what}: registry answered HTTP {status}")
        # No digest header (or HEAD not allowed): GET the manifest and hash it.
        response = self._request("GET", host, path, scope, MANIFEST_TYPES)
        with response:
            body = response.read()
            status = response.status
            header = response.headers.get("Docker-Content-Digest")
            media_type = (response.headers.get("Content-Type") or "").split(";")[0].strip() or None
        if status == 404:
            raise RegistryError(f"{what}: no such tag (manifest unknown)")
        if status != 200:
            raise RegistryError(f"{what}: registry answered HTTP {status}")
        computed = "sha256:" + hashlib.sha256(body).hexdigest()
        if header and header != computed and header.startswith("sha256:"):
            raise RegistryError(f"{what}: the manifest's sha256 ({computed}) does not match Docker-Content-Digest ({header})")
        return Resolved(computed, media_type)

    def tags(self, registry: str | None, repository: str, limit: int = 10000) -> list[str]:
        host = registry_host(registry)
        repo = repository_path(registry, repository)
        scope = f"repository:{repo}:pull"
        path = f"/v2/{repo}/tags/list?n=1000"
        out: list[str] = []
        while path and len(out) < limit:
            response = self._request("GET", host, path, scope)
            with response:
                body = response.read()
                status = response.status
                link = response.headers.get("Link", "")
            if status != 200:
                raise RegistryError(f"{registry or 'docker.io'}/{repository}: listing tags answered HTTP {status}")
            try:
                out += json.loads(body).get("tags") or []
            except ValueError:
                raise RegistryError(f"{registry or 'docker.io'}/{repository}: the tag list is not JSON") from None
            m = re.match(r'\s*<([^>]+)>\s*;\s*rel="?next"?', link)
            path = m.group(1) if m else None
            if path and path.startswith("http"):
                parts = urllib.parse.urlsplit(path)
                path = parts.path + ("?" + parts.query if parts.query else "")
        return out
