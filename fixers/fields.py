"""One field-edit interface for Kubernetes-style objects, whatever text they are written in.

A rule says *what* to change — set `securityContext.runAsNonRoot` of this container to `True`,
replace this value, remove this field — and the editor of the linted file's kind says *how*:
`YamlFields` edits manifest text (through `yaml_edits`, keeping comments, quoting and
indentation), `PythonFields` edits a cdk8s / Pulumi / AWS CDK program (through `python_edits`:
a keyword argument or dict entry in the style the program already uses, importing a class only
when the program has no name for it). The kind's plug-in names its editor
(`kinds.<kind>.PLUGIN.fields`); a kind without one gets no fix.

Every method returns the edits, or None when the change cannot be made with certainty (a value
the program computes at run time, a framework default written nowhere, ...).
"""
from __future__ import annotations


from dockerlint.model import Edit

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Sequence


def editor(ctx):
    """The field editor of the linted file's kind, or None."""
    from dockerlint.kinds import plugin

    return plugin(ctx.kind).fields


class YamlFields:
    def set_field(self, ctx, owner, path: Sequence[str], value: Any) -> list[Edit] | None:
        from dockerlint.fixers.yaml_edits import set_path

        return set_path(ctx.source, owner, list(path), value, style=_yaml_style(ctx))

    def ensure_fields(self, ctx, owner, path: Sequence[str], value: dict) -> list[Edit] | None:
        from dockerlint.fixers.yaml_edits import ensure_path

        return ensure_path(ctx.source, owner, list(path), value, style=_yaml_style(ctx))

    def set_value(self, ctx, node, value: Any) -> list[Edit] | None:
        from dockerlint.fixers.yaml_edits import scalar_text, set_scalar

        edit = set_scalar(ctx.source, node, scalar_text(value))
        return [edit] if edit is not None else None


def _yaml_style(ctx):
    from dockerlint.fixers.yaml_edits import detect_style

    return ctx.cached("yaml_style", lambda: detect_style(ctx.source, ctx.model))


class PythonFields:
    """Edits of the program a Python IaC model was read from (`ctx.model.reader`)."""

    def set_field(self, ctx, owner, path: Sequence[str], value: Any) -> list[Edit] | None:
        from dockerlint.fixers import python_fields

        return python_fields.set_field(ctx.model, owner, tuple(path), value)

    def ensure_fields(self, ctx, owner, path: Sequence[str], value: dict) -> list[Edit] | None:
        from dockerlint.fixers import python_fields

        if not value or any(isinstance(v, (dict, list)) for v in value.values()):
            return None  # nested structures: not written into a program automatically
        return python_fields.set_fields(ctx.model, owner, tuple(path), value)

    def set_value(self, ctx, node, value: Any) -> list[Edit] | None:
        from dockerlint.fixers import python_fields

        return python_fields.replace_value(ctx.model, node, value)
