from dockerlint.rulekit.analysis import global_arg_values, parse_arg, substitute
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


def is_pinned_image(value: str) -> bool:
    """`--from=` values that name an image with a tag or digest (`haskell:9`, `x@sha256:...`)."""
    return ":" in value or "@" in value


class CopyFromUnknownStage(Rule):
    """`COPY --from` should reference a previously defined `FROM` alias.

    ## What it does
    Flags `COPY --from=<name>` where `<name>` is neither a stage defined earlier in the file
    (by name, or by index such as `--from=0`) nor an image with a tag or digest
    (`--from=nginx:1.27`). An image name without a tag (`--from=acme/tools`) is flagged too,
    as by hadolint; the message then says to pin it if it is meant as an image.

    ## Why is this bad?
    A name that is not an earlier stage is pulled as an image from Docker Hub: a typo or a
    stage defined later silently copies from some unrelated public image (or fails).

    ## Scope
    Every `COPY --from` outside `ONBUILD`. Stage names compare case-insensitively, as in
    BuildKit. A value with variables (`--from=${BUILDER}`) is expanded with the stage's `ARG`s
    (a global `ARG` redeclared in the stage keeps its default; `build-args` from config win)
    and the result is judged; a value that cannot be known is not reported.

    ## Compared with other tools
    hadolint DL3022 (same meaning). hadolint does not expand variables and flags every
    `--from=$VAR`, even one whose `ARG` names an earlier stage (its issue 933).
    """

    code = "DL3022"
    name = "copy-from-unknown-stage"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3022",)
    examples = [
        bad("FROM debian:12\nCOPY --from=build /app /app\nFROM golang:1.22 AS build\n", at=(2, 6)),
        bad("FROM debian:12\nCOPY --from=1 /app /app\n", at=(2, 6)),
        ok("FROM golang:1.22 AS build\nFROM debian:12\nCOPY --from=build /app /app\nCOPY --from=0 /go /go\n"),
        ok("FROM debian:12\nCOPY --from=nginx:1.27 /etc/nginx /etc/nginx\n"),
        ok("ARG SRC=builder\nFROM debian:12 AS builder\nFROM debian:12\nARG SRC\nCOPY --from=$SRC /a /a\n"),
        bad("ARG SRC=bulider\nFROM debian:12 AS builder\nFROM debian:12\nARG SRC\nCOPY --from=$SRC /a /a\n", at=(5, 6)),
        ok("FROM debian:12 AS builder\nFROM debian:12\nARG SRC\nCOPY --from=${SRC} /a /a\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        build_args = ctx.settings.build_args
        global_values = ctx.cached("global_arg_values", lambda: global_arg_values(df, build_args))
        names: set[str] = set()
        stage_args: dict[str, str | None] = {}
        stages = 0
        for ins in df.instructions:
            if ins.keyword == "FROM":
                stages += 1
                stage_args = {}
                stage = df.stages[ins.stage]
                if stage.alias:
                    names.add(stage.alias.lower())
                continue
            if ins.keyword == "ARG" and stages:
                for name, default in parse_arg(ins):
                    if name in build_args:
                        stage_args[name] = build_args[name]
                    elif default is not None:
                        stage_args[name] = substitute(default, stage_args)
                    else:
                        stage_args[name] = global_values.get(name)
                continue
            flag = ins.flag("from") if ins.keyword == "COPY" else None
            if flag is None or not flag.value:
                continue
            written = value = flag.value.strip("\"'")
            if "$" in value:
                value = substitute(value, stage_args)
                if not value:
                    continue  # only known at build time
            if is_pinned_image(value) or value.lower() in names:
                continue
            # A stage may copy from an earlier stage by index; its own index is not earlier.
            # (ASCII digits only, as BuildKit; and short: int() refuses more than 4,300 digits)
            index = value.lstrip("0") or "0"
            if value.isascii() and value.isdigit() and len(index) < 10 and int(index) < max(stages - 1, 0):
                continue
            shown = f"`{written}` (= `{value}`)" if value != written else f"`{value}`"
            message = f"`COPY --from` should reference a previously defined `FROM` alias: {shown}"
            if "/" in value:
                message += " is not a stage of this Dockerfile (if it is an image, pin its tag)"
            ctx.report(flag.span, message)
