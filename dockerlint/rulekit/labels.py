"""LABEL pairs and the `label-schema` setting, shared by the label rules (DL3048-DL3058).

`label-schema` maps a label name to a type (`text`, `url`, `spdx`, `hash`, `rfc3339`,
`semver`, `email`); an empty type means `text`, as in hadolint. Only top-level LABELs count:
a LABEL inside ONBUILD labels the child image, not this one.
"""
from __future__ import annotations


from dockerlint.rulekit.keyvalues import Pair, expanded_text, pairs
from dockerlint.parse.dockerfile import Dockerfile, Instruction

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Iterator


def label_pairs(df: Dockerfile) -> Iterator[tuple[Instruction, Pair]]:
    for ins in df.instructions:
        if ins.keyword == "LABEL":
            for pair in pairs(ins):
                yield ins, pair


def schema(settings) -> dict[str, str]:
    return {name: (kind or "text").strip().lower() for name, kind in (settings.label_schema or {}).items()}


def labels_of_type(ctx, kind: str) -> Iterator[tuple[Instruction, Pair]]:
    """The LABEL pairs whose name the schema declares with type `kind`."""
    wanted = {name for name, k in schema(ctx.settings).items() if k == kind}
    if not wanted:
        return
    for ins, pair in ctx.cached("label_pairs", lambda: list(label_pairs(ctx.dockerfile))):
        if pair.key in wanted:
            yield ins, pair


def has_variable(pair: Pair) -> bool:
    """The value uses a variable, so it is only known at build time."""
    return "$" in expanded_text(pair.raw_value, pair.escape)


def report_invalid(ctx, kind: str, valid, problem: str) -> None:
    """Report each label of schema type `kind` whose literal value `valid` rejects:
    "Label `<key>` <problem>. Value: `<value>`" (values with a variable are only known at build
    time and are not judged)."""
    for _ins, pair in labels_of_type(ctx, kind):
        if not has_variable(pair) and not valid(pair.value):
            ctx.report(pair.span, f"Label `{pair.key}` {problem}. Value: `{pair.value}`")
