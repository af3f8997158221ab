"""Compose Specification validation (DC100) against the bundled compact schema.

The schema is `dockerlint/data/compose/compose-spec.json`, derived by
tools/build_compose_schema.py from the Compose Specification's JSON schema (Apache-2.0); its
source commit is recorded in the file. Anchors, aliases and merge keys are resolved by the YAML
layer, so a merged mapping is checked as Compose sees it; an issue inside an anchored mapping
is reported once, where it is written.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache

from dockerlint.schemas.validate import Compiler, Issue


@lru_cache(maxsize=1)
def compose_schema():
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "compose", "compose-spec.json")
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    # null is accepted everywhere, as for Kubernetes: compose-go resets null values before it
    # validates (`environment:` with only a comment under it is common and runs)
    compiler = Compiler(data["types"])
    return compiler.compile(data["root"]), data["source"]


def file_issues(ctx) -> list[Issue]:
    def compute():
        check, _ = compose_schema()
        out: list[Issue] = []
        for doc in ctx.model:
            if doc.root is not None:
                check(doc.root, out, None)
        seen = set()
        unique = []
        for issue in out:
            key = (issue.span.start, issue.span.end, issue.message)
            if key not in seen:
                seen.add(key)
                unique.append(issue)
        return unique
    return ctx.cached("compose-schema-issues", compute)
