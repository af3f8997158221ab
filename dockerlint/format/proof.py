"""The proof that formatting kept the meaning.

Two instructions mean the same when our parser (which agrees with BuildKit's on the whole
corpus) gives them the same keyword, flags, heredocs and arguments *as BuildKit reads them*:
exec-form arrays equal; a value BuildKit keeps as one string (WORKDIR, USER, the old
`ENV NAME value` form) equal character for character; word lists equal word for word; and a
shell program (shell-form RUN/CMD/ENTRYPOINT/SHELL, HEALTHCHECK CMD) with the same command
structure and words by tree-sitter-bash, so only whitespace between shell tokens may differ.
"""
from __future__ import annotations

from dockerlint.format import shell_tokens
from dockerlint.parse.dockerfile import _TOKEN_WS, Dockerfile, Instruction

_WHITESPACE_SPLIT = frozenset({"FROM", "EXPOSE", "ADD", "COPY", "VOLUME"})  # parseStringsWhitespaceDelimited
_WORDS = frozenset({"ARG"})  # parseNameOrNameVal
_SHELL = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})


def _args_meaning(ins: Instruction, shell_signature: tuple | None = None) -> tuple:
    keyword, args = ins.keyword, ins.args
    if ins.json is not None:
        return ("exec", tuple(ins.json))
    if not args:
        return ("none",)
    if keyword in _SHELL:
        return ("shell", shell_signature if shell_signature is not None else shell_tokens.signature(args))
    if keyword in _WHITESPACE_SPLIT:
        fields = _TOKEN_WS.split(args)
        if keyword == "FROM" and len(fields) == 3 and fields[1].lower() == "as":
            fields[1] = "as"  # BuildKit compares it case-insensitively
        return ("fields", tuple(fields))
    if keyword in _WORDS:
        return ("words", tuple(w.text for w in ins.words()))
    if keyword in ("ENV", "LABEL"):
        words = ins.words()
        if words and "=" not in words[0].text:
            return ("name-value", tuple(_TOKEN_WS.split(args, 1)))
        return ("words", tuple(w.text for w in words))
    if keyword == "HEALTHCHECK":
        parts = _TOKEN_WS.split(args, 1)
        rest = parts[1] if len(parts) > 1 else ""
        return ("healthcheck", parts[0].upper(), shell_tokens.signature(rest) if rest else ())
    if keyword == "ONBUILD":
        return ("onbuild",)  # the wrapped instruction is compared as `inner`
    return ("exact", args)


def meaning(ins: Instruction, shell_signature: tuple | None = None) -> tuple:
    """What BuildKit builds from `ins`. `shell_signature`: the arguments' signature() when the
    caller already has it (the layout parsed them)."""
    return (
        ins.keyword,
        tuple((f.name, f.value) for f in ins.flags),
        _args_meaning(ins, shell_signature),
        _heredocs(ins),
        meaning(ins.inner) if ins.inner is not None else None,
    )


def _heredocs(ins: Instruction) -> tuple:
    return tuple((h.name, h.raw_content, h.chomp, h.quoted, h.fd) for h in ins.heredocs)


def differences(before: Dockerfile, after: Dockerfile | None, laid_out: dict[int, tuple | None]) -> set[int] | None:
    """The indices of laid-out instructions that do not mean the same in `after` (the parse of
    the formatted file); None when the two files do not line up at all (directives, comments or
    the number of instructions differ, the result does not parse, or an instruction that was
    not laid out changed).

    `laid_out` maps a changed instruction's index to its arguments' shell signature, when the
    layout already computed it."""
    if after is None or before.directives != after.directives or before.escape != after.escape:
        return None
    if [c.text for c in before.comments] != [c.text for c in after.comments]:
        return None
    if len(before.instructions) != len(after.instructions):
        return None
    unproven: set[int] = set()
    for old, new in zip(before.instructions, after.instructions):
        if old.index in laid_out:
            if meaning(new) != meaning(old, laid_out[old.index]):
                unproven.add(old.index)
        elif new.original != old.original or _heredocs(new) != _heredocs(old):
            return None
    return unproven
