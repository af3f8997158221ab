from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok


class NoEmptyContinuation(Rule):
    """Empty continuation lines will become errors in a future release.

    ## What it does
    Flags blank (or whitespace-only) lines inside an instruction continued with `\\`:

    ```dockerfile
    RUN apk add --no-cache \\

        curl
    ```

    ## Why is this bad?
    The builder skips such lines today, but Docker has announced that they will become a
    syntax error. They also hide mistakes: a blank line usually means the continuation was
    meant to end, yet the next line is still glued to the instruction.

    ## Scope
    Every instruction, `ONBUILD` included. Comment lines inside a continuation are allowed
    (BuildKit drops them) and are not reported.

    ## Fix safety
    Safe: the blank lines are deleted; BuildKit ignores them already, so the instruction stays
    exactly the same.

    ## Compared with other tools
    Docker build check `NoEmptyContinuation` (same meaning). hadolint has no equivalent.
    """

    code = "DF103"
    name = "no-empty-continuation"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:NoEmptyContinuation",)
    examples = [
        ok("FROM alpine:3.20\nRUN apk add --no-cache \\\n    curl=8.9.1-r2\n"),  # shown as "Use instead": lints clean
        bad(
            "FROM alpine:3.20\nRUN apk add --no-cache \\\n\n    curl\n",
            fixed="FROM alpine:3.20\nRUN apk add --no-cache \\\n    curl\n",
            at=(3, 1),
        ),
        bad(
            "FROM alpine:3.20\nRUN echo a \\\n   \n    && echo b \\\n\n    && echo c\n",
            fixed="FROM alpine:3.20\nRUN echo a \\\n    && echo b \\\n    && echo c\n",
            count=1,
            at=(3, 1),
        ),
        ok("FROM alpine:3.20\nRUN apk add --no-cache \\\n    # a comment\n    curl\n\nRUN true\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        src = df.source
        for ins in df.instructions:
            first = ins.span.line
            last = src.position(ins.segments[-1][1])[0] if ins.segments else first
            if last <= first:
                continue
            blank = [n for n in range(first + 1, last) if not src.line_text(n).strip()]
            if not blank:
                continue
            edits = [Edit(src.line_start(n), src.line_start(n + 1), "") for n in blank]
            start = src.line_start(blank[0])
            ctx.report(
                src.span(start, start + len(src.line_text(blank[0]))),
                "Empty continuation line",
                fix=make_fix(edits, Applicability.SAFE, "delete the empty continuation line" + ("s" if len(blank) > 1 else "")),
            )
