"""The plain-data models custom rules and admission policies evaluate, computed once per linted
file and shared (through `ctx.cached`) by every custom rule of that file."""
from __future__ import annotations

from dockerlint.model import FileKind


def kubernetes_objects(ctx) -> list:
    """[(object as plain data, K8sObject)] of a Kubernetes file or Python IaC program."""
    def compute():
        from dockerlint.parse.yaml import to_python
        from dockerlint.policies.cel_runtime import plain
        from dockerlint.rulekit.k8s_model import objects

        out = []
        for obj in objects(ctx.model):
            try:
                out.append((plain(to_python(obj.node)), obj))
            except Exception:  # noqa: BLE001 - an alias bomb or odd keys: the object is not judged
                continue
        return out

    return ctx.cached("policies.k8s_objects", compute)


def _instruction(ins) -> dict:
    return {
        "keyword": ins.keyword,
        "args": ins.args,
        "flags": {f.name: (f.value if f.value is not None else True) for f in ins.flags},
        "json": list(ins.json) if ins.json is not None else None,
        "heredocs": [h.content for h in ins.heredocs],
        "line": ins.line,
        "stage": ins.stage,
    }


def dockerfile_items(ctx) -> list:
    def compute():
        df = ctx.model
        stages = []
        last = len(df.stages) - 1
        for st in df.stages:
            stages.append({
                "index": st.index, "name": st.alias, "image": st.image, "platform": st.platform,
                "final": st.index == last, "instructions": [_instruction(i) for i in st.instructions],
            })
        out = []
        for ins in df.instructions:
            stage = stages[ins.stage] if 0 <= ins.stage < len(stages) else None
            out.append(({"instruction": _instruction(ins), "stage": stage}, ins.span, None))
        return out

    return ctx.cached("policies.dockerfile", compute)


def compose_items(ctx) -> list:
    def compute():
        from dockerlint.parse.yaml import to_python
        from dockerlint.policies.cel_runtime import plain
        from dockerlint.rulekit.compose import compose_services

        out = []
        for service in compose_services(ctx):
            try:
                data = plain(to_python(service.node))
            except Exception:  # noqa: BLE001
                continue
            out.append(({"service": data, "name": service.name}, service.missing_span, service.node))
        return out

    return ctx.cached("policies.compose", compute)


def items(ctx, kinds) -> list:
    """(variables, span to report, the mapping node fixes edit or None) for each item of the
    file this rule looks at."""
    kind = ctx.kind
    if kind in (FileKind.KUBERNETES, FileKind.PYTHON) and FileKind.KUBERNETES in kinds:
        return [({"object": data}, obj.kind_span, obj.node) for data, obj in kubernetes_objects(ctx)]
    if kind is FileKind.COMPOSE and FileKind.COMPOSE in kinds:
        return compose_items(ctx)
    if kind is FileKind.DOCKERFILE and FileKind.DOCKERFILE in kinds:
        return dockerfile_items(ctx)
    return []
