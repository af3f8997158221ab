"""Facts about a Dockerfile that many rules share: ARG resolution, stages, the final image.

All functions are pure; rules cache them per file with `ctx.cached(...)`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from dockerlint.parse.dockerfile import Dockerfile, Instruction, Stage
from dockerlint.rulekit.patterns import lazy

_VAR = lazy(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-+?])?(?P<word>[^}]*)\}|(?P<plain>[A-Za-z_][A-Za-z0-9_]*))")


_NAMES = lazy(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")


def variable_names(text: str) -> list[str]:
    """Every `$NAME`/`${NAME...}` a word refers to, defaults' variables included, in order."""
    return _NAMES.findall(text)


def parse_arg(instruction: Instruction) -> list[tuple[str, str | None]]:
    """`ARG A=1 B` → [("A", "1"), ("B", None)] (quotes removed)."""
    out = []
    for word in instruction.words():
        name, sep, value = word.value.partition("=")
        if name:
            out.append((name, value if sep else None))
    return out


def substitute(text: str, env: dict[str, str | None]) -> str | None:
    """Expand $VAR / ${VAR} / ${VAR:-default} / ${VAR:+alt} like BuildKit; None if any variable is unknown."""
    unknown = False

    def repl(m: re.Match) -> str:
        nonlocal unknown
        name = m.group("braced") or m.group("plain")
        op = m.group("op")
        word = m.group("word") or ""
        value = env.get(name)
        if op in (":-", "-"):
            if value is None or (op == ":-" and value == ""):
                inner = substitute(word, env)
                if inner is None:
                    unknown = True
                    return ""
                return inner
            return value
        if op in (":+", "+"):
            if value is not None and (op == "+" or value != ""):
                inner = substitute(word, env)
                if inner is None:
                    unknown = True
                    return ""
                return inner
            return "" if value is not None or name in env else _unknown()
        if value is None:
            unknown = True
            return ""
        return value

    def _unknown():
        nonlocal unknown
        unknown = True
        return ""

    result = _VAR.sub(repl, text)
    return None if unknown else result


def global_arg_values(df: Dockerfile, build_args: dict[str, str] | None = None) -> dict[str, str | None]:
    """ARG values visible to FROM lines: defaults before the first FROM, overridden by --build-arg."""
    env: dict[str, str | None] = {}
    build_args = build_args or {}
    for instruction in df.global_args:
        for name, default in parse_arg(instruction):
            if name in build_args:
                env[name] = build_args[name]
            elif default is not None:
                resolved = substitute(default, env)
                env[name] = resolved
            else:
                env[name] = None
    return env


@dataclass
class StageInfo:
    """A stage with its base image resolved and the earlier stage it builds on."""

    stage: Stage
    image: str | None  # FROM image with ARGs resolved; None when it cannot be known
    parent: int | None  # index of the earlier stage this one is built FROM, if any


def stage_infos(df: Dockerfile, build_args: dict[str, str] | None = None) -> list[StageInfo]:
    env = global_arg_values(df, build_args)
    aliases: dict[str, int] = {}
    infos = []
    for stage in df.stages:
        image = substitute(stage.image, env) if "$" in stage.image else stage.image
        parent = aliases.get(image.lower()) if image is not None else None
        infos.append(StageInfo(stage, image, parent))
        if stage.alias:
            aliases[stage.alias.lower()] = stage.index
        aliases[str(stage.index)] = stage.index
    return infos


def final_image_stages(df: Dockerfile, build_args: dict[str, str] | None = None) -> set[int]:
    """The last stage and the chain of stages it is built FROM: what ends up in the image."""
    infos = stage_infos(df, build_args)
    if not infos:
        return set()
    chain = set()
    current: int | None = len(infos) - 1
    while current is not None and current not in chain:
        chain.add(current)
        current = infos[current].parent
    return chain


def tag_is_written(image: str) -> bool:
    """Whether the tag part of a `FROM` image is written out, so that no ARG value can change
    whether (or how) it is tagged: `$REGISTRY/debian`, `${IMAGE}:latest`, `node:20`, but not
    `$BASE`, `debian${SUFFIX}` or `node:${TAG}`. hadolint's DL3006/DL3007 judge only such
    images; what an ARG's value decides is DF006's."""
    last = image.split("@", 1)[0].rsplit("/", 1)[-1]
    _, colon, tag = last.rpartition(":")
    part = tag if colon else last
    return "$" not in part and "}" not in part


ROOT_USERS = {"root", "0"}


def user_name(instruction: Instruction) -> str:
    """The user part of `USER name[:group]`."""
    return instruction.args.strip().split(":", 1)[0].strip()


def is_root_user(instruction: Instruction) -> bool:
    return user_name(instruction) in ROOT_USERS


def last_user(stage: Stage) -> Instruction | None:
    users = [i for i in stage.instructions if i.keyword == "USER"]
    return users[-1] if users else None


def repeated_in_stage(df, keyword: str):
    """Each `keyword` instruction (CMD, ENTRYPOINT, HEALTHCHECK) after the first of its stage:
    only the last one takes effect. ONBUILD ones are not counted (they belong to the child)."""
    seen = False
    for ins in df.instructions:
        if ins.keyword == "FROM":
            seen = False
        elif ins.keyword == keyword:
            if seen:
                yield ins
            seen = True
