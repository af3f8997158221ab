"""A Python implementation of Kustomize's common subset, measured against `kubectl kustomize`
as the oracle on the corpus overlays: how often does it build the same objects, and how fast?
A benchmark prototype to decide between the two, not product code.

Subset: resources (files, directories), bases, components, patches / patchesStrategicMerge
(strategic merge: maps merge, lists of maps merge by `name`, other lists replace) and JSON 6902
patches (add/replace/remove), namePrefix/nameSuffix (names only, not references), namespace,
commonLabels (labels, selectors, pod template labels), images, configMapGenerator and
secretGenerator (files, literals, envs; the hash suffix is not computed, names compare without it).

    python bench/kustomize_subset.py [CORPUS_DIR]
"""
from __future__ import annotations

import base64
import copy
import os
import re
import statistics
import sys
import time

import yaml

from dockerlint.discovery import discover
from dockerlint.kustomize.overlay import BuildError, build, kustomization_file
from dockerlint.model import FileKind

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass"}


class Unsupported(Exception):
    pass


def load_yaml(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d]


def smp(base, patch):
    """Strategic merge, the common part: maps merge, named lists merge by name, `null` deletes."""
    if isinstance(base, dict) and isinstance(patch, dict):
        out = dict(base)
        for k, v in patch.items():
            if v is None:
                out.pop(k, None)
            elif k in out:
                out[k] = smp(out[k], v)
            else:
                out[k] = copy.deepcopy(v)
        return out
    if isinstance(base, list) and isinstance(patch, list) and all(isinstance(x, dict) and "name" in x for x in base + patch):
        out = [dict(x) for x in base]
        for item in patch:
            match = next((i for i, x in enumerate(out) if x.get("name") == item["name"]), None)
            if match is None:
                out.append(copy.deepcopy(item))
            else:
                out[match] = smp(out[match], item)
        return out
    return copy.deepcopy(patch)


def json6902(obj, ops):
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].lstrip("/").split("/")]
        parent = obj
        for p in parts[:-1]:
            parent = parent[int(p)] if isinstance(parent, list) else parent[p]
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op["value"])
                elif op["op"] == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            del parent[int(last) if isinstance(parent, list) else last]
        else:
            raise Unsupported(f"json6902 op {op['op']}")
    return obj


def matches(obj, target):
    if not target:
        return True
    meta = obj.get("metadata", {})
    if target.get("kind") and obj.get("kind") != target["kind"]:
        return False
    if target.get("name") and not re.fullmatch(target["name"], meta.get("name", "")):
        return False
    if target.get("labelSelector"):
        wanted = dict(kv.split("=", 1) for kv in target["labelSelector"].split(","))
        if any(meta.get("labels", {}).get(k) != v for k, v in wanted.items()):
            return False
    return True


def generated(directory, gen, kind):
    data = {}
    for lit in gen.get("literals") or []:
        k, _, v = lit.partition("=")
        data[k] = v
    for f in gen.get("files") or []:
        key, _, path = f.partition("=") if "=" in f else (os.path.basename(f), "", f)
        with open(os.path.join(directory, path), encoding="utf-8") as fh:
            data[key] = fh.read()
    for env in (gen.get("envs") or []) + ([gen["env"]] if gen.get("env") else []):
        with open(os.path.join(directory, env), encoding="utf-8") as fh:
            for line in fh:
                line = line.strip()
                if line and not line.startswith("#") and "=" in line:
                    k, _, v = line.partition("=")
                    data[k] = v
    obj = {"apiVersion": "v1", "kind": kind, "metadata": {"name": gen["name"]}}
    if kind == "Secret":
        obj["type"] = gen.get("type", "Opaque")
        obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    else:
        obj["data"] = data
    return obj


def kbuild(directory, objects=None):
    """The objects of a kustomization (components apply to what was accumulated so far)."""
    kfile = kustomization_file(directory)
    k = (load_yaml(kfile) or [{}])[0]
    unknown = set(k) - {"apiVersion", "kind", "metadata", "resources", "bases", "components", "patches", "patchesStrategicMerge",
                        "patchesJson6902", "namePrefix", "nameSuffix", "namespace", "commonLabels", "images", "configMapGenerator",
                        "secretGenerator", "generatorOptions", "labels"}
    if unknown:
        raise Unsupported(", ".join(sorted(unknown)))
    objs = [] if objects is None else objects
    for entry in (k.get("resources") or []) + (k.get("bases") or []):
        path = os.path.join(directory, entry)
        if "://" in entry:
            raise Unsupported("remote resource")
        objs += kbuild(path) if os.path.isdir(path) else load_yaml(path)
    for entry in k.get("components") or []:
        objs = kbuild(os.path.join(directory, entry), objs)
    for key, kind in (("configMapGenerator", "ConfigMap"), ("secretGenerator", "Secret")):
        for gen in k.get(key) or []:
            if gen.get("behavior") in ("merge", "replace"):
                raise Unsupported("generator behavior")
            objs.append(generated(directory, gen, kind))
    patches = [(p, None) for p in k.get("patchesStrategicMerge") or []] + [(p, None) for p in k.get("patches") or []] + [(p, None) for p in k.get("patchesJson6902") or []]
    for entry, _ in patches:
        if isinstance(entry, str):
            body, target = load_yaml(os.path.join(directory, entry)), None
        else:
            target = entry.get("target")
            body = load_yaml(os.path.join(directory, entry["path"])) if entry.get("path") else list(yaml.safe_load_all(entry["patch"]))
        for doc in body:
            if isinstance(doc, list):  # JSON 6902
                objs = [json6902(copy.deepcopy(o), doc) if matches(o, target) else o for o in objs]
            else:
                t = target or {"kind": doc.get("kind"), "name": re.escape(doc.get("metadata", {}).get("name", ""))}
                objs = [smp(o, {k2: v for k2, v in doc.items() if k2 not in ("apiVersion",)}) if matches(o, t) else o for o in objs]
    labels = dict(k.get("commonLabels") or {})
    for o in objs:
        meta = o.setdefault("metadata", {})
        meta["name"] = (k.get("namePrefix") or "") + meta.get("name", "") + (k.get("nameSuffix") or "")
        if k.get("namespace") and o.get("kind") not in CLUSTER_SCOPED:
            meta["namespace"] = k["namespace"]
        if labels:
            meta.setdefault("labels", {}).update(labels)
            spec = o.get("spec") or {}
            if o.get("kind") == "Service":
                spec.setdefault("selector", {}).update(labels)
            elif "template" in spec:
                spec.setdefault("selector", {}).setdefault("matchLabels", {}).update(labels)
                spec["template"].setdefault("metadata", {}).setdefault("labels", {}).update(labels)
        for image in k.get("images") or []:
            for c in ((o.get("spec") or {}).get("template", {}).get("spec", {}).get("containers") or []):
                repo = re.split(r"[:@]", c.get("image", ""))[0]
                if repo == image["name"]:
                    c["image"] = (image.get("newName") or repo) + (f":{image['newTag']}" if image.get("newTag") else "") + (f"@{image['digest']}" if image.get("digest") else "")
    return objs


def normal(objs):
    """Objects keyed by (kind, name without a generator hash), for comparison."""
    out = {}
    for o in objs:
        name = re.sub(r"-[a-z0-9]{10}$", "", o.get("metadata", {}).get("name", ""))
        o = copy.deepcopy(o)
        o.get("metadata", {}).pop("name", None)
        out[(o.get("kind"), name)] = o
    return out


def main() -> int:
    corpus = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "corpus", "kustomize"))
    overlays = [c.path for c in discover([corpus], [])[0] if c.kind is FileKind.KUSTOMIZE]
    same = differ = unsupported = 0
    py_times, kubectl_times, notes = [], [], []
    for overlay in overlays:
        t0 = time.perf_counter()
        try:
            oracle = [d for d in yaml.safe_load_all(build(overlay)) if d]
        except BuildError:
            continue
        kubectl_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        try:
            mine = kbuild(overlay)
        except (Unsupported, KeyError, IndexError, ValueError, OSError) as e:
            unsupported += 1
            notes.append(f"{os.path.relpath(overlay, corpus)}: not built ({type(e).__name__}: {e})")
            continue
        py_times.append(time.perf_counter() - t0)
        a, b = normal(oracle), normal(mine)
        if a == b:
            same += 1
        else:
            differ += 1
            keys = sorted(set(a) ^ set(b)) or [k for k in a if a[k] != b.get(k)]
            notes.append(f"{os.path.relpath(overlay, corpus)}: differs on {keys[:3]}")
    print(f"overlays kubectl builds: {same + differ + unsupported}; the Python subset builds the same objects: {same}; differs: {differ}; unsupported: {unsupported}")
    for n in notes:
        print("  " + n)
    print(f"time per overlay: Python subset median {statistics.median(py_times) * 1000:.1f} ms, kubectl kustomize median {statistics.median(kubectl_times) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
