import posixpath

from dockerlint.rulekit.analysis import stage_infos
from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.patterns import lazy

_WINDOWS_ABSOLUTE = lazy(r"^[A-Za-z]:")
_PLAIN = lazy(r"^[A-Za-z0-9_@%+=:,./-]+$")


def is_absolute(path: str) -> bool:
    """hadolint's test: `/...`, `C:...` or a variable (which may hold an absolute path)."""
    return path.startswith(("/", "$")) or bool(_WINDOWS_ABSOLUTE.match(path))


def _quote(path: str, escape: str) -> str:
    if _PLAIN.match(path):
        return path
    escaped = path.replace(escape, escape + escape).replace('"', escape + '"').replace("$", escape + "$")
    return f'"{escaped}"'


class RelativeWorkdir(Rule):
    """Use absolute WORKDIR.

    ## What it does
    Flags a `WORKDIR` with a relative path (`WORKDIR app`).

    ## Why is this bad?
    A relative `WORKDIR` is resolved against the previous working directory, which may come
    from the base image and change under you. An absolute path says where files go.

    ## Scope
    Every `WORKDIR` outside `ONBUILD`. Paths starting with a variable (`$HOME/app`) and
    Windows paths (`C:\\app`) count as absolute, as in hadolint.

    ## Fix safety
    When an earlier `WORKDIR` of the same stage (or of the stage it is built `FROM`) is an
    absolute path without variables, the fix joins them (`WORKDIR /srv` + `WORKDIR app` →
    `WORKDIR /srv/app`), normalised the way BuildKit does: safe, the directory is the same.
    Otherwise the working directory comes from the base image and is unknown here, so the
    `/app` suggestion is display-only.

    ## Compared with other tools
    hadolint DL3000, Trivy DS009 and Checkov CKV_DOCKER_10 (same meaning).
    """

    code = "DL3000"
    name = "relative-workdir"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3000", "AVD-DS-0009", "CKV_DOCKER_10")
    examples = [
        bad("FROM debian:12\nWORKDIR /srv\nWORKDIR app\n", fixed="FROM debian:12\nWORKDIR /srv\nWORKDIR /srv/app\n"),
        bad(
            "FROM debian:12 AS base\nWORKDIR /srv\nFROM base\nWORKDIR 'web/../api'\n",
            fixed="FROM debian:12 AS base\nWORKDIR /srv\nFROM base\nWORKDIR /srv/api\n",
        ),
        bad("FROM debian:12\nWORKDIR app\n"),
        ok("FROM debian:12\nWORKDIR /usr/src/app\n"),
        ok("FROM debian:12\nWORKDIR ${HOME}/app\n"),
        ok("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nWORKDIR C:\\\\app\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        # Known absolute working directory at the end of each stage (None: unknown).
        final: dict[int, str | None] = {}
        current: str | None = None
        for ins in df.instructions:
            if ins.keyword == "FROM":
                parent = infos[ins.stage].parent if ins.stage < len(infos) else None
                current = final.get(parent) if parent is not None else None
                final[ins.stage] = current
                continue
            if ins.keyword != "WORKDIR":
                continue
            words = ins.words()
            path = " ".join(w.value for w in words) if len(words) != 1 else words[0].value
            if not path:
                continue
            if is_absolute(path):
                current = posixpath.normpath(path) if path.startswith("/") and "$" not in path else None
            else:
                joined = posixpath.normpath(posixpath.join(current, path)) if current and "$" not in path else None
                self._report(ctx, ins, words, path, joined)
                current = joined
            if ins.stage >= 0:
                final[ins.stage] = current

    def _report(self, ctx, ins, words, path, joined):
        span = ctx.source.span(words[0].span.start, words[-1].span.end)
        if joined is not None:
            fix = make_fix(
                [Edit(span.start, span.end, _quote(joined, ins.escape))],
                Applicability.SAFE,
                f"Use the absolute path `{joined}`",
            )
        else:
            guess = posixpath.normpath("/" + path)
            fix = make_fix(
                [Edit(span.start, span.end, _quote(guess, ins.escape))],
                Applicability.DISPLAY_ONLY,
                f"Use an absolute path such as `{guess}` (the base image's working directory is unknown)",
            )
        ctx.report(span, f"Use absolute WORKDIR: `{path}`", fix=fix)
