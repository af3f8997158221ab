from dockerlint.rulekit.analysis import parse_arg
from dockerlint.rulekit.buildkit import PREDEFINED_PLATFORM_ARGS, LexError, arg_words, args_span, is_valid_image_reference, process_word
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class InvalidDefaultArgInFrom(Rule):
    """The default values of global `ARG`s should give a valid `FROM` image.

    ## What it does
    Expands each `FROM` image that uses variables with the default values of the `ARG`s before
    the first `FROM` (an `ARG` without a default is empty), and flags it when the result is
    empty or not a valid image reference: `ARG TAG` + `FROM busybox:${TAG}` gives `busybox:`.

    ## Why is this bad?
    The Dockerfile cannot be built without `--build-arg`: a plain `docker build .` fails with an
    "invalid reference format" error instead of building a sensible default.

    ## Scope
    Every `FROM` that contains a variable. `--build-arg` values from the configuration are
    deliberately ignored: the check is about building without them.

    ## Compared with other tools
    Docker build check `InvalidDefaultArgInFrom` (same meaning). hadolint has no equivalent.
    """

    code = "DF110"
    name = "invalid-default-arg-in-from"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:InvalidDefaultArgInFrom",)
    examples = [
        bad("ARG TAG\nFROM busybox:${TAG}\n", at=(2, 6)),
        bad("ARG IMAGE\nFROM $IMAGE\n", at=(2, 6)),
        bad("ARG REGISTRY=Docker.io/\nFROM ${REGISTRY}Library/alpine:3.20\n", at=(2, 6)),
        ok("ARG TAG=latest\nFROM busybox:${TAG}\n"),
        ok("ARG VARIANT\nFROM busybox:stable${VARIANT}\n"),
        ok("ARG TAG\nFROM alpine:${TAG:-3.20}\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        env = dict(PREDEFINED_PLATFORM_ARGS)
        try:
            for ins in df.global_args:
                for name, default in parse_arg(ins):
                    if default is not None:
                        env[name], _ = process_word(self._raw_default(ins, name, default), env, ins.escape)
        except LexError:
            return  # the build fails on the ARG itself
        for stage in df.stages:
            words = arg_words(stage.from_)
            if not words or "$" not in words[0].text:
                continue
            image = words[0]
            try:
                result, _ = process_word(image.text, env, stage.from_.escape)
            except LexError:
                continue
            if not is_valid_image_reference(result):
                shown = f" (`{result}`)" if result else " (empty)"
                ctx.report(
                    args_span(stage.from_, image.start, image.end),
                    f"Default value for ARG {image.text} results in empty or invalid base image name{shown}",
                )

    @staticmethod
    def _raw_default(ins, name: str, unquoted: str) -> str:
        """The default as written (quotes kept), for BuildKit's own quote handling."""
        for word in arg_words(ins):
            key, eq, value = word.text.partition("=")
            if eq and key == name:
                return value
        return unquoted
