
from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_WINDOWS_ABSOLUTE = lazy(r"^[A-Za-z]:[\\/]")


def is_absolute_destination(dest: str) -> bool:
    return dest.startswith(("/", "$")) or bool(_WINDOWS_ABSOLUTE.match(dest))


class CopyRelativeWithoutWorkdir(Rule):
    """`COPY` to a relative destination without `WORKDIR` set.

    ## What it does
    Flags a `COPY` whose destination is relative (`COPY app.py app.py`) in a stage where no
    `WORKDIR` has been set yet, neither in the stage nor in the stage it is built `FROM`.

    ## Why is this bad?
    A relative destination is resolved against the base image's working directory, which this
    Dockerfile does not show and which may change with the next base image release.

    ## Scope
    Every stage; `WORKDIR` is inherited by stages built `FROM` an earlier stage. Destinations
    starting with a variable or a Windows drive (`C:\\app`) count as absolute. `COPY` and
    `WORKDIR` inside `ONBUILD` are ignored, as in hadolint.

    ## Compared with other tools
    hadolint DL3045 (same meaning). hadolint tracks stages by image name, so after
    `FROM debian AS a` + `WORKDIR /x`, a later plain `FROM debian` counts as having a
    `WORKDIR`; dockerlint follows real stage inheritance.
    """

    code = "DL3045"
    name = "copy-relative-without-workdir"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3045",)
    examples = [
        bad("FROM debian:12\nCOPY app.py app.py\n", at=(2, 13)),
        bad("FROM debian:12 AS base\nWORKDIR /app\nFROM debian:12\nCOPY app.py .\n", at=(4, 13)),
        ok("FROM debian:12\nWORKDIR /app\nCOPY app.py .\n"),
        ok("FROM debian:12 AS base\nWORKDIR /app\nFROM base\nCOPY app.py .\n"),
        ok("FROM debian:12\nCOPY app.py /app/app.py\nCOPY run.sh ${BIN_DIR}\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        has_workdir: dict[int, bool] = {}
        current = False
        for ins in df.instructions:
            if ins.keyword == "FROM":
                parent = infos[ins.stage].parent
                current = has_workdir.get(parent, False) if parent is not None else False
                has_workdir[ins.stage] = current
            elif ins.keyword == "WORKDIR":
                current = True
                has_workdir[ins.stage] = True
            elif ins.keyword == "COPY" and not current:
                if ins.json is not None:
                    if len(ins.json) < 2:
                        continue
                    dest, span = ins.json[-1], ins.span
                else:
                    words = ins.words()
                    if len(words) < 2:
                        continue
                    dest, span = words[-1].value, words[-1].span
                    if is_absolute_destination(words[-1].text.strip("\"'")):
                        continue  # `C:\app` written with the default escape character
                if not is_absolute_destination(dest):
                    ctx.report(span, f"`COPY` to a relative destination without `WORKDIR` set: `{dest}`")
