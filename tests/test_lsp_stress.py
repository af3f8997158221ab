"""`dockerlint lsp` under stress, through a bare JSON-RPC client over stdio (so the test can
also send what no well-behaved client library would).

Checked: thousands of rapid didChange notifications, versions out of order, malformed
JSON-RPC, a client that disappears mid-lint. The server must not crash, must never leave
stale diagnostics (the last publication for a document is for the last text the client sent,
and versions are never published out of order), and its memory (VmRSS of the server process)
must stay bounded.
"""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time

import pytest

pytest.importorskip("pygls.lsp.server", reason="the language server needs pygls 2")
if not os.path.exists("/proc/self/status"):
    pytest.skip("the server's memory is read from /proc", allow_module_level=True)

from child_process import REPO  # noqa: E402

PUBLISH = "textDocument/publishDiagnostics"
RSS_GROWTH_MB = 150  # after thousands of edits and hundreds of documents


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


class RawClient:
    """Content-Length framed JSON-RPC over the server's stdin/stdout; a thread reads."""

    def __init__(self, tmp_path, debounce_ms: int = 50):
        env = dict(os.environ, PYTHONPATH=REPO)
        self.stderr_path = tmp_path / "server.stderr"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dockerlint", "lsp", "--debounce", str(debounce_ms)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(self.stderr_path, "wb"), env=env,
        )
        self.messages: queue.Queue = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        stream = self.proc.stdout
        try:
            while True:
                headers = {}
                while True:
                    line = stream.readline()
                    if not line:
                        self.messages.put(None)
                        return
                    line = line.strip()
                    if not line:
                        break
                    key, _, value = line.decode("ascii", "replace").partition(":")
                    headers[key.lower()] = value.strip()
                self.messages.put(json.loads(stream.read(int(headers["content-length"]))))
        except (ValueError, OSError):
            self.messages.put(None)

    def raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def request(self, method: str, params) -> int:
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def collect(self, until=lambda m: False, timeout: float = 30.0) -> tuple[dict | None, list[dict]]:
        """Messages until one satisfies `until` (returned) or the timeout; all seen ones too."""
        deadline = time.monotonic() + timeout
        seen: list[dict] = []
        while time.monotonic() < deadline:
            try:
                message = self.messages.get(timeout=0.05)
            except queue.Empty:
                continue
            if message is None:
                break
            seen.append(message)
            if until(message):
                return message, seen
        return None, seen

    def initialize(self, root: str | None = None) -> None:
        rid = self.request("initialize", {"processId": os.getpid(), "rootUri": root, "capabilities": {}})
        reply, _ = self.collect(lambda m: m.get("id") == rid)
        assert reply is not None and "result" in reply, "no initialize reply"
        self.notify("initialized", {})

    def open(self, uri: str, text: str, version: int = 1, language: str = "dockerfile") -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}})

    def change(self, uri: str, version: int, text: str) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]})

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                rid = self.request("shutdown", None)
                self.collect(lambda m: m.get("id") == rid, timeout=10)
                self.notify("exit", None)
                self.proc.wait(timeout=10)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")[-3000:]


@pytest.fixture
def server(tmp_path):
    clients = []

    def start(debounce_ms: int = 50) -> RawClient:
        client = RawClient(tmp_path, debounce_ms)
        client.initialize(tmp_path.as_uri())
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.close()


def publications(messages, uri):
    return [m["params"] for m in messages if m.get("method") == PUBLISH and m["params"]["uri"] == uri]


def expected_codes(text: str, path: str) -> set[str]:
    from dockerlint.engine import lint_source
    from dockerlint.settings import Settings

    return {f.code for f in lint_source(text, path, Settings()).findings}


def version_text(v: int) -> str:
    """Every version lints differently (DL3059 comes and goes, USER root alternates)."""
    return "FROM debian:12\n" + ("RUN echo %d\n" % v) * (v % 5) + ("USER root\n" if v % 2 else "")


@pytest.mark.parametrize("debounce_ms", [0, 50])
def test_thousands_of_rapid_changes_end_on_the_last_version(server, tmp_path, debounce_ms):
    client = server(debounce_ms)
    path = tmp_path / "Dockerfile"
    uri = path.as_uri()
    client.open(uri, version_text(1))
    first, _ = client.collect(lambda m: m.get("method") == PUBLISH)
    assert first is not None, client.stderr()
    before = rss_mb(client.proc.pid)
    last = 3001
    for v in range(2, last + 1):
        client.change(uri, v, version_text(v))
    final, seen = client.collect(lambda m: m.get("method") == PUBLISH and m["params"].get("version") == last, timeout=180)
    assert final is not None, f"no diagnostics for version {last}; stderr:\n{client.stderr()}"
    _, later = client.collect(timeout=2)  # anything published afterwards would be stale
    published = publications(seen + later, uri)
    versions = [p["version"] for p in published]
    assert versions == sorted(versions), f"diagnostics published out of order: {versions[-10:]}"
    assert versions[-1] == last, f"a publication after the last version: {versions[-5:]}"
    assert {d["code"] for d in published[-1]["diagnostics"]} == expected_codes(version_text(last), str(path))
    assert client.proc.poll() is None, client.stderr()
    assert rss_mb(client.proc.pid) - before < RSS_GROWTH_MB


def test_out_of_order_versions_never_leave_stale_diagnostics(server, tmp_path):
    client = server(0)
    uri = (tmp_path / "Dockerfile").as_uri()
    client.open(uri, "FROM debian:12\n")
    client.collect(lambda m: m.get("method") == PUBLISH)
    client.change(uri, 10, "FROM debian:12\nUSER root\n")
    client.change(uri, 5, "FROM debian\n")  # an older version number, sent last
    client.change(uri, 7, "FROM debian:12\nEXPOSE 99999\n")
    client.change(uri, 3, "FROM debian\nMAINTAINER me\n")
    _, seen = client.collect(timeout=4)
    published = publications(seen, uri)
    assert published, client.stderr()
    # the server follows what the client sent last, whatever its number
    assert published[-1]["version"] == 3
    assert {d["code"] for d in published[-1]["diagnostics"]} == expected_codes("FROM debian\nMAINTAINER me\n", str(tmp_path / "Dockerfile"))


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


MALFORMED = [
    frame(b"{bad}"),                                                     # not JSON
    frame(b"[]"),                                                        # JSON, not JSON-RPC
    frame(b'{"jsonrpc":"2"}'),                                           # no method, no id
    frame(b'{"jsonrpc":"2.0","method":5,"params":"x"}'),                 # method not a string
    frame(b'{"jsonrpc":"2.0","method":"textDocument/didOpen","params":1}'),
    frame(b'{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"x":[1,2,3]}}'),
    frame(b'{"jsonrpc":"2.0","id":{"a":1},"method":"shutdown"}'),        # id of the wrong type
    frame("\udcff".encode("utf-8", "surrogatepass")),                   # not UTF-8
    b"Content-Length: abc\r\n\r\n",                                  # header not a number
    b"garbage without headers\r\n\r\n",
]


def test_malformed_jsonrpc_does_not_take_the_server_down(server, tmp_path):
    client = server(0)
    for junk in MALFORMED:
        client.raw(junk)
    time.sleep(0.5)
    assert client.proc.poll() is None, client.stderr()
    unknown = client.request("dockerlint/noSuchMethod", {})
    reply, _ = client.collect(lambda m: m.get("id") == unknown, timeout=10)
    assert reply is not None and reply["error"]["code"] == -32601, f"{reply}\n{client.stderr()}"  # MethodNotFound
    # Params that do not fit the request: an error reply with the request's id (pygls alone
    # would only show a message and leave the request unanswered).
    bad_params = client.request("textDocument/hover", {"textDocument": 42})
    reply, _ = client.collect(lambda m: m.get("id") == bad_params, timeout=10)
    assert reply is not None and reply["error"]["code"] == -32602, f"{reply}\n{client.stderr()}"  # InvalidParams
    # ... and with an id that cannot be used (a list): the reply's id is null, as JSON-RPC 2.0
    # wants (a reply without an `id` member is no response a client recognises)
    client.send({"jsonrpc": "2.0", "id": [1], "method": "textDocument/hover", "params": {"textDocument": 42}})
    reply, _ = client.collect(lambda m: "error" in m and m.get("id", "absent") is None, timeout=10)
    assert reply is not None and reply["error"]["code"] == -32602 and "id" in reply, f"{reply}\n{client.stderr()}"
    # still serving: a new document gets its diagnostics, a hover is answered
    uri = (tmp_path / "Dockerfile").as_uri()
    client.open(uri, "FROM debian\n")
    published, _ = client.collect(lambda m: m.get("method") == PUBLISH and m["params"]["uri"] == uri)
    assert published and "DL3006" in {d["code"] for d in published["params"]["diagnostics"]}, client.stderr()
    rid = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 6}})
    reply, _ = client.collect(lambda m: m.get("id") == rid)
    assert reply is not None and "result" in reply, client.stderr()


@pytest.mark.parametrize("how", ["close-pipes", "kill-client-side"])
def test_client_that_disappears_mid_lint(tmp_path, how):
    client = RawClient(tmp_path, 0)
    client.initialize(tmp_path.as_uri())
    uri = (tmp_path / "Dockerfile").as_uri()
    big = "FROM debian:12\n" + "RUN apt-get update && apt-get install curl\n" * 2000
    client.open(uri, big)
    for v in range(2, 30):
        client.change(uri, v, big + f"# {v}\n")
    if how == "close-pipes":
        client.proc.stdin.close()
        client.proc.stdout.close()
    else:  # the client vanished: its end of stdin closes, nobody reads stdout any more
        client.proc.stdin.close()
    try:
        client.proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        client.proc.kill()
        pytest.fail(f"the server kept running 30 s after its client went away\n{client.stderr()}")
    assert "Traceback" not in client.stderr() or "BrokenPipe" in client.stderr(), client.stderr()


def test_memory_stays_bounded_over_many_documents(server, tmp_path):
    client = server(0)
    warm = (tmp_path / "warm" / "Dockerfile").as_uri()
    client.open(warm, version_text(3))
    client.collect(lambda m: m.get("method") == PUBLISH)
    before = rss_mb(client.proc.pid)
    body = "FROM debian:12\n" + "RUN apt-get update && apt-get install -y curl=7.0\n" * 150
    for i in range(200):
        uri = (tmp_path / f"d{i}" / "Dockerfile").as_uri()
        client.open(uri, body + f"LABEL n={i}\n")
        for v in range(2, 5):
            client.change(uri, v, body + f"LABEL n={i} v={v}\n")
        client.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    rid = client.request("textDocument/hover", {"textDocument": {"uri": warm}, "position": {"line": 0, "character": 6}})
    reply, _ = client.collect(lambda m: m.get("id") == rid, timeout=300)  # the queue has drained
    assert reply is not None, client.stderr()
    client.collect(timeout=2)
    after = rss_mb(client.proc.pid)
    print(f"server RSS {before:.0f} MB -> {after:.0f} MB after 200 documents x 4 versions")
    assert after - before < RSS_GROWTH_MB, f"RSS grew from {before:.0f} MB to {after:.0f} MB"
