from dockerlint.rulekit.buildkit import args_span, arg_words
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class LegacyKeyValueFormat(Rule):
    """`ENV key=value` should be used instead of the legacy `ENV key value` form.

    ## What it does
    Flags `ENV` and `LABEL` instructions written in the legacy whitespace-separated form,
    `ENV key value`, instead of `ENV key=value`.

    ## Why is this bad?
    The legacy form is deprecated. It takes everything after the key as one value, spaces
    included, so `ENV PATH /app/bin DEBUG=1` sets `PATH` to `/app/bin DEBUG=1` instead of
    setting two variables; and it cannot set more than one variable per instruction.

    ## Scope
    Every stage; instructions inside `ONBUILD` are left alone (they are linted by the build
    that triggers them).

    ## Fix safety
    Safe: `ENV key value` becomes `ENV key=value`; a value of several words is wrapped in double
    quotes, which keeps its spaces (also those of continuation lines) exactly as the legacy form
    did. No fix is offered when the value contains quotes or the escape character, since quoting
    would change how those are read, nor when a comment line sits between the key and the value
    (joining them would delete it).

    ## Compared with other tools
    Docker build check `LegacyKeyValueFormat` (same meaning). hadolint has no equivalent.
    """

    code = "DF108"
    name = "legacy-key-value-format"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:LegacyKeyValueFormat",)
    examples = [
        bad("FROM alpine:3.20\nENV APP_HOME /app\n", fixed="FROM alpine:3.20\nENV APP_HOME=/app\n", at=(2, 5)),
        bad(
            'FROM alpine:3.20\nLABEL description A small image\n',
            fixed='FROM alpine:3.20\nLABEL description="A small image"\n',
            at=(2, 7),
        ),
        bad(
            "FROM alpine:3.20\nENV DEPS \\\n    curl \\\n    git\n",
            fixed='FROM alpine:3.20\nENV DEPS="curl \\\n    git"\n',
            at=(2, 5),
        ),
        bad("FROM alpine:3.20\nENV MSG \"it's\" ok\n", at=(2, 5)),
        bad("FROM alpine:3.20\nENV KEY \\\n# the release signing key\n    390EF70B\n", at=(2, 5)),  # no fix: a comment sits between
        ok("FROM alpine:3.20\nENV APP_HOME=/app DEBUG=0\nLABEL description=\"A small image\"\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword not in ("ENV", "LABEL"):
                continue
            words = arg_words(ins)
            if len(words) < 2 or "=" in words[0].text:
                continue
            key, first, last = words[0], words[1], words[-1]
            kw = ins.keyword
            fix = None
            value = ins.args[first.start : last.end]
            src = ins.source
            key_end = ins.source_offset(key.end - 1) + 1
            value_start = ins.source_offset(first.start)
            value_end = ins.source_offset(last.end - 1) + 1
            if len(words) == 2:
                edits = [Edit(key_end, value_start, "=")]
            elif not any(c in value for c in ('"', "'", ins.escape)):
                edits = [Edit(key_end, value_start, '="'), Edit(value_end, value_end, '"')]
            else:
                edits = None
            if edits and any(key_end <= c.span.start < value_start for c in ctx.dockerfile.comments):
                edits = None  # joining key and value would delete a comment line between them
            if edits:
                fix = make_fix(edits, Applicability.SAFE, f"write `{kw} {key.text}=...`")
            ctx.report(
                args_span(ins, key.start, last.end) if src is not None else ins.span,
                f'"{kw} key=value" should be used instead of legacy "{kw} key value" format',
                fix=fix,
            )
