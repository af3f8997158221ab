from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class FromAsCasing(Rule):
    """The `AS` keyword should match the case of the `FROM` keyword.

    ## What it does
    Flags `FROM image as name` (or `from image AS name`): the `AS` keyword cased differently
    from `FROM`.

    ## Why is this bad?
    Mixed casing in one instruction reads as a typo and makes Dockerfiles inconsistent;
    keywords are conventionally all upper case (or, in some projects, all lower case).

    ## Scope
    Every `FROM` with a stage name. As in BuildKit, a `FROM` keyword that is itself of mixed
    case (`From`) is left to DF104 (consistent instruction casing).

    ## Fix safety
    Safe: keyword case never changes what the instruction does.

    ## Compared with other tools
    Docker build check `FromAsCasing` (same meaning). hadolint has no equivalent.
    """

    code = "DF102"
    name = "from-as-casing"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:FromAsCasing",)
    examples = [
        bad("FROM debian:12 as build\n", fixed="FROM debian:12 AS build\n", at=(1, 16)),
        bad("from debian:12 AS build\n", fixed="from debian:12 as build\n", at=(1, 16)),
        ok("FROM debian:12 AS build\n"),
        ok("from debian:12 as build\n"),
        ok("From debian:12 as build\n"),
    ]

    def check(self, ctx):
        for stage in ctx.dockerfile.stages:
            ins = stage.from_
            words = ins.words()
            if len(words) < 3:
                continue
            keyword, as_word = ins.keyword_raw, words[1]
            if keyword == keyword.lower():
                wanted = as_word.text.lower()
            elif keyword == keyword.upper():
                wanted = as_word.text.upper()
            else:
                continue
            if as_word.text == wanted:
                continue
            ctx.report(
                as_word.span,
                f"'{as_word.text}' and '{keyword}' keywords' casing do not match",
                fix=make_fix([Edit(as_word.span.start, as_word.span.end, wanted)], Applicability.SAFE, f"write `{wanted}`"),
            )
