"""Issue 16's measurements over ../shared/corpus with `fix --unsafe-fixes`.

For every corpus file (Dockerfiles, Kubernetes, Compose), fixed in-process with every rule
selected (SC excluded, as in tests/test_fix_corpus.py) and unsafe fixes on:

- (file, rule) pairs whose finding count grows from the original to the fixed text;
- containers given an effective `runAsNonRoot: true` by the fix without a non-root
  `runAsUser`, whose image the knowledge base does not know to run as non-root;
- privilege removals applied to host-access workloads (privileged: true turned off,
  SYS_ADMIN/SYS_MODULE dropped, allowPrivilegeEscalation turned off on a privileged
  container), judged by `host_access_reason` below, written independently of the rules;
- Compose services whose `network_mode: host` the fix removed and that end with no `ports:`;
- fixes applied and refused per rule, and findings per rule before and after.

    nice python bench/fix_safety.py --out /tmp/fix_safety.json      # whole corpus, 2 workers
    python bench/fix_safety.py --review 20 --seed 16                  # 20 random unsafe diffs

`--review N` picks N random (file, rule) pairs whose unsafe fix the engine applies and prints
each one's diff (that rule's fixes alone), for a person to judge.
"""
from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import random
import sys
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("DOCKERLINT_CORPUS", ROOT.parent / "shared" / "corpus"))
FOLDERS = {"dockerfiles": "dockerfile", "kubernetes": None, "compose": "compose"}
HOST_PATHS = ("/dev", "/sys", "/lib/modules", "/var/lib/kubelet", "/proc", "/run/containerd",
              "/var/run/docker.sock", "/run/docker.sock", "/var/run/crio", "/run/crio",
              "/var/run/containerd", "/var/run/cri-dockerd.sock")


def _settings():
    from dockerlint.settings import Settings

    return Settings(select=["ALL"], ignore=["SC"])


def _pod_specs(node, out):
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            out.append(node)
        for v in node.values():
            _pod_specs(v, out)
    elif isinstance(node, list):
        for v in node:
            _pod_specs(v, out)
    return out


def _containers(spec):
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                yield key, c


def _sc(d):
    sc = d.get("securityContext")
    return sc if isinstance(sc, dict) else {}


def host_access_reason(spec) -> str | None:
    for v in spec.get("volumes") or []:
        if isinstance(v, dict) and isinstance(v.get("hostPath"), dict):
            path = str(v["hostPath"].get("path", ""))
            if any(path == p or path.startswith(p.rstrip("/") + "/") for p in HOST_PATHS):
                return f"hostPath {path}"
    for _k, c in _containers(spec):
        image = str(c.get("image", ""))
        if "csi-node-driver-registrar" in image or "livenessprobe" in image and "csi" in image:
            return f"CSI sidecar {image}"
        caps = (_sc(c).get("capabilities") or {}).get("add") or []
        if any(str(x).upper().removeprefix("CAP_") in ("SYS_ADMIN", "SYS_MODULE") for x in caps if isinstance(caps, list)):
            return "SYS_ADMIN/SYS_MODULE"
    return None


def _docs(text):
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None


def _image_known_non_root(image: str) -> bool:
    try:
        from dockerlint.images.knowledge import runtime_user
        from dockerlint.images.reference import parse_image

        user = runtime_user(parse_image(image))
    except Exception:
        return False
    return user is not None and user.default


def k8s_checks(original, fixed):
    """(runAsNonRoot without a non-root runAsUser, privilege removals on host-access workloads)."""
    before, after = _docs(original), _docs(fixed)
    bad_nonroot, bad_priv = [], []
    if before is None or after is None or len(before) != len(after):
        return bad_nonroot, bad_priv
    for b_doc, a_doc in zip(before, after):
        b_specs, a_specs = _pod_specs(b_doc, []), _pod_specs(a_doc, [])
        if len(b_specs) != len(a_specs):
            continue
        for b_spec, a_spec in zip(b_specs, a_specs):
            b_pod, a_pod = _sc(b_spec), _sc(a_spec)
            reason = host_access_reason(b_spec)
            for (_k, bc), (_k2, ac) in zip(_containers(b_spec), _containers(a_spec)):
                bsc, asc = _sc(bc), _sc(ac)

                def eff(sc, pod, key):
                    return sc[key] if key in sc else pod.get(key)

                nonroot_before = eff(bsc, b_pod, "runAsNonRoot") is True
                nonroot_after = eff(asc, a_pod, "runAsNonRoot") is True
                uid = eff(asc, a_pod, "runAsUser")
                if nonroot_after and not nonroot_before and not (type(uid) is int and uid > 0):
                    if not _image_known_non_root(str(ac.get("image", ""))):
                        bad_nonroot.append(f"{ac.get('name')} ({ac.get('image')})")
                if reason:
                    if bsc.get("privileged") is True and asc.get("privileged") is not True:
                        bad_priv.append(f"{ac.get('name')}: privileged removed ({reason})")
                    b_add = set(map(str, (bsc.get("capabilities") or {}).get("add") or []))
                    a_add = set(map(str, (asc.get("capabilities") or {}).get("add") or []))
                    if b_add - a_add:
                        bad_priv.append(f"{ac.get('name')}: capabilities {sorted(b_add - a_add)} removed ({reason})")
                    if bsc.get("privileged") is True and asc.get("allowPrivilegeEscalation") is False and bsc.get("allowPrivilegeEscalation") is not False:
                        bad_priv.append(f"{ac.get('name')}: allowPrivilegeEscalation: false on a privileged container ({reason})")
    return bad_nonroot, bad_priv


def compose_checks(original, fixed):
    before, after = _docs(original), _docs(fixed)
    out = []
    if not before or not after or not isinstance(before[0], dict) or not isinstance(after[0], dict):
        return out
    b_services = before[0].get("services") or {}
    a_services = after[0].get("services") or {}
    if not isinstance(b_services, dict) or not isinstance(a_services, dict):
        return out
    for name, b in b_services.items():
        a = a_services.get(name)
        if not isinstance(b, dict) or not isinstance(a, dict):
            continue
        if str(b.get("network_mode", "")).lower() == "host" and "network_mode" not in a and not a.get("ports"):
            out.append(str(name))
    return out


def fix_one(job):
    from dockerlint.engine import lint_source, read_file
    from dockerlint.fix import fix_source
    from dockerlint.model import FileKind

    path, folder, kind_name = job
    kind = FileKind(kind_name) if kind_name else None
    settings = _settings()
    out = {"path": f"{folder}/{os.path.basename(path)}", "before": {}, "after": {}, "applied": {},
           "refused": {}, "grown": {}, "nonroot": [], "privilege": [], "host_network": [], "error": None}
    decoded, error = read_file(path)
    if decoded is None:
        out["error"] = "unreadable"
        return out
    text = decoded.text
    try:
        result = lint_source(text, path, settings, kind)
        outcome = fix_source(text, path, settings, kind, unsafe=True)
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
        return out
    before = Counter(f.code for f in result.findings)
    after = Counter(f.code for f in outcome.findings) if outcome.text != text else before
    out["before"], out["after"] = dict(before), dict(after)
    out["applied"], out["refused"] = dict(outcome.applied), dict(outcome.refused)
    out["grown"] = {c: [before[c], n] for c, n in after.items() if n > before[c]}
    if outcome.text != text:
        if folder == "kubernetes":
            out["nonroot"], out["privilege"] = k8s_checks(text, outcome.text)
        elif folder == "compose":
            out["host_network"] = compose_checks(text, outcome.text)
    return out


def jobs():
    out = []
    for folder, kind in FOLDERS.items():
        for p in sorted((CORPUS / folder).iterdir()):
            if p.is_file():
                out.append((str(p), folder, kind, p.stat().st_size))
    out.sort(key=lambda j: -j[3])
    return [j[:3] for j in out]


def measure(out_path, workers):
    os.environ.setdefault("DOCKERLINT_SHELLCHECK", "/nonexistent/no-shellcheck")
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        results = list(pool.imap_unordered(fix_one, jobs(), chunksize=8))
    results.sort(key=lambda r: r["path"])
    Path(out_path).write_text(json.dumps(results, indent=0))
    summarise(results)


def summarise(results):
    total = lambda key: sum((Counter(r[key]) for r in results), Counter())
    before, after, applied, refused = total("before"), total("after"), total("applied"), total("refused")
    grown = [(r["path"], c, v) for r in results for c, v in r["grown"].items()]
    print(f"files {len(results)}, errors {sum(1 for r in results if r['error'])}")
    print(f"(file, rule) pairs whose count grows: {len(grown)}")
    for g in Counter(c for _p, c, _v in grown).most_common():
        print(f"  grown {g[0]}: {g[1]} files")
    print(f"runAsNonRoot without a non-root runAsUser (image not known non-root): {sum(len(r['nonroot']) for r in results)} containers")
    print(f"privilege removed on host-access workloads: {sum(len(r['privilege']) for r in results)}")
    print(f"network_mode: host removed, no ports left: {sum(len(r['host_network']) for r in results)}")
    print(f"fixes applied {sum(applied.values())}, refused {sum(refused.values())}")
    print("rule      before  after  applied refused")
    for code in sorted(set(before) | set(after) | set(applied) | set(refused)):
        print(f"{code:8} {before[code]:7} {after[code]:6} {applied[code]:8} {refused[code]:7}")


def review(count, seed):
    """Print `count` random unsafe fixes (one rule's fixes on one file) as diffs."""
    from dockerlint.engine import lint_source, read_file
    from dockerlint.fix import effective_applicability, fix_source
    from dockerlint.model import Applicability, FileKind

    settings = _settings()
    rng = random.Random(seed)
    all_jobs = jobs()
    rng.shuffle(all_jobs)
    shown = 0
    seen_rules = Counter()
    for path, folder, kind_name in all_jobs:
        if shown >= count:
            break
        kind = FileKind(kind_name) if kind_name else None
        decoded, _ = read_file(path)
        if decoded is None:
            continue
        result = lint_source(decoded.text, path, settings, kind)
        codes = sorted({f.code for f in result.findings if effective_applicability(f, settings) is Applicability.UNSAFE})
        if not codes:
            continue
        code = rng.choice(codes)
        if seen_rules[code] >= 3:  # spread the sample over the rules
            continue
        outcome = fix_source(decoded.text, path, settings, kind, unsafe=True, only={code})
        if outcome.text == decoded.text:
            continue
        seen_rules[code] += 1
        shown += 1
        name = f"{folder}/{os.path.basename(path)}"
        print(f"=== {shown}. {code} {name}")
        sys.stdout.writelines(difflib.unified_diff(decoded.text.splitlines(True), outcome.text.splitlines(True), f"a/{name}", f"b/{name}", n=4))
        print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="/tmp/fix_safety.json")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--review", type=int)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--summarise", metavar="JSON")
    args = parser.parse_args()
    if args.summarise:
        summarise(json.loads(Path(args.summarise).read_text()))
    elif args.review:
        review(args.review, args.seed)
    else:
        measure(args.out, args.workers)
