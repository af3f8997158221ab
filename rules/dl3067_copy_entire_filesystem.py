from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class CopyEntireFilesystem(Rule):
    """Do not copy an entire filesystem from another stage.

    ## What it does
    Flags `COPY --from=<stage> / /`: the whole root filesystem of another stage or image copied
    over the root of this one.

    ## Why is this bad?
    It drags everything along (package caches, compilers, secrets left behind, `/proc`
    leftovers) and overwrites this stage's own files, defeating the point of a multi-stage
    build. Copy the directories you need instead.

    ## Scope
    Every `COPY --from` outside `ONBUILD`.

    ## Compared with other tools
    hadolint DL3067 (same meaning).
    """

    code = "DL3067"
    name = "copy-entire-filesystem"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3067",)
    examples = [
        bad("FROM debian:12 AS build\nFROM scratch\nCOPY --from=build / /\n", at=(3, 1)),
        ok("FROM debian:12 AS build\nFROM scratch\nCOPY --from=build /app /\n"),
        ok("FROM scratch\nCOPY / /\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "COPY" or ins.flag("from") is None:
                continue
            args = ins.json if ins.json is not None else [w.value for w in ins.words()]
            if len(args) >= 2 and args[-1] == "/" and "/" in args[:-1]:
                ctx.report(ins.keyword_span, "Do not copy an entire filesystem from another stage")
