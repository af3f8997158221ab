"""`dockerlint images --refresh`: fetch endoflife.date's current release cycles for the products
of the bundled snapshot and write them to the user-level copy (`eol.user_copy_path()`), which
the end-of-life rules then prefer while it is newer than the bundled snapshot.

Network, like `pin`: one GET per product, `{source}/products/{product}` of endoflife.date's
API v1 (https://endoflife.date/docs/api/v1/). A product that cannot be fetched keeps its cycles
from the current data and is named in a warning; nothing is written when every request fails.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from dockerlint.images import eol

DEFAULT_SOURCE = "https://endoflife.date/api/v1"


class RefreshError(Exception):
    pass


def _date_or(value, ended: bool):
    if isinstance(value, str) and value:
        return value[:10]
    return bool(ended)  # no date: true when the API says it has ended


def cycles_from_api(product: str, payload) -> list[dict]:
    """Our compact cycles from one API v1 product response (raises ValueError on another shape)."""
    try:
        releases = payload["result"]["releases"]
    except (TypeError, KeyError):
        raise ValueError("not an endoflife.date API v1 product response") from None
    out = []
    for r in releases:
        if not isinstance(r, dict) or not isinstance(r.get("name"), str):
            raise ValueError("a release without a name")
        if product in eol.UNTIL_EXTENDED_SUPPORT and r.get("eoesFrom"):
            end = _date_or(r.get("eoesFrom"), r.get("isEoes", False))
        else:
            end = _date_or(r.get("eolFrom"), r.get("isEol", False))
        codename = r.get("codename")
        out.append({
            "cycle": r["name"],
            **({"codename": str(codename).split()[0].lower()} if codename else {}),
            "released": r.get("releaseDate"),
            "eol": end,
        })
    return out


def _get(url: str, timeout: float):
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "dockerlint"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only, checked by the caller
        return json.loads(response.read(4 * 1024 * 1024).decode("utf-8"))


def refresh(source: str = DEFAULT_SOURCE, timeout: float = 15.0, target: Path | None = None) -> tuple[Path, list[str]]:
    """Write a refreshed copy; returns (path, warnings). Raises RefreshError when nothing could be fetched."""
    if not source.startswith(("https://", "http://")):
        raise RefreshError(f"--source must be an http(s) URL, got {source!r}")
    current = eol.snapshot()
    products = dict(current["products"])
    warnings, fetched = [], 0
    for product in eol.PRODUCTS:
        url = f"{source.rstrip('/')}/products/{product}"
        try:
            cycles = cycles_from_api(product, _get(url, timeout))
        except (urllib.error.URLError, OSError, ValueError) as e:
            reason = getattr(e, "reason", None) or e
            warnings.append(f"{product}: {reason} ({url}); kept the data of {current['_date']}")
            continue
        title = products.get(product, {}).get("title", product)
        products[product] = {"title": title, "cycles": cycles}
        fetched += 1
    if fetched == 0:
        raise RefreshError("could not fetch any product:\n  " + "\n  ".join(warnings[:5]))
    data = {
        **{k: v for k, v in current.items() if k != "products"},
        "_date": dt.datetime.now(dt.timezone.utc).date().isoformat(),
        "_source": f"{source} (refreshed; {fetched} of {len(eol.PRODUCTS)} products)",
        "products": products,
    }
    path = target or eol.user_copy_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".eol-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)
    eol.snapshot.cache_clear()
    return path, warnings
