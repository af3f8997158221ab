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
from dockerlint.parse.dockerfile import _TOKEN_WS, Dockerfile, DockerfileParseError, Instruction, parse_dockerfile

_WHITESPACE_SPLIT = frozenset({"FROM", "EXPOSE", "ADD", "COPY", "VOLUME"})  # parseStringsWhitespaceDelimited
_WORDS = frozenset({"ARG"})  # parseNameOrNameVal
_SHELL = frozenset({"RUN", "CMD", "ENTRYPOINT", "SHELL"})


def _args_meaning(ins: Instruction, shell_signature: tuple | None = None, packages: bool = False) -> tuple:
    keyword, args = ins.keyword, ins.args
    if ins.json is not None:
        return ("exec", tuple(ins.json))
    if not args:
        return ("none",)
    if keyword in _SHELL:
        return ("shell", shell_signature if shell_signature is not None else shell_tokens.signature(args, packages))
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
        return ("healthcheck", parts[0].upper(), shell_tokens.signature(rest, packages) if rest else ())
    if keyword == "ONBUILD":
        return ("onbuild",)  # the wrapped instruction is compared as `inner`
    return ("exact", args)


def meaning(ins: Instruction, shell_signature: tuple | None = None, packages: bool = False) -> tuple:
    """What BuildKit builds from `ins`. `shell_signature`: the arguments' signature() when the
    caller already has it (the layout parsed them). `packages` (the `sort-packages` option):
    the order of an apt-get/apk package list is not part of the meaning (package_run)."""
    return (
        ins.keyword,
        tuple((f.name, f.value) for f in ins.flags),
        _args_meaning(ins, shell_signature, packages),
        _heredocs(ins),
        meaning(ins.inner) if ins.inner is not None else None,
    )


def _heredocs(ins: Instruction) -> tuple:
    return tuple((h.name, h.raw_content, h.chomp, h.quoted, h.fd) for h in ins.heredocs)


SENTINEL = "DOCKERLINT-PROOF-END"  # an instruction after the last changed one: it must start where expected


def differences(
    before: Dockerfile, header: str, changed: list[tuple[Instruction, str, tuple | None]], path: str = "-", packages: bool = False
) -> set[int] | None:
    """The indices of changed instructions whose new text does not mean the same; None when
    the new texts do not line up at all (the proof document does not parse, or its directives,
    comments or instruction boundaries differ).

    `changed`: (instruction, its new text with its heredoc bodies and final newline, its
    arguments' shell signature when the layout already computed it), in file order. `header`
    is the formatted text before the first instruction. The proof document is the header, the
    new texts one after the other and a sentinel instruction, read by our parser: each new text
    must be exactly one instruction starting on its own first line (so it ends where it ends
    in the formatted file, neither swallowing the next line nor leaving a line behind), with
    the same comment lines inside it, meaning the same as the instruction it replaces.

    Everything else in the formatted file is the original's lines (instructions not laid out,
    copied byte for byte), comment lines outside instructions with their leading whitespace
    removed, and runs of blank lines made one. An instruction ends by its own lines alone (its
    last line does not continue it, its heredocs are terminated), so the parser reads the
    formatted file as it reads those parts one by one: the instructions as before, comments
    with the same text. The header is in the proof document because its blank lines decide
    which comments are parser directives."""
    doc = header + "".join(piece for _, piece, _ in changed) + SENTINEL + "\n"
    try:
        after = parse_dockerfile(doc, path)
    except DockerfileParseError:
        return None
    if before.directives != after.directives or before.escape != after.escape:
        return None
    comments = before.comments
    first_line = before.instructions[0].span.line
    c = 0
    expected = []
    while c < len(comments) and comments[c].span.line < first_line:
        expected.append(comments[c].text)
        c += 1
    for old, _, _ in changed:
        while c < len(comments) and comments[c].span.line < old.span.line:
            c += 1
        while c < len(comments) and comments[c].span.line <= old.span.end_line:
            expected.append(comments[c].text)
            c += 1
    if [x.text for x in after.comments] != expected:
        return None
    if len(after.instructions) != len(changed) + 1:
        return None
    line = header.count("\n") + 1
    unproven: set[int] = set()
    for (old, piece, signature), new in zip(changed, after.instructions):
        if new.span.line != line:
            return None
        # Arguments written alike parse alike: the new text's shell program needs no re-parse.
        if meaning(new, signature if new.args == old.args else None, packages) != meaning(old, signature, packages):
            unproven.add(old.index)
        line += piece.count("\n")
    end = after.instructions[-1]
    if end.span.line != line or end.original != SENTINEL:
        return None
    return unproven
