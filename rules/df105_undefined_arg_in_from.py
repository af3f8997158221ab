from dockerlint.rulekit.analysis import parse_arg
from dockerlint.rulekit.buildkit import PREDEFINED_PLATFORM_ARGS, args_span, arg_words, suggest, var_refs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class UndefinedArgInFrom(Rule):
    """`FROM` must only use `ARG`s declared before the first `FROM`.

    ## What it does
    Flags a variable in a `FROM` image or `--platform` value that is neither an `ARG` declared
    before the first `FROM` nor one of BuildKit's predefined platform arguments
    (`BUILDPLATFORM`, `TARGETARCH`, ...). The message suggests a declared name when the
    variable looks like a typo of one.

    ## Why is this bad?
    Only global `ARG`s are visible to `FROM`: an `ARG` declared inside a stage, or a misspelt
    name, expands to an empty string, and not even `--build-arg` can set it. The build then
    pulls a different image than intended (`alpine:` plus an empty tag fails, `${VARIANT}`
    silently disappears).

    ## Scope
    Every `FROM`. A variable with a default (`${TAG:-3.20}`) is still reported, as BuildKit
    does: the default is then the only value it can ever take.

    ## Compared with other tools
    Docker build check `UndefinedArgInFrom` (same meaning). hadolint has no equivalent.
    """

    code = "DF105"
    name = "undefined-arg-in-from"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:UndefinedArgInFrom",)
    examples = [
        bad("FROM alpine:${TAG}\n", at=(1, 13)),
        bad("ARG VERSION=3.20\nFROM alpine:${VERSOIN}\n", at=(2, 13)),
        bad("FROM alpine:3.20 AS base\nARG TAG=3.20\nFROM alpine:$TAG\n", at=(3, 13)),
        ok("ARG TAG=3.20\nFROM alpine:${TAG}\n"),
        ok("ARG TAG\nFROM --platform=$BUILDPLATFORM alpine:${TAG:-3.20}\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        declared = set(PREDEFINED_PLATFORM_ARGS)
        for ins in df.global_args:
            declared.update(name for name, _ in parse_arg(ins))
        for stage in df.stages:
            ins = stage.from_
            reported: set[str] = set()
            words = arg_words(ins)
            if words:
                image = words[0]
                for ref in var_refs(image.text, ins.escape):
                    self._report(ctx, ref.name, declared, reported, args_span(ins, image.start + ref.start, image.start + ref.end))
            platform = ins.flag("platform")
            if platform is not None and platform.value:
                raw = df.source.text[platform.span.start : platform.span.end]
                base = raw.find(platform.value, raw.find("=") + 1)
                for ref in var_refs(platform.value, ins.escape):
                    if base >= 0:
                        start = platform.span.start + base + ref.start
                        span = df.source.span(start, start + ref.end - ref.start)
                    else:
                        span = platform.span
                    self._report(ctx, ref.name, declared, reported, span)

    @staticmethod
    def _report(ctx, name, declared, reported, span):
        if name in declared or name in reported or not (name[0].isalpha() or name[0] == "_"):
            return
        reported.add(name)
        match = suggest(name, declared)
        hint = f" (did you mean {match}?)" if match else ""
        ctx.report(span, f"FROM argument '{name}' is not declared{hint}")
