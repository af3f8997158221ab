"""Build dockerlint's compact Compose schema from the Compose Specification's JSON schema.

    python tools/build_compose_schema.py PATH/TO/compose-spec.json [COMMIT]

Source: `schema/compose-spec.json` of https://github.com/compose-spec/compose-spec (Apache-2.0,
the schema `docker compose` and compose-go validate with). Output:
`dockerlint/data/compose/compose-spec.json`, in the compact type language of
`dockerlint/schemas/validate.py`, with descriptions dropped and the source commit and licence
recorded in the file. Extensions of that language used here: {"one": [T, ...]} (oneOf, or a
list of types), "null", and "p": [[regex, T], ...] (patternProperties) on objects.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "dockerlint" / "data" / "compose" / "compose-spec.json"


class Converter:
    def __init__(self, spec: dict):
        self.defs = spec.get("definitions", {})
        self.types: dict[str, dict] = {}
        self.def_exprs: dict[str, object] = {}

    def ref(self, ref: str, label: str):
        name = ref.rsplit("/", 1)[-1]
        if name not in self.def_exprs:
            self.def_exprs[name] = "#" + name  # provisional, against recursion
            self.def_exprs[name] = self.expr(self.defs[name], name, named=name)
        return self.def_exprs[name]

    def expr(self, schema, label: str, named: str | None = None):
        if schema is True or schema == {}:
            return "any"
        if not isinstance(schema, dict):
            return "any"
        if "$ref" in schema:
            return self.ref(schema["$ref"], label)
        if "oneOf" in schema or "anyOf" in schema:
            alts = schema.get("oneOf") or schema.get("anyOf")
            return {"one": [self.expr({**{k: v for k, v in schema.items() if k not in ("oneOf", "anyOf")}, **alt}, label)
                            for alt in alts]}
        kind = schema.get("type")
        if isinstance(kind, list):
            return {"one": [self.expr({**schema, "type": t}, label) for t in kind]}
        if kind == "object" or (kind is None and ("properties" in schema or "patternProperties" in schema)):
            return self.object(schema, label, named)
        if kind == "array":
            return ["list", self.expr(schema.get("items", {}), label)]
        base = {"string": "string", "number": "number", "integer": "integer", "boolean": "boolean",
                "null": "null"}.get(kind, "any")
        constraints = {}
        if isinstance(schema.get("enum"), list):
            constraints["enum"] = schema["enum"]
        if isinstance(schema.get("pattern"), str) and base == "string":
            constraints["pattern"] = schema["pattern"]
        if constraints:
            return {"t": base, **constraints}
        return base

    def object(self, schema: dict, label: str, named: str | None):
        name = named or f"{label}#{len(self.types)}"
        spec: dict = {"label": label}
        self.types[name] = spec
        props = schema.get("properties") or {}
        if props:
            spec["f"] = {k: self.expr(v, k) for k, v in props.items()}
        patterns = schema.get("patternProperties") or {}
        if patterns:
            spec["p"] = [[pattern, self.expr(v, label)] for pattern, v in patterns.items()]
        extra = schema.get("additionalProperties", True)
        if isinstance(extra, dict):
            spec["m"] = self.expr(extra, label)
        elif extra is not False:
            spec["u"] = True
        if schema.get("required"):
            spec["r"] = list(schema["required"])
        return "#" + name


def main(argv: list[str]) -> None:
    source = Path(argv[0])
    commit = argv[1] if len(argv) > 1 else "unknown"
    spec = json.loads(source.read_text())
    conv = Converter(spec)
    root = conv.object(spec, "the Compose file", "compose")
    data = {
        "source": f"https://github.com/compose-spec/compose-spec/blob/{commit}/schema/compose-spec.json",
        "licence": "Apache-2.0 (Copyright The Compose Specification Authors)",
        "root": root,
        "types": dict(sorted(conv.types.items())),
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {len(conv.types)} types, {OUT.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
