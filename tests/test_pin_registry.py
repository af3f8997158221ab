"""`dockerlint pin` against a real registry: Debian's docker-registry (CNCF distribution) on loopback.

The fixture writes a config, starts `docker-registry serve`, waits for `/v2/`, and pushes
images through the HTTP API (blob upload POST + PUT, manifest PUT): a single-arch image, a
multi-arch OCI index, and a `latest` tag that shares its digest with `1.2.3`. A second
registry runs with token auth and a small token server, to exercise the anonymous bearer flow
that Docker Hub uses.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from helpers import run_cli

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sha(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Registry:
    def __init__(self, base: str, headers: dict | None = None):
        self.base = base
        self.host = base.split("://", 1)[1]
        self.headers = headers or {}

    def _req(self, method, url, data=None, headers=None):
        req = urllib.request.Request(url if url.startswith("http") else self.base + url, data=data, method=method,
                                     headers={**self.headers, **(headers or {})})
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers, r.read()

    def blob(self, repo: str, data: bytes) -> dict:
        digest = _sha(data)
        status, headers, _ = self._req("POST", f"/v2/{repo}/blobs/uploads/")
        assert status == 202
        location = headers["Location"]
        if not location.startswith("http"):
            location = self.base + location
        sep = "&" if "?" in location else "?"
        status, _, _ = self._req("PUT", f"{location}{sep}digest={urllib.parse.quote(digest)}", data,
                                 {"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})
        assert status == 201
        return {"digest": digest, "size": len(data)}

    def manifest(self, repo: str, reference: str, body: bytes, media_type: str) -> str:
        status, headers, _ = self._req("PUT", f"/v2/{repo}/manifests/{reference}", body, {"Content-Type": media_type})
        assert status == 201, status
        assert headers["Docker-Content-Digest"] == _sha(body)
        return _sha(body)

    def image(self, repo: str, arch: str, payload: bytes, media_type: str = OCI_MANIFEST) -> tuple[bytes, str]:
        """Push a config and a layer, return (manifest bytes, media type); tags are pushed by the caller."""
        layer = self.blob(repo, payload)
        config = self.blob(repo, json.dumps({"architecture": arch, "os": "linux", "rootfs": {"type": "layers", "diff_ids": [_sha(payload)]}}).encode())
        oci = media_type == OCI_MANIFEST
        body = json.dumps({
            "schemaVersion": 2,
            "mediaType": media_type,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json" if oci else "application/vnd.docker.container.image.v1+json", **config},
            "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip" if oci else "application/vnd.docker.image.rootfs.diff.tar.gzip", **layer}],
        }).encode()
        return body, media_type


def _start(tmp: Path, extra_config: str = "") -> tuple[subprocess.Popen, int]:
    port = _free_port()
    config = tmp / "config.yml"
    config.write_text(
        "version: 0.1\n"
        "log:\n  level: error\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {tmp / 'data'}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n" + extra_config
    )
    proc = subprocess.Popen(["docker-registry", "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 20
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"docker-registry exited: {proc.stderr.read().decode(errors='replace')}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/", timeout=1)
            return proc, port
        except urllib.error.HTTPError as e:
            if e.code == 401:
                return proc, port
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    pytest.fail("docker-registry did not answer /v2/ within 20 s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    if shutil.which("docker-registry") is None:
        pytest.skip("docker-registry (Debian package docker-registry, the CNCF distribution server) is not installed")
    tmp = tmp_path_factory.mktemp("registry")
    proc, port = _start(tmp)
    reg = Registry(f"http://127.0.0.1:{port}")
    pushed = {}
    # a single-arch image (OCI manifest) and one with a Docker v2 manifest
    body, mt = reg.image("team/app", "amd64", b"app layer")
    pushed["app"] = reg.manifest("team/app", "1.0", body, mt)
    body, mt = reg.image("legacy", "amd64", b"legacy layer", DOCKER_MANIFEST)
    pushed["legacy"] = reg.manifest("legacy", "2.0", body, mt)
    # a multi-arch OCI index over two platform manifests pushed by digest
    platforms = []
    for arch in ("amd64", "arm64"):
        body, mt = reg.image("multi", arch, f"multi {arch}".encode())
        digest = reg.manifest("multi", _sha(body), body, mt)
        platforms.append({"mediaType": mt, "digest": digest, "size": len(body), "platform": {"architecture": arch, "os": "linux"}})
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": platforms}).encode()
    pushed["multi"] = reg.manifest("multi", "3.1", index, OCI_INDEX)
    pushed["multi_amd64"] = platforms[0]["digest"]
    # `latest` shares its digest with 1.2.3 (and 1.2 and 1); 1.1.0 and 2.0.0-rc1 are others
    body, mt = reg.image("tool", "amd64", b"tool 1.2.3")
    for tag in ("1.1.0", "2.0.0-rc1"):
        other, omt = reg.image("tool", "amd64", f"tool {tag}".encode())
        reg.manifest("tool", tag, other, omt)
    for tag in ("1", "1.2", "1.2.3", "latest"):
        pushed["tool"] = reg.manifest("tool", tag, body, mt)
    yield reg, port, pushed
    _stop(proc)


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def _project(tmp_path: Path, host: str) -> Path:
    root = tmp_path / "project"
    (root / "k8s").mkdir(parents=True)
    (root / "Dockerfile").write_text(
        f"FROM {host}/team/app:1.0 AS build\nRUN make\n"
        f"FROM {host}/multi:3.1\nCOPY --from=build /out /out\n"
        "FROM build AS again\nFROM scratch\n"
    )
    (root / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        f"    image: \"{host}/tool:latest\"  # keep this comment\n"
        "  db:\n"
        f"    image: {host}/legacy:2.0\n"
        "  built:\n"
        "    build: .\n"
    )
    (root / "k8s" / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      initContainers:\n"
        f"      - name: init\n        image: '{host}/tool'\n"
        "      containers:\n"
        f"      - name: web\n        image: {host}/multi:3.1\n"
        "      - name: pinned\n        image: busybox@sha256:" + "a" * 64 + "\n"
    )
    return root


def test_pin_rewrites_dockerfile_compose_and_kubernetes(registry, tmp_path, cache_home):
    reg, port, pushed = registry
    host = f"127.0.0.1:{port}"
    root = _project(tmp_path, host)
    code, out, err = run_cli(["pin", str(root)])
    assert code == 0, err
    assert (root / "Dockerfile").read_text() == (
        f"FROM {host}/team/app:1.0@{pushed['app']} AS build\nRUN make\n"
        f"FROM {host}/multi:3.1@{pushed['multi']}\nCOPY --from=build /out /out\n"
        "FROM build AS again\nFROM scratch\n"
    )
    # the index digest, not a platform's manifest
    assert pushed["multi"] != pushed["multi_amd64"]
    compose = (root / "compose.yaml").read_text()
    assert f"    image: \"{host}/tool:1.2.3@{pushed['tool']}\"  # keep this comment\n" in compose
    assert f"    image: {host}/legacy:2.0@{pushed['legacy']}\n" in compose
    k8s = (root / "k8s" / "deploy.yaml").read_text()
    assert f"image: '{host}/tool:1.2.3@{pushed['tool']}'" in k8s
    assert f"image: {host}/multi:3.1@{pushed['multi']}" in k8s
    assert "busybox@sha256:" + "a" * 64 in k8s
    assert f"{host}/tool:latest -> {host}/tool:1.2.3@{pushed['tool']} (`latest` is 1.2.3 (same digest))" in err
    assert "pinned 6 image references" in err

    # idempotent: nothing left to pin
    code, out, err = run_cli(["pin", str(root)])
    assert code == 0 and "pinned 0 image references" in err

    # the cache: keyed by registry/repository:tag, with the digest and a timestamp
    cache = json.loads((cache_home / "dockerlint" / "digests.json").read_text())
    entry = cache["entries"][f"{host}/team/app:1.0"]
    assert entry["digest"] == pushed["app"] and entry["resolved_at"] > 0
    assert cache["entries"][f"{host}/multi:3.1"]["media_type"] == OCI_INDEX


def test_pin_uses_the_cache_until_its_ttl(registry, tmp_path, cache_home):
    reg, port, pushed = registry
    host = f"127.0.0.1:{port}"
    df = tmp_path / "Dockerfile"
    df.write_text(f"FROM {host}/team/app:1.0\n")
    assert run_cli(["pin", "--dry-run", str(df)])[0] == 0
    path = cache_home / "dockerlint" / "digests.json"
    cache = json.loads(path.read_text())
    fake = "sha256:" + "f" * 64
    cache["entries"][f"{host}/team/app:1.0"]["digest"] = fake
    path.write_text(json.dumps(cache))
    code, out, _ = run_cli(["pin", "--dry-run", str(df)])
    assert f"+FROM {host}/team/app:1.0@{fake}" in out  # served from the cache
    code, out, _ = run_cli(["pin", "--diff", "--cache-ttl", "0", str(df)])
    assert f"+FROM {host}/team/app:1.0@{pushed['app']}" in out  # expired: asked again
    assert df.read_text() == f"FROM {host}/team/app:1.0\n"  # --dry-run/--diff write nothing
    code, out, _ = run_cli(["pin", "--diff", "--no-cache", str(df)])
    assert f"@{pushed['app']}" in out


def test_pin_errors_are_clear_messages(registry, tmp_path, cache_home):
    reg, port, pushed = registry
    host = f"127.0.0.1:{port}"
    missing = tmp_path / "missing" / "Dockerfile"
    missing.parent.mkdir()
    missing.write_text(f"FROM {host}/team/app:9.9\n")
    code, out, err = run_cli(["pin", str(missing)])
    assert code == 2
    assert f"error: {host}/team/app:9.9: no such tag (manifest unknown)" in err
    assert "Traceback" not in err and missing.read_text() == f"FROM {host}/team/app:9.9\n"

    dead = tmp_path / "dead" / "compose.yaml"
    dead.parent.mkdir()
    dead_port = _free_port()
    dead.write_text(f"services:\n  a:\n    image: 127.0.0.1:{dead_port}/x:1\n  b:\n    image: {host}/team/app:1.0\n")
    code, out, err = run_cli(["pin", str(dead)])
    assert code == 2
    assert f"error: cannot reach 127.0.0.1:{dead_port}" in err and "Connection refused" in err
    assert "Traceback" not in err
    # the file had an error, but what resolved is still pinned
    assert f"image: {host}/team/app:1.0@{pushed['app']}" in dead.read_text()


def test_plain_http_only_for_loopback_or_named_registries():
    from dockerlint.pin.oci import RegistryClient, is_loopback, repository_path

    client = RegistryClient(insecure={"10.0.0.5:5000"})
    assert client.base_url("ghcr.io") == "https://ghcr.io"
    assert client.base_url("registry-1.docker.io") == "https://registry-1.docker.io"
    assert client.base_url("127.0.0.1:5000") == "http://127.0.0.1:5000"
    assert client.base_url("localhost:5000") == "http://localhost:5000"
    assert client.base_url("[::1]:5000") == "http://[::1]:5000"
    assert client.base_url("10.0.0.5:5000") == "http://10.0.0.5:5000"
    assert not is_loopback("example.com:5000")
    assert repository_path(None, "python") == "library/python"
    assert repository_path("docker.io", "bitnami/redis") == "bitnami/redis"


# ---- the anonymous bearer-token flow, against a registry with token auth ---------------------

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class _TokenIssuer:
    """Signs JWTs (RS256, x5c chain) with openssl, as distribution's token auth expects."""

    def __init__(self, tmp: Path):
        self.key, self.cert = tmp / "key.pem", tmp / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(self.key), "-out", str(self.cert),
                        "-days", "1", "-subj", "/CN=dockerlint-test-token"], check=True, capture_output=True)
        der = subprocess.run(["openssl", "x509", "-in", str(self.cert), "-outform", "DER"], check=True, capture_output=True).stdout
        self.x5c = base64.b64encode(der).decode()
        self.requests: list[dict] = []

    def token(self, service: str, scope: str) -> str:
        access = []
        if scope:
            kind, name, actions = scope.split(":")
            access.append({"type": kind, "name": name, "actions": actions.split(",")})
        now = int(time.time())
        header = {"alg": "RS256", "typ": "JWT", "x5c": [self.x5c]}
        claims = {"iss": "dockerlint-test", "sub": "", "aud": service, "exp": now + 300, "nbf": now - 10, "iat": now,
                  "jti": os.urandom(8).hex(), "access": access}
        signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", str(self.key)], input=signing_input.encode(),
                                   check=True, capture_output=True).stdout
        return f"{signing_input}.{_b64(signature)}"


@pytest.fixture(scope="module")
def token_registry(tmp_path_factory):
    if shutil.which("docker-registry") is None:
        pytest.skip("docker-registry (Debian package docker-registry, the CNCF distribution server) is not installed")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to sign the test token server's JWTs")
    tmp = tmp_path_factory.mktemp("token-registry")
    issuer = _TokenIssuer(tmp)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            issuer.requests.append({**query, "authorization": self.headers.get("Authorization")})
            body = json.dumps({"token": issuer.token(query.get("service", ""), query.get("scope", ""))}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    realm = f"http://127.0.0.1:{server.server_address[1]}/token"
    proc, port = _start(tmp, f"auth:\n  token:\n    realm: {realm}\n    service: test-registry\n    issuer: dockerlint-test\n"
                             f"    rootcertbundle: {issuer.cert}\n")
    push_token = issuer.token("test-registry", "repository:org/svc:pull,push")
    reg = Registry(f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {push_token}"})
    body, mt = reg.image("org/svc", "amd64", b"svc")
    digest = reg.manifest("org/svc", "5.0", body, mt)
    issuer.requests.clear()
    yield port, digest, issuer
    _stop(proc)
    server.shutdown()


def test_pin_follows_the_bearer_challenge(token_registry, tmp_path, cache_home):
    port, digest, issuer = token_registry
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/org/svc/manifests/5.0", timeout=5)
    assert e.value.code == 401 and e.value.headers["WWW-Authenticate"].startswith("Bearer realm=")
    df = tmp_path / "Dockerfile"
    df.write_text(f"FROM 127.0.0.1:{port}/org/svc:5.0\n")
    code, out, err = run_cli(["pin", str(df)])
    assert code == 0, err
    assert df.read_text() == f"FROM 127.0.0.1:{port}/org/svc:5.0@{digest}\n"
    # anonymous: the token request carried the challenge's service and scope, and no credentials
    assert issuer.requests == [{"scope": "repository:org/svc:pull", "service": "test-registry", "authorization": None}]
