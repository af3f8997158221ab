"""Native custom rules: each becomes a `Rule` subclass with its `X` code, so selection,
`ignore`, severity overrides, suppression comments, every output format and every front end
(CLI, LSP, review bot, pre-commit) treat it like a built-in rule.

What a rule's expressions see (all plain data, as in the file):

- Kubernetes (`kinds: [kubernetes]`, also the objects of Python IaC programs): `object`, one
  Kubernetes object (each item of a List); reported at its `kind:`.
- Compose (`compose`): `service`, the service's mapping, and `name`, its name; reported at the
  service's name.
- Dockerfile (`dockerfile`): `instruction` = `{keyword, args, flags, json, heredocs, line,
  stage}` (keyword upper case; `flags` maps flag names to values, `true` for a bare flag; `json`
  the exec-form list or null; `heredocs` the bodies) for each instruction, and `stage` = `{index,
  name, image, platform, final, instructions}` (its instructions in the same shape); reported at
  the instruction. Instructions before the first FROM have `stage` null.

`match` (optional) decides whether the rule looks at the item; `assert` must be true, or the
rule reports `message` (its `{expressions}` evaluated on the same item). An expression that
fails to evaluate (a missing field without `has()`) is reported too, with the error, as an
admission policy with `failurePolicy: Fail` would. `fix` sets or removes fields (dotted paths
under the object or service), as an unsafe fix.
"""
from __future__ import annotations

from typing import Any

from dockerlint.model import Applicability, FileKind, Fix
from dockerlint.rule import Rule


class CustomRule(Rule):
    """Base of the rules made from custom rule files."""

    spec: Any = None
    where: str = ""
    custom = True

    @classmethod
    def fixable(cls) -> bool:
        return bool(cls.spec.fix_set or cls.spec.fix_remove)

    @classmethod
    def docs_url(cls) -> str:
        return cls.where

    def check(self, ctx) -> None:
        from dockerlint.policies import models

        from dockerlint.policies.cel_runtime import activation

        spec = self.spec
        env = spec.assertion.program.variables
        prepared = ctx.cached("policies.activations", dict)
        for found, span, owner in models.items(ctx, spec.kinds):
            key = (id(found), env)
            if key not in prepared:
                # a rule of several kinds sees the other kinds' variables as null
                variables = {**spec.null_variables, **found}
                prepared[key] = (variables, activation(env, variables), found)  # `found` kept alive: ids stay unique
            variables, act, _ = prepared[key]
            try:
                if spec.match is not None and spec.match.program.evaluate(prepared=act) is not True:
                    continue
                if spec.assertion.program.evaluate(prepared=act) is True:
                    continue
                message = render(spec.message, variables, act)
            except Exception as e:  # noqa: BLE001 - CelEvalError, or a function's own error
                message = f"{spec.name}: `assert` or `match` could not be evaluated: {e}"
            fix = _fix(ctx, spec, owner) if owner is not None else None
            ctx.report(span, message, fix=fix)


def render(template, variables: dict, prepared=None) -> str:
    from dockerlint.policies.cel_runtime import stringify

    out = []
    for part in template.parts:
        if isinstance(part, str):
            out.append(part)
        else:
            try:
                out.append(stringify(part.program.evaluate(variables, prepared)))
            except Exception as e:  # noqa: BLE001
                out.append(f"<{part.source.strip()}: {e}>")
    return "".join(out)


def _fix(ctx, spec, owner) -> Fix | None:
    if not (spec.fix_set or spec.fix_remove) or ctx.kind is FileKind.PYTHON:
        return None
    from dockerlint.fixers.yaml_edits import delete_pair, detect_style, set_path
    from dockerlint.parse.yaml import MappingNode

    style = ctx.cached("yaml_style", lambda: detect_style(ctx.source, ctx.model))
    edits = []
    for path, value in spec.fix_set.items():
        found = set_path(ctx.source, owner, path.split("."), value, style=style)
        if found is None:
            return None
        edits += found
    for path in spec.fix_remove:
        *parents, last = path.split(".")
        mapping = owner.get_in(*parents) if parents else owner
        if type(mapping) is not MappingNode or last not in mapping:
            continue
        edit = delete_pair(ctx.source, mapping, last)
        if edit is None:
            return None
        edits.append(edit)
    if not edits:
        return None
    ordered = sorted(edits, key=lambda e: (e.start, e.end))
    if any(b.start < a.end or (b.start == a.end == b.end and a.start == a.end) for a, b in zip(ordered, ordered[1:])):
        return None  # a set next to a removed key: the edits would overlap
    parts = [f"set {k}" for k in spec.fix_set] + [f"remove {k}" for k in spec.fix_remove]
    return Fix(tuple(edits), Applicability.UNSAFE, f"{spec.code}: {', '.join(parts)}")


def make_rule(spec) -> type[CustomRule]:
    what = spec.description or _template_text(spec.message)
    why = spec.why or "A rule of your organisation's policy."
    kinds = ", ".join(sorted(k.value for k in spec.kinds))
    doc = (
        f"{what}\n\n## What it does\n{what}\n\nChecks `{spec.assertion.source.strip()}`"
        + (f" where `{spec.match.source.strip()}`" if spec.match else "")
        + f" ({kinds}).\n\n## Why is this bad?\n{why}\n\n## Scope\nA custom rule from `{spec.where}`."
    )
    if spec.fix_set or spec.fix_remove:
        doc += "\n\n## Fix safety\nUnsafe: " + ", ".join([f"sets `{k}`" for k in spec.fix_set] + [f"removes `{k}`" for k in spec.fix_remove]) + "."
    return type(
        f"Custom_{spec.code}",
        (CustomRule,),
        {
            "__doc__": doc,
            "__module__": __name__,
            "code": spec.code,
            "name": spec.name,
            "kinds": spec.kinds,
            "severity": spec.severity,
            "spec": spec,
            "where": spec.where,
            "examples": [],
        },
    )


def _template_text(template) -> str:
    return "".join(p if isinstance(p, str) else "{" + p.source + "}" for p in template.parts)
