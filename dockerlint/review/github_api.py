"""A small GitHub REST client on urllib: JSON in and out, bounded retries, pagination.

The token is sent only to the configured API root (never to a host a redirect or a `Link`
header points at) and never appears in a message, exception or log line. The API root must
be https, except on a loopback address (a local test server).
"""
from __future__ import annotations

import http.client
import ipaddress
import json
import re
import time
from urllib.parse import urlencode, urlsplit

DEFAULT_API_URL = "https://api.github.com"
RETRY_STATUSES = {429, 500, 502, 503, 504}  # and 403 when it is a rate limit (see _rate_limited)
ATTEMPTS = 4  # one try and three retries
BACKOFF_SECONDS = 1.0  # doubled per retry, capped below; Retry-After wins when smaller than the cap
MAX_DELAY_SECONDS = 30.0


class ApiError(Exception):
    """An API call that failed; the message names the call and the HTTP status, never the token."""

    def __init__(self, method: str, path: str, status: int | None, detail: str):
        self.method, self.path, self.status, self.detail = method, path, status, detail
        where = f"HTTP {status}" if status is not None else "no response"
        super().__init__(f"GitHub API {method} {path} failed: {where}: {detail}")


def check_api_url(url: str) -> str:
    """The API root without a trailing slash; ValueError unless https (or http on loopback)."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValueError("GITHUB_API_URL must not contain credentials")
    host = parts.hostname or ""
    if parts.scheme == "https" and host:
        return url.rstrip("/")
    if parts.scheme == "http" and host:
        try:
            loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
        except ValueError:
            loopback = False
        if loopback:
            return url.rstrip("/")
    raise ValueError(f"refusing GitHub API URL {url!r}: the token is only sent over https (plain http is allowed on loopback only)")


def _rate_limited(status: int, headers) -> bool:
    """GitHub's primary and secondary rate limits answer 403 (or 429) with
    `x-ratelimit-remaining: 0` or a `retry-after` header."""
    if status not in (403, 429) or headers is None:
        return False
    return headers.get("Retry-After") is not None or headers.get("X-RateLimit-Remaining") == "0"


def _retry_after(headers) -> str | None:
    """Seconds to wait, as text: Retry-After, else until X-RateLimit-Reset (epoch seconds)."""
    if headers is None:
        return None
    value = headers.get("Retry-After")
    if value is None and headers.get("X-RateLimit-Remaining") == "0":
        try:
            value = str(max(0.0, float(headers.get("X-RateLimit-Reset", "")) - time.time()))
        except ValueError:
            value = None
    return value


def _next_link(header: str | None) -> str | None:
    for part in (header or "").split(","):
        m = re.match(r'\s*<([^>]+)>\s*;\s*rel="?next"?', part)
        if m:
            return m.group(1)
    return None


def _detail(raw: bytes) -> str:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        text = raw.decode("utf-8", "replace").strip()
        return text[:300] or "(empty response)"
    if not isinstance(data, dict):
        return str(data)[:300]
    message = str(data.get("message") or "")
    errors = data.get("errors")
    if errors:
        message += " (" + "; ".join(e if isinstance(e, str) else json.dumps(e) for e in errors) + ")"
    return message or json.dumps(data)[:300]


class GitHubClient:
    def __init__(self, api_url: str, token: str, *, sleep=time.sleep, timeout: float = 30.0):
        self.api_url = check_api_url(api_url)
        self._token = token
        self._sleep = sleep
        self._timeout = timeout
        self._opener = _opener(self.api_url)

    def __repr__(self) -> str:  # never show the token
        return f"GitHubClient({self.api_url!r})"

    def _scrub(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def _url(self, path: str, params: dict | None) -> str:
        url = path if path.startswith(("http://", "https://")) else self.api_url + path
        if params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        return url

    def request(self, method: str, path: str, body=None, params: dict | None = None):
        """(decoded JSON or None, response headers). Retries 429 and 5xx with bounded backoff."""
        data, headers = self._send(method, self._url(path, params), path, body)
        return data, headers

    def _send(self, method: str, url: str, shown: str, body):
        import urllib.error
        import urllib.request

        payload = json.dumps(body).encode("utf-8") if body is not None else None
        headers = {
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "dockerlint-review",
            "Authorization": f"Bearer {self._token}",
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        for attempt in range(1, ATTEMPTS + 1):
            request = urllib.request.Request(url, data=payload, headers=headers, method=method)
            retry_after = None
            try:
                with self._opener.open(request, timeout=self._timeout) as response:
                    raw = response.read()
                    status, response_headers = response.status, dict(response.headers)
            except urllib.error.HTTPError as e:
                raw = e.read() if e.fp is not None else b""
                limited = _rate_limited(e.code, e.headers)
                if (e.code not in RETRY_STATUSES and not limited) or attempt == ATTEMPTS:
                    detail = self._scrub(_detail(raw))
                    if limited:
                        detail = f"rate limited, gave up after {attempt} attempts: {detail}"
                    elif e.code in RETRY_STATUSES:
                        detail = f"gave up after {attempt} attempts: {detail}"
                    raise ApiError(method, shown, e.code, detail) from None
                retry_after = _retry_after(e.headers)
            except (urllib.error.URLError, TimeoutError, ConnectionError, http.client.HTTPException) as e:
                if attempt == ATTEMPTS:
                    reason = getattr(e, "reason", None) or f"{type(e).__name__}: {e}"
                    raise ApiError(method, shown, None, self._scrub(str(reason))) from None
            else:
                try:
                    return (json.loads(raw) if raw.strip() else None), response_headers
                except ValueError:  # a proxy's HTML page, a truncated body: say so, no traceback
                    text = raw[:200].decode("utf-8", "replace")
                    raise ApiError(method, shown, status, self._scrub(f"the answer is not JSON: {text!r}")) from None
            self._sleep(self._delay(attempt, retry_after))
        raise AssertionError("unreachable")

    @staticmethod
    def _delay(attempt: int, retry_after: str | None) -> float:
        delay = BACKOFF_SECONDS * 2 ** (attempt - 1)
        if retry_after:
            try:
                delay = float(retry_after)
            except ValueError:
                pass
        return max(0.0, min(delay, MAX_DELAY_SECONDS))

    def paginate(self, path: str, params: dict | None = None) -> list:
        """Every item of a list endpoint, following `Link: rel="next"` on the same API root."""
        items: list = []
        url = self._url(path, {"per_page": 100, **(params or {})})
        while url:
            data, headers = self._send("GET", url, path, None)
            if data is not None and not isinstance(data, list):
                raise ApiError("GET", path, 200, f"expected a JSON list, got {type(data).__name__}")
            items.extend(data or [])
            url = _next_link(headers.get("Link") or headers.get("link"))
            if url and not _same_origin(url, self.api_url):
                break  # never follow a link (with our token) to another host
        return items


def _same_origin(url: str, root: str) -> bool:
    a, b = urlsplit(url), urlsplit(root)
    return (a.scheme, a.netloc) == (b.scheme, b.netloc)


def _opener(root: str):
    import urllib.request

    class SameOriginRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            new = super().redirect_request(req, fp, code, msg, headers, newurl)
            if new is not None and not _same_origin(newurl, root):
                new.remove_header("Authorization")  # the token stays with the API root
            return new

    return urllib.request.build_opener(SameOriginRedirects)
