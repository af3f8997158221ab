import json
import re

from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.runs import DEFAULT_SHELL, WINDOWS_DEFAULT_SHELL, shell_argv
from dockerlint.parse.shell import is_posix_shell, parse_shell
from dockerlint.rulekit.patterns import lazy

# Characters that never mean anything to a POSIX shell inside an unquoted word.
_PLAIN_TEXT = lazy(r"^[A-Za-z0-9_@%+=:,./\-\t ]+$")
_HEALTHCHECK_CMD = lazy(r"^\s*CMD(?=\s)", re.IGNORECASE)
_WINDOWS_IMAGE = lazy(r"windows|nanoserver|servercore|ltsc20\d\d", re.IGNORECASE)
# Builtins with no program of the same name: they only work inside a shell.
_SHELL_ONLY = frozenset(
    ". : alias bg break cd command continue eval exit export fc fg getopts hash jobs local read "
    "readonly return set shift source times trap type ulimit umask unalias unset wait".split()
)


def plain_argv(command: str) -> list[str] | None:
    """The argv of a command line that a POSIX shell would run as is: one simple command of
    plain words (no quotes, expansions, globs, redirections, operators or assignments).
    A leading `exec` is dropped. None when the shell would do anything more."""
    if not _PLAIN_TEXT.match(command):
        return None
    script = parse_shell(command)
    if not script.parse_ok or len(script.commands) != 1:
        return None
    cmd = script.commands[0]
    if cmd.assignments or cmd.redirects or cmd.in_substitution:
        return None
    argv = [cmd.name_word.value] + [w.value for w in cmd.args]
    if argv[0] == "exec" and len(argv) > 1 and not argv[1].startswith("-"):
        argv = argv[1:]
    if argv[0] in _SHELL_ONLY or "=" in argv[0]:
        return None
    return argv


def _json(argv: list[str]) -> str:
    return "[" + ", ".join(json.dumps(a, ensure_ascii=False) for a in argv) + "]"


class ShellFormCmd(Rule):
    """Use arguments JSON notation for CMD and ENTRYPOINT arguments.

    ## What it does
    Flags `CMD`, `ENTRYPOINT` and `HEALTHCHECK CMD` in shell form (`CMD node server.js`)
    instead of exec form (`CMD ["node", "server.js"]`).

    ## Why is this bad?
    In shell form the program runs as a child of `/bin/sh -c`, which does not pass on
    signals: `docker stop` cannot stop it gracefully and waits for the kill timeout. A
    shell-form `ENTRYPOINT` also ignores `CMD` and the arguments of `docker run`.

    ## Scope
    Every stage; instructions inside `ONBUILD` are not checked (as in hadolint).

    ## Fix safety
    A command that is one simple command of plain words (no `$`, quotes, globs, `~`,
    redirections, `&&`, `|`, `;`, backticks, assignments or shell builtins; a leading `exec` is
    dropped) becomes the same words in JSON form: `CMD node server.js` →
    `CMD ["node", "server.js"]`. This is safe for `CMD` and `HEALTHCHECK CMD`: the shell would
    have run exactly that program with those arguments (if the base image defines an
    `ENTRYPOINT`, it now receives the words instead of `/bin/sh -c ...`, which is what such
    entrypoints expect). It is unsafe for `ENTRYPOINT` (`CMD` and `docker run` arguments,
    ignored before, now reach the program), for a `CMD` in a stage that declares an
    `ENTRYPOINT`, and under a non-POSIX `SHELL` or a Windows base image (`cmd` expands `%VAR%`).

    Any other command keeps its shell: `CMD a && b` → `CMD ["/bin/sh", "-c", "a && b"]` (with
    the stage's `SHELL` when it sets one, `cmd /S /C` for a Windows base image). That fix is
    unsafe: signals still go to the shell, and the base image may set another default shell.

    ## Compared with other tools
    hadolint DL3025 (same meaning). Docker's build check JSONArgsRecommended is close but not
    the same: it ignores `HEALTHCHECK` and stays silent in a stage that sets `SHELL`.
    hadolint's JSON reader rejects some valid JSON escapes (`["\\/usr/bin/znc"]`) and then
    reports an exec-form CMD that BuildKit reads as JSON; here the array is read as BuildKit
    reads it.
    """

    code = "DL3025"
    name = "shell-form-cmd"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3025",)
    examples = [
        bad("FROM node:22\nCMD node server.js --port=8080\n", fixed='FROM node:22\nCMD ["node", "server.js", "--port=8080"]\n'),
        bad("FROM node:22\nCMD exec node server.js\n", fixed='FROM node:22\nCMD ["node", "server.js"]\n'),
        bad(
            'FROM nginx:1.27\nCMD nginx -g "daemon off;"\n',
            fixed='FROM nginx:1.27\nCMD ["/bin/sh", "-c", "nginx -g \\"daemon off;\\""]\n',
        ),
        bad("FROM alpine:3.20\nENTRYPOINT my-program start\n", fixed='FROM alpine:3.20\nENTRYPOINT ["my-program", "start"]\n'),
        bad(
            "FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD wget -q --spider http://localhost/ || exit 1\n",
            fixed='FROM alpine:3.20\nHEALTHCHECK --interval=5s CMD ["/bin/sh", "-c", "wget -q --spider http://localhost/ || exit 1"]\n',
        ),
        bad(
            'FROM mcr.microsoft.com/powershell:lts\nSHELL ["pwsh", "-Command"]\nCMD Get-Date\n',
            fixed='FROM mcr.microsoft.com/powershell:lts\nSHELL ["pwsh", "-Command"]\nCMD ["Get-Date"]\n',
        ),
        ok('FROM node:22\nCMD ["node", "server.js"]\nENTRYPOINT ["tini", "--"]\n'),
        ok('FROM alpine:3.20\nHEALTHCHECK CMD ["wget", "-q", "--spider", "http://localhost/"]\nHEALTHCHECK NONE\n'),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        parent = {i.stage.index: i.parent for i in infos}
        own_entrypoint = {s.index: any(i.keyword == "ENTRYPOINT" for i in s.instructions) for s in df.stages}
        stage_shell: dict[int, list[str] | None] = {}
        shell: list[str] | None = None  # None: the base image's default (normally /bin/sh -c)
        for ins in df.instructions:
            kw = ins.keyword
            if kw == "FROM":
                p = parent.get(ins.stage)
                if p is not None:
                    shell = stage_shell.get(p)
                elif df.escape == "`" or _WINDOWS_IMAGE.search(infos[ins.stage].image or ins.args):
                    shell = list(WINDOWS_DEFAULT_SHELL)  # a Windows base image: cmd, not sh
                else:
                    shell = None
                stage_shell[ins.stage] = shell
            elif kw == "SHELL":
                shell = shell_argv(ins) or shell
                stage_shell[ins.stage] = shell
            elif kw in ("CMD", "ENTRYPOINT") and ins.json is None and ins.args.strip():
                entrypoint = self._has_entrypoint(ins.stage, own_entrypoint, parent)
                self._report(ctx, ins, ins.args, kw, shell, entrypoint)
            elif kw == "HEALTHCHECK" and ins.json is None:
                m = _HEALTHCHECK_CMD.match(ins.args)
                if m and ins.args[m.end():].strip():
                    self._report(ctx, ins, ins.args[m.end():], kw, shell, False)

    @staticmethod
    def _has_entrypoint(stage, own, parent) -> bool:
        seen = set()
        while stage is not None and stage >= 0 and stage not in seen:
            seen.add(stage)
            if own.get(stage):
                return True
            stage = parent.get(stage)
        return False

    def _report(self, ctx, ins, command, kw, shell, entrypoint):
        message = "Use arguments JSON notation for CMD and ENTRYPOINT arguments"
        command = command.strip()
        words = ins.words()
        first = 1 if kw == "HEALTHCHECK" else 0
        if len(words) <= first:
            ctx.report(ins.keyword_span, message)
            return
        start, end = words[first].span.start, words[-1].span.end
        span = ctx.source.span(start, end)
        fix = None
        if not any(start <= c.span.start < end for c in ctx.dockerfile.comments):
            argv = plain_argv(command)
            posix = shell is None or is_posix_shell(shell)
            if argv is not None:
                safe = posix and kw != "ENTRYPOINT" and not entrypoint
                fix = make_fix(
                    [Edit(start, end, _json(argv))],
                    Applicability.SAFE if safe else Applicability.UNSAFE,
                    f"Use {_json(argv)}",
                )
            else:
                argv = list(shell or DEFAULT_SHELL) + [command]
                fix = make_fix(
                    [Edit(start, end, _json(argv))],
                    Applicability.UNSAFE,
                    "Run the command through an explicit shell (signals still go to the shell)",
                )
        ctx.report(span, message, fix=fix)
