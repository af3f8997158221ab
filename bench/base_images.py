"""DF003 on the corpus: how many slimmer-base-image recommendations, by image, and the bytes saved.

Lints every Dockerfile of the corpus with DF003 alone, groups the recommendations by the
official image (and by from -> to tag), sums the compressed size saved where the knowledge
base has figures for both tags, and lists a deterministic sample of recommendations to
spot-check by hand (each recommended tag against docker-library/official-images).
Usage: python bench/base_images.py [--corpus DIR] [--json FILE] [--sample N]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "dockerfiles"


def main() -> int:
    from dockerlint.engine import lint_source
    from dockerlint.files import read_file
    from dockerlint.images.reference import parse_image
    from dockerlint.images.knowledge import slimmer_variant
    from dockerlint.model import FileKind
    from dockerlint.settings import Settings

    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--json", type=Path, help="write the figures as JSON here")
    ap.add_argument("--sample", type=int, default=20, help="recommendations to list for a spot check")
    args = ap.parse_args()
    files = sorted(p for p in args.corpus.iterdir() if p.is_file())
    settings = Settings(select=["DF003"])
    start = time.perf_counter()
    recs = []
    errors = 0
    for path in files:
        decoded, error = read_file(str(path))
        if error is not None:
            errors += 1
            continue
        result = lint_source(decoded.text, str(path), settings, FileKind.DOCKERFILE)
        if result.error is not None:
            errors += 1
            continue
        for f in result.findings:
            if f.code != "DF003":
                continue
            images = re.findall(r"`([^`]+)`", f.message)
            original, recommended = images[0], images[1]
            variant = slimmer_variant(parse_image(original))
            recs.append({
                "file": path.name, "line": f.span.line, "from": original, "to": recommended,
                "image": parse_image(original).official_name or parse_image(original).name,
                "kind": variant.kind if variant else "?",
                "saved_mb": variant.saved_mb if variant else None,
                "fixable": f.fix is not None,
                "alpine": "alpine" in f.message.split("also consider", 1)[-1] if "also consider" in f.message else False,
                "distroless": "distroless" in f.message,
            })
    elapsed = time.perf_counter() - start
    by_image = Counter(r["image"] for r in recs)
    saved_by_image: dict[str, float] = defaultdict(float)
    sized = 0
    for r in recs:
        if r["saved_mb"]:
            saved_by_image[r["image"]] += r["saved_mb"]
            sized += 1
    total_mb = sum(saved_by_image.values())
    files_with = len({r["file"] for r in recs})
    print(f"{len(files)} Dockerfiles, {errors} unreadable or unparsable, {elapsed:.1f} s")
    print(f"{len(recs)} DF003 recommendations in {files_with} files ({sum(r['fixable'] for r in recs)} with a fix)")
    print(f"{sized} with sizes for both tags: about {total_mb:,.0f} MB ({total_mb * 1e6:,.0f} bytes) compressed saved in total")
    print(f"alpine also suggested: {sum(r['alpine'] for r in recs)}; distroless also suggested: {sum(r['distroless'] for r in recs)}")
    print("\nby image:")
    for image, n in by_image.most_common():
        print(f"  {image:20} {n:5}  saved ~{saved_by_image.get(image, 0):,.0f} MB")
    pairs = Counter((r["from"], r["to"]) for r in recs)
    print("\nmost frequent rewrites:")
    for (a, b), n in pairs.most_common(15):
        print(f"  {n:4}  {a} -> {b}")
    rng = random.Random(8)
    sample = rng.sample(recs, min(args.sample, len(recs)))
    print(f"\nspot-check sample ({len(sample)}, seed 8):")
    for r in sample:
        print(f"  {r['file']}:{r['line']}  {r['from']} -> {r['to']}  saved={r['saved_mb']}")
    if args.json:
        args.json.write_text(json.dumps({
            "files": len(files), "errors": errors, "recommendations": len(recs), "files_with": files_with,
            "by_image": dict(by_image), "saved_mb_by_image": dict(saved_by_image), "saved_mb_total": total_mb,
            "with_sizes": sized, "sample": sample, "pairs": [[a, b, n] for (a, b), n in pairs.most_common()],
        }, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
