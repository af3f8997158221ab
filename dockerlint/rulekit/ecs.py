"""Shared pieces of the ECS rules (EC...): the containers and task definitions of a program."""
from __future__ import annotations

from dockerlint.parse.python.unknown import UNKNOWN_TAG, is_unknown  # noqa: F401 (is_unknown: re-exported for the EC rules)
from dockerlint.parse.yaml import ScalarNode

_FRAMEWORK_WORDS = {
    "aws-cdk": "ECS container",
    "aws-batch": "Batch container",
    "ecs-patterns": "ECS container",
    "pulumi-aws": "ECS container",
    "pulumi-awsx": "ECS container",
}


def containers(ctx, *, definitions_only: bool = True) -> list:
    """The ECS containers of the program (python_ecs.EcsContainer). With `definitions_only`,
    not the image-only containers of ecs_patterns task image options."""
    model = ctx.model
    found = getattr(model, "ecs_containers", None) or []
    return [c for c in found if c.definition or not definitions_only]


def task_definitions(ctx) -> list:
    return getattr(ctx.model, "ecs_task_definitions", None) or []


def describe(container) -> str:
    word = _FRAMEWORK_WORDS.get(container.framework, "container")
    return f'{word} "{container.name}"' if container.name else f"unnamed {word}"


def known(node) -> ScalarNode | None:
    """A scalar whose value the program fixes (not null, not unknown)."""
    if type(node) is ScalarNode and not node.is_null and node.tag != UNKNOWN_TAG:
        return node
    return None
