from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class CopyDestNotDirectory(Rule):
    """`COPY` with more than 2 arguments requires the last argument to end with `/`.

    ## What it does
    Flags a `COPY` (or `ADD`) with several sources whose destination does not end with `/`.

    ## Why is this bad?
    Several sources can only go into a directory, and BuildKit insists that the destination
    then ends with `/`: the build fails with "When using COPY with more than one source file,
    the destination must be a directory and end with a /".

    ## Scope
    Every `COPY`/`ADD` outside `ONBUILD`, shell and JSON form. A destination given through a
    variable (`$DEST`) is not known and never flagged.

    ## Compared with other tools
    hadolint DL3021 and Trivy DS011 (same meaning). hadolint checks `COPY` only; BuildKit has
    the same requirement for `ADD`, so it is checked too.
    """

    code = "DL3021"
    name = "copy-dest-not-directory"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3021", "AVD-DS-0011")
    examples = [
        bad("FROM debian:12\nCOPY a.txt b.txt /app\n", at=(2, 18)),
        bad('FROM debian:12\nCOPY ["a.txt", "b.txt", "/app"]\n', at=(2, 1)),
        ok("FROM debian:12\nCOPY a.txt b.txt /app/\n"),
        ok("FROM debian:12\nCOPY a.txt /app\n"),
        ok("FROM debian:12\nCOPY a.txt b.txt $DEST\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword not in ("COPY", "ADD"):
                continue
            if ins.json is not None:
                args, span = ins.json, ins.span
            else:
                words = ins.words()
                args = [w.value for w in words]
                span = words[-1].span if words else ins.span
            if len(args) <= 2:
                continue
            dest = args[-1]
            if dest.endswith("/") or "$" in dest:
                continue
            ctx.report(
                span,
                f"`{ins.keyword}` with more than 2 arguments requires the last argument to end with `/`: `{dest}`",
            )
