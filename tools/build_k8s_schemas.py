"""Build dockerlint's bundled Kubernetes schemas from `kubernetes-validate`'s strict JSON schemas.

    python tools/build_k8s_schemas.py            # the last 6 minor versions it bundles
    python tools/build_k8s_schemas.py 1.30 1.31  # chosen versions

Source: the PyPI package `kubernetes-validate` (a test/build dependency only, never runtime),
which bundles JSON schemas derived from the Kubernetes OpenAPI documents (Apache-2.0). Output:
`dockerlint/data/k8s/<minor>.json.gz`, one small file per minor version, holding only what the
validators need (no descriptions), and `served.json`, which versions serve each apiVersion and
kind (read instead of every bundle when an old apiVersion is met):

    {"version": "1.37", "source": "...",
     "kinds": {"apps/v1": {"Deployment": "apps.v1.Deployment", ...}, ...},
     "types": {"apps.v1.Deployment": {"f": {"spec": "#apps.v1.DeploymentSpec", ...},
                                       "r": ["spec"]}, ...}}

A type expression is a primitive name (string, integer, int32, int64, number, boolean,
int-or-string, quantity, date-time, byte, object (any mapping), any), "#<type>" (a named
type), ["list", T], ["map", T] or ["enum", [values...]].

Enums: neither the OpenAPI documents nor kubernetes-validate carry them; the allowed values of
a few fields are only in the fields' descriptions. ENUM_FIELDS names those fields and how to
read the values out of each version's description; a field whose description no longer
matches stops the build (rather than silently losing the enum).
"""
from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dockerlint" / "data" / "k8s"
KEEP_VERSIONS = 6

_PREFIXES = ("io.k8s.api.", "io.k8s.apimachinery.pkg.apis.", "io.k8s.apimachinery.pkg.", "io.k8s.")
SPECIAL = {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "int-or-string",
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "date-time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "date-time",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "any",
    # JSONSchemaProps or a boolean / a list / a list of strings: Kubernetes accepts both forms,
    # the JSON schemas only the first
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray": "any",
}

# (definition, field, regex whose group 1 holds the values, how tokens are read)
#   "words": capitalised words (parenthesised asides dropped); "quoted": only "X" / 'X' / `X`;
#   "bullets": `* X:` or `- X` list items
ENUM_FIELDS = [
    ("core.v1.Container", "imagePullPolicy", r"One of (.*?)\.", "words"),
    ("core.v1.EphemeralContainer", "imagePullPolicy", r"One of (.*?)\.", "words"),
    ("core.v1.Container", "terminationMessagePolicy", r"(.*)", "cap-terms"),
    ("core.v1.PodSpec", "restartPolicy", r"One of (.*?)\.", "words"),
    ("core.v1.PodSpec", "dnsPolicy", r"Valid values are (.*?)\.", "quoted"),
    ("core.v1.PodSpec", "preemptionPolicy", r"One of (.*?)\.", "words"),
    ("core.v1.ServiceSpec", "type", r"Valid options are (.*?)\.", "words"),
    ("core.v1.ServiceSpec", "sessionAffinity", r"Must be (.*?)\.", "words"),
    ("core.v1.ServiceSpec", "ipFamilyPolicy", r"Services can be (.*?)\.\s", "quoted"),
    ("core.v1.ContainerPort", "protocol", r"Must be (.*?)\.", "words"),
    ("core.v1.ServicePort", "protocol", r"Supports (.*?)\.", "quoted"),
    ("networking.v1.NetworkPolicyPort", "protocol", r"protocol \((.*?)\)", "words"),
    ("networking.v1.HTTPIngressPath", "pathType", r"one of the following values:(.*)Implementations are required", "bullets"),
    ("batch.v1.CronJobSpec", "concurrencyPolicy", r"Valid values are:(.*)", "quoted"),
    ("batch.v1.JobSpec", "completionMode", r"It can be (.*?)\.", "quoted"),
    ("apps.v1.DeploymentStrategy", "type", r"Can be (.*?)\.", "quoted"),
    ("apps.v1.DaemonSetUpdateStrategy", "type", r"Can be (.*?)\.", "quoted"),
    ("core.v1.Toleration", "operator", r"Valid operators are (.*?)\.", "words"),
    ("core.v1.Toleration", "effect", r"allowed values are (.*?)\.", "words"),
    ("core.v1.Taint", "effect", r"Valid effects are (.*?)\.", "words"),
    ("core.v1.NodeSelectorRequirement", "operator", r"Valid operators are (.*)", "words"),
    ("core.v1.SeccompProfile", "type", r"Valid options are:(.*)", "dashed"),
    ("core.v1.AppArmorProfile", "type", r"Valid options are:(.*)", "dashed"),
    ("core.v1.PodSecurityContext", "fsGroupChangePolicy", r"Valid values are (.*?)\.", "quoted"),
    ("core.v1.PersistentVolumeSpec", "persistentVolumeReclaimPolicy", r"Valid options are (.*?)\. ", "words"),
    ("core.v1.TopologySpreadConstraint", "whenUnsatisfiable", r"(.*)A constraint is", "bullets"),
    ("policy.v1.PodDisruptionBudgetSpec", "unhealthyPodEvictionPolicy", r"Valid policies are (.*?)\.", "words"),
    ("autoscaling.v2.MetricSpec", "type", r"one of (.*?), each", "quoted"),
]
_NOT_VALUES = {"Defaults", "Default", "Required", "Value", "Valid", "If", "The", "Supports", "Must", "Empty"}


def short(name: str) -> str:
    for prefix in _PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


def enum_values(description: str, pattern: str, how: str) -> list[str]:
    m = re.search(pattern, description, re.S)
    if not m:
        return []
    text = m.group(1)
    if how == "quoted":
        found = re.findall(r"[\"'`](\w+)[\"'`]", text)
    elif how == "bullets":
        found = re.findall(r"(?:^|\s)[*-]\s+(\w+)", text)
    elif how == "dashed":
        found = re.findall(r"(\w+) - ", text)
    elif how == "cap-terms":  # "File will use ... FallbackToLogsOnError will use ..."
        found = re.findall(r"\b([A-Z]\w+) will use", text)
    else:
        text = re.sub(r"\([^)]*\)", "", text)
        found = [w for w in re.findall(r"\b([A-Z][A-Za-z]*)\b", text) if w not in _NOT_VALUES]
    values: list[str] = []
    for value in found:
        if value not in values:
            values.append(value)
    return values


class Converter:
    def __init__(self, defs: dict):
        self.defs = defs
        self.types: dict[str, dict] = {}
        self.inline = 0

    def ref(self, ref: str):
        name = ref.rsplit("/", 1)[-1]
        if name in SPECIAL:
            return SPECIAL[name]
        target = self.defs[name]
        if not target.get("properties") and "additionalProperties" not in target and not target.get("oneOf"):
            # free-form: RawExtension, FieldsV1 ("object"), or a plain scalar definition
            kind = _primitive(target)
            if kind is not None:
                return kind
        if short(name) not in self.types:
            self.types[short(name)] = {}  # placeholder against recursion
            self.types[short(name)] = self.object(target)
        return "#" + short(name)

    def expr(self, schema: dict):
        if "$ref" in schema:
            return self.ref(schema["$ref"])
        if schema.get("oneOf"):
            return "any"
        types = schema.get("type")
        types = [types] if isinstance(types, str) else [t for t in (types or []) if t != "null"]
        kind = types[0] if types else None
        if kind == "array":
            return ["list", self.expr(schema.get("items") or {})]
        if kind == "object" or (kind is None and ("properties" in schema or "additionalProperties" in schema)):
            if schema.get("properties"):
                self.inline += 1
                name = f"_inline{self.inline}"
                self.types[name] = self.object(schema)
                return "#" + name
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                return ["map", self.expr(extra)]
            return "object"
        return _primitive(schema) or "any"

    def object(self, schema: dict) -> dict:
        out: dict = {}
        props = schema.get("properties") or {}
        if props:
            out["f"] = {k: self.expr(v) for k, v in props.items()}
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            out["m"] = self.expr(extra)
        elif extra is not False and not props:
            out["m"] = "any"
        required = schema.get("required")
        if required:
            out["r"] = list(required)
        return out


def _primitive(schema: dict):
    types = schema.get("type")
    types = [types] if isinstance(types, str) else [t for t in (types or []) if t != "null"]
    if not types:
        return "any" if not schema else None
    kind = types[0]
    fmt = schema.get("format")
    if kind == "string":
        return {"byte": "byte", "date-time": "date-time"}.get(fmt, "string")
    if kind == "integer":
        return {"int32": "int32", "int64": "int64"}.get(fmt, "integer")
    if kind in ("number", "boolean"):
        return kind
    if kind == "object":
        return "object"
    return None


def build(version_dir: Path, minor: str, source: str) -> dict:
    defs = json.loads((version_dir / "_definitions.json").read_text())["$defs"]
    conv = Converter(defs)
    kinds: dict[str, dict[str, str]] = {}
    for name, schema in sorted(defs.items()):
        for gvk in schema.get("x-kubernetes-group-version-kind") or []:
            props = schema.get("properties") or {}
            if "kind" not in props or gvk["kind"] not in (props["kind"].get("enum") or [gvk["kind"]]):
                continue
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            kinds.setdefault(api_version, {})[gvk["kind"]] = conv.ref("#/$defs/" + name)[1:]
    missing = []
    for definition, field, pattern, how in ENUM_FIELDS:
        full = next((n for n in defs if short(n) == definition), None)
        prop = (defs[full].get("properties") or {}).get(field) if full else None
        if prop is None:
            continue  # not in this version
        values = enum_values(prop.get("description", ""), pattern, how)
        if len(values) < 2:
            missing.append(f"{definition}.{field}")
            continue
        conv.ref("#/$defs/" + full)
        conv.types[definition]["f"][field] = ["enum", values]
    if missing:
        raise SystemExit(f"{minor}: could not read the allowed values of {', '.join(missing)}")
    return {"version": minor, "source": source, "kinds": kinds, "types": dict(sorted(conv.types.items()))}


def main(argv: list[str]) -> None:
    import kubernetes_validate

    base = Path(kubernetes_validate.__file__).parent / "kubernetes-json-schema"
    from importlib.metadata import version as dist_version

    source = (f"kubernetes-validate {dist_version('kubernetes-validate')} strict schemas "
              "(from the Kubernetes OpenAPI documents, Apache-2.0)")
    available = sorted(
        (re.match(r"v(\d+\.\d+)", p.name).group(1) for p in base.glob("v*-local-strict")),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    wanted = argv or available[-KEEP_VERSIONS:]
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.json.gz"):
        if old.name[: -len(".json.gz")] not in wanted:
            old.unlink()
    for minor in wanted:
        data = build(base / f"v{minor}.0-local-strict", minor, source)
        raw = json.dumps(data, separators=(",", ":"), sort_keys=False).encode()
        path = OUT / f"{minor}.json.gz"
        with open(path, "wb") as f:
            # mtime=0: the same input gives the same bytes
            with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as gz:
                gz.write(raw)
        print(f"{path.relative_to(ROOT)}: {len(data['types'])} types, "
              f"{sum(len(k) for k in data['kinds'].values())} kinds, {len(raw):,} bytes JSON, "
              f"{path.stat().st_size:,} bytes gzip")
    write_served()


def write_served() -> None:
    sys.path.insert(0, str(ROOT))
    from dockerlint import schemas

    schemas.kubernetes_bundle.cache_clear()
    path = OUT / schemas.SERVED_FILE
    served = schemas.served_from_bundles()
    lines = []
    for api_version, kinds in served.items():  # an apiVersion a line, its kinds and their versions on it
        lines.append(f"{json.dumps(api_version)}: {json.dumps(kinds, sort_keys=True)}")
    path.write_text("{\n" + ",\n".join(lines) + "\n}\n", encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    if sys.argv[1:] == ["--served"]:  # only served.json, from the bundles there
        write_served()
    else:
        main(sys.argv[1:])
