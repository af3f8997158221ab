"""`dockerlint images [IMAGE]`: the base-image knowledge base, as a table or for one image.

Offline: everything comes from dockerlint/data/images.json, each size with the file it was
read from. Imported on every CLI start (to add its arguments), so it stays light.
"""
from __future__ import annotations

import json
import sys


def add_arguments(parser) -> None:
    parser.add_argument("image", nargs="?", metavar="IMAGE", help="explain one image (e.g. python:3.12); without it, list every known image")
    parser.add_argument("--format", choices=["text", "json"], default="text")
    parser.add_argument("--refresh", action="store_true", help="update the end-of-life data from endoflife.date (network) into the user-level copy")
    parser.add_argument("--source", default=None, metavar="URL", help="endoflife.date API v1 base URL for --refresh (default https://endoflife.date/api/v1)")
    parser.add_argument("--timeout", type=float, default=15.0, metavar="SECONDS", help="per request, for --refresh (default 15)")


def _yes(value) -> str:
    return "yes" if value else "-"


def table_rows() -> list[dict]:
    from dockerlint.images import knowledge

    data = knowledge.table()
    rows = []
    for group in ("images", "registries"):
        for name, entry in data.get(group, {}).items():
            rows.append({
                "image": name,
                "libc": entry.get("libc", "?"),
                "shell": entry.get("shell", "?"),
                "package_manager": entry.get("package_manager", "?"),
                "user": entry.get("user", "?"),
                "slim": bool(entry.get("slim")),
                "alpine": bool(entry.get("alpine")),
                "distroless": entry.get("distroless"),
                "toolchain": bool(entry.get("toolchain") or entry.get("builds_with")),
                "deprecated": entry.get("deprecated"),
                "sizes": {tag: mb for tag, (mb, _src) in entry.get("sizes", {}).items()},
            })
    return rows


def explain(text: str) -> dict | None:
    """Everything known about one image reference, with sources; None when nothing is known."""
    from dockerlint.images import knowledge
    from dockerlint.images.reference import parse_image

    ref = parse_image(text)
    found = knowledge.lookup(ref)
    if found is None:
        return None
    key, entry = found
    used_sources: list[str] = []

    def cite(source_key: str) -> int:
        if source_key not in used_sources:
            used_sources.append(source_key)
        return used_sources.index(source_key) + 1

    slimmer = knowledge.slimmer_variant(ref)
    out = {
        "image": text,
        "key": key,
        "tag": ref.tag or "latest",
        "libc": entry.get("libc"),
        "shell": entry.get("shell"),
        "package_manager": entry.get("package_manager"),
        "user": entry.get("user"),
        "nonroot_user": entry.get("nonroot_user") or (f"uid {entry['nonroot_uid']}" if entry.get("nonroot_uid") else None),
        "toolchain": bool(entry.get("toolchain") or entry.get("builds_with")),
        "deprecated": entry.get("deprecated"),
        "replacement": entry.get("replacement"),
        "lean": knowledge.is_lean_tag(ref.tag),
        "variants": entry.get("variants", {}),
        "slimmer": None,
        "alternatives": [{"kind": a.kind, "image": a.image, "caveat": a.caveat} for a in knowledge.alternatives(ref)],
        "runtime": entry.get("runtime"),
        "sizes": [],
        "caveats": list(entry.get("caveats", [])),
        "sources": [],
    }
    if slimmer is not None:
        out["slimmer"] = {
            "image": slimmer.image, "kind": slimmer.kind, "saved_mb": slimmer.saved_mb,
            "full_mb": slimmer.full_mb, "slim_mb": slimmer.slim_mb,
            "sources": [cite(s) for s in slimmer.sources],
        }
    for tag, (mb, source_key) in entry.get("sizes", {}).items():
        out["sizes"].append({"tag": tag, "mb": mb, "source": cite(source_key)})
    out["sources"] = [{"n": i + 1, "key": k, "text": knowledge.source(k)} for i, k in enumerate(used_sources)]
    out["date"] = knowledge.table().get("_date")
    out["end_of_life"] = _eol_facts(text)
    return out


def _eol_facts(text: str) -> dict:
    from dockerlint.images import eol

    found = eol.status(text)
    return {
        "as_of": eol.today().isoformat(),
        "data_date": eol.snapshot_date(),
        "ended": [eol.describe(p) for p in found.ended] if found else [],
        "replacement": found.replacement if found else None,
    }


def render_explanation(e: dict) -> str:
    lines = [f"{e['image']}  ({'official image' if '/' not in e['key'] else 'image'} `{e['key']}`)"]
    if e["deprecated"]:
        lines.append(f"  DEPRECATED: {e['deprecated']}")
    life = e.get("end_of_life") or {}
    if life.get("ended"):
        move = f"; oldest supported: {life['replacement']}" if life.get("replacement") else ""
        lines.append(f"  END OF LIFE: {'; '.join(life['ended'])} (endoflife.date data of {life['data_date']}){move}")
    facts = [f"{label}: {e[k]}" for k, label in (("libc", "libc"), ("shell", "shell"), ("package_manager", "package manager"), ("user", "user")) if e.get(k)]
    if facts:
        lines.append("  " + "; ".join(facts))
    if e["nonroot_user"]:
        lines.append(f"  non-root user: {e['nonroot_user']}")
    if e["toolchain"]:
        lines.append("  a build (toolchain) image: build in it, run the result on a smaller runtime image")
    if e["variants"]:
        lines.append("  variants:")
        width = max(len(k) for k in e["variants"])
        lines += [f"    {k:<{width}}  {v}" for k, v in e["variants"].items()]
    if e["lean"]:
        lines.append(f"  `{e['tag']}` is already a lean variant")
    s = e["slimmer"]
    if s:
        what = "the JRE of the same release" if s["kind"] == "jre" else "the same release, slim variant"
        line = f"  slimmer: {s['image']}  ({what})"
        if s["saved_mb"]:
            refs = "".join(f"[{n}]" for n in s["sources"])
            line += f", about {s['saved_mb']:g} MB smaller compressed: {s['full_mb']:g} -> {s['slim_mb']:g} MB {refs}"
        lines.append(line)
    if e["runtime"]:
        lines.append("  runtime images: " + ", ".join(f"{k}: {v}" for k, v in e["runtime"].items()))
    if e["alternatives"]:
        lines.append("  alternatives:")
        lines += [f"    {a['image']}  ({a['caveat']})" for a in e["alternatives"]]
    if e["sizes"]:
        lines.append("  known sizes (compressed, linux/amd64):")
        lines += [f"    {e['key']}:{z['tag']:<16} {z['mb']:>7.1f} MB  [{z['source']}]" for z in e["sizes"]]
    else:
        lines.append("  known sizes: none recorded")
    if e["caveats"]:
        lines.append("  caveats:")
        lines += [f"    - {c}" for c in e["caveats"]]
    if e["sources"]:
        lines.append("  sources:")
        lines += [f"    [{src['n']}] {src['text']}" for src in e["sources"]]
    lines.append(f"  (knowledge base of {e['date']}; figures drift with every rebuild of the images)")
    return "\n".join(lines) + "\n"


def render_table(rows: list[dict]) -> str:
    header = ("IMAGE", "LIBC", "PKG", "SLIM", "ALPINE", "DISTROLESS", "SIZES (MB, amd64)")
    body = []
    for r in rows:
        sizes = ", ".join(f"{t} {mb:g}" for t, mb in r["sizes"].items())
        name = r["image"] + (" (deprecated)" if r["deprecated"] else "") + (" (build)" if r["toolchain"] else "")
        body.append((name, r["libc"], r["package_manager"], _yes(r["slim"]), _yes(r["alpine"]), r["distroless"] or "-", sizes or "-"))
    widths = [max(len(str(row[i])) for row in [header, *body]) for i in range(len(header) - 1)]
    out = []
    for row in [header, *body]:
        out.append("  ".join(f"{str(c):<{widths[i]}}" for i, c in enumerate(row[:-1])) + "  " + row[-1])
    return "\n".join(out) + "\n"


def eol_line() -> str:
    from dockerlint.images import eol

    data = eol.snapshot()
    return f"end-of-life data: endoflife.date of {data['_date']} ({data['_source']}; {len(data['products'])} products)\n"


def _refresh(args) -> int:
    from dockerlint.images.refresh import DEFAULT_SOURCE, RefreshError, refresh

    try:
        path, warnings = refresh(args.source or DEFAULT_SOURCE, args.timeout)
    except RefreshError as e:
        print(f"dockerlint images: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"dockerlint images: cannot write the end-of-life data: {e}", file=sys.stderr)
        return 2
    for w in warnings:
        print(f"dockerlint images: warning: {w}", file=sys.stderr)
    print(f"wrote {path}")
    sys.stdout.write(eol_line())
    return 0


def run(args) -> int:
    if getattr(args, "refresh", False):
        return _refresh(args)
    if args.image:
        e = explain(args.image)
        if e is None:
            print(f"dockerlint: no knowledge of {args.image!r} (see `dockerlint images` for the known images)", file=sys.stderr)
            return 1
        sys.stdout.write(json.dumps(e, indent=2) + "\n" if args.format == "json" else render_explanation(e))
        return 0
    rows = table_rows()
    if args.format == "json":
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    sys.stdout.write(render_table(rows) + eol_line())
    return 0
