
from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_WINDOWS_ABSOLUTE = lazy(r"^(?:[A-Za-z]:)?[\\/]")


class WorkdirRelativePath(Rule):
    """A relative `WORKDIR` before any absolute one depends on the base image's working directory.

    ## What it does
    Flags the first `WORKDIR` of a stage (counting the stages it is built `FROM`) when its
    path is relative: `FROM node:20` then `WORKDIR app`. Relative `WORKDIR`s after an absolute
    one are fine; they resolve against a directory this Dockerfile chose.

    ## Why is this bad?
    A relative path resolves against the working directory the base image happens to set.
    When the base image changes (a new tag, a switch from `node` to `node:slim` or
    distroless) the files land somewhere else and `CMD`/`COPY` paths silently break.

    ## Scope
    Every stage; a stage built `FROM` an earlier stage inherits whether that stage already
    set an absolute `WORKDIR`. Paths starting with a variable are skipped, since their value
    usually comes from the base image (`WORKDIR $GOPATH/src`). `ONBUILD WORKDIR` is skipped.

    ## Compared with other tools
    Docker build check `WorkdirRelativePath` (same meaning). hadolint DL3000 (Checkov
    CKV_DOCKER_10, Trivy DS009) flags every relative `WORKDIR`, even `WORKDIR src` right after
    `WORKDIR /app`, which is well defined.
    Where DL3000 reports the same place too (both selected), one finding is shown: DL3000's,
    with DF106 and its aliases among the finding's aliases.
    """

    code = "DF106"
    name = "workdir-relative-path"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:WorkdirRelativePath",)
    same_finding_as = "DL3000"  # one finding where both report: theirs, with this code as an alias
    examples = [
        bad("FROM node:20-slim\nWORKDIR app\n"),
        bad("FROM node:20-slim AS base\nFROM base\nWORKDIR ./app\n"),
        ok("FROM node:20-slim\nWORKDIR /app\nWORKDIR src\n"),
        ok("FROM node:20-slim AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n"),
        ok("FROM golang:1.22\nWORKDIR $GOPATH/src/app\n"),
        ok("FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nWORKDIR C:\\\\app\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        workdir_set: dict[int, bool] = {}
        for info in infos:
            is_set = workdir_set.get(info.parent, False) if info.parent is not None else False
            for ins in info.stage.instructions:
                if ins.keyword != "WORKDIR" or is_set:
                    continue
                words = ins.words()
                if not words:
                    continue
                path = words[0].value
                if not path.startswith("$") and not _WINDOWS_ABSOLUTE.match(path):
                    ctx.report(words[0].span, f'Relative workdir "{path}" can have unexpected results if the base image changes')
                is_set = True
            workdir_set[info.stage.index] = is_set
