from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.analysis import stage_infos


class JSONArgsRecommended(Rule):
    """JSON arguments recommended for `CMD` and `ENTRYPOINT`, as Docker's build check judges it.

    ## What it does
    Flags a shell-form `CMD` or `ENTRYPOINT` (`CMD node server.js`) in a stage where no `SHELL`
    instruction has set the shell: neither the stage itself nor a stage of this Dockerfile it is
    built `FROM`. This is BuildKit's `JSONArgsRecommended` with BuildKit's semantics.

    ## Why is this bad?
    In shell form the program runs as a child of `/bin/sh -c`, which does not pass on signals:
    `docker stop` cannot stop it gracefully and waits for the kill timeout. A shell-form
    `ENTRYPOINT` also ignores `CMD` and the arguments of `docker run`.

    ## Scope
    Like BuildKit: `CMD` and `ENTRYPOINT` of every stage, not `HEALTHCHECK` nor `ONBUILD`
    triggers; silent once `SHELL` is set (a shell chosen on purpose); reported at the
    instruction. `# check=skip=JSONArgsRecommended` (file or the line before) skips it.

    ## Compared with other tools
    Docker build check `JSONArgsRecommended` (same meaning). hadolint DL3025 also flags
    `HEALTHCHECK CMD` and shell-form commands under a `SHELL`, and has the fixes; where DL3025
    reports the same instruction (both selected), one finding is shown: DL3025's, with DF116
    and `BuildKit:JSONArgsRecommended` among its aliases.
    """

    code = "DF116"
    name = "json-args-recommended"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:JSONArgsRecommended",)
    same_finding_as = "DL3025"  # one finding where both report: theirs, with this code as an alias
    examples = [
        bad("FROM node:22-slim\nCMD node server.js\n"),
        bad("FROM alpine:3.20\nENTRYPOINT my-program start\nCMD [\"--help\"]\n", count=1),
        ok('FROM node:22-slim\nCMD ["node", "server.js"]\nHEALTHCHECK CMD wget -q --spider http://localhost/\n'),
        ok('FROM mcr.microsoft.com/powershell:lts AS base\nSHELL ["pwsh", "-Command"]\nFROM base\nCMD Get-Date\n'),
        ok("FROM alpine:3.20\nONBUILD CMD echo hello\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        parent = {i.stage.index: i.parent for i in infos}
        has_shell: dict[int, bool] = {}
        for ins in df.instructions:
            if ins.keyword == "FROM":
                p = parent.get(ins.stage)
                has_shell[ins.stage] = bool(p is not None and has_shell.get(p))
            elif ins.keyword == "SHELL":
                has_shell[ins.stage] = True
            elif ins.keyword in ("CMD", "ENTRYPOINT") and ins.json is None and ins.args.strip():
                if not has_shell.get(ins.stage):
                    ctx.report(
                        ins.span,
                        f"JSON arguments recommended for {ins.keyword} to prevent unintended behavior related to OS signals",
                    )
