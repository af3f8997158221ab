from dockerlint.rulekit.analysis import final_image_stages, stage_infos
from dockerlint.rulekit.image_role import base_image_shape
from dockerlint.fixers.instruction_lines import insert_instruction_before
from dockerlint.images.reference import parse_image
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.runs import DEFAULT_SHELL, cached_run_scripts
from dockerlint.rulekit.windows import windows_stages
from dockerlint.parse.shell import parse_set_options

MESSAGE = (
    "Set the SHELL option -o pipefail before RUN with a pipe in it. If you are using /bin/sh in "
    "an alpine image or if your shell is symlinked to busybox then consider explicitly setting "
    "your SHELL to /bin/ash, or disable this check"
)
BASH_PIPEFAIL_SHELL = 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]'
PIPEFAIL_SHELLS = frozenset({"bash", "zsh", "ash", "ksh", "mksh"})
NON_POSIX_PREFIXES = ("pwsh", "powershell", "cmd")
# Official images whose default variants ship bash (Debian, Ubuntu, RHEL-family bases).
BASH_IMAGES = frozenset({
    "debian", "ubuntu", "buildpack-deps", "python", "node", "golang", "ruby", "php", "perl",
    "rust", "openjdk", "eclipse-temurin", "maven", "gradle", "fedora", "centos", "rockylinux",
    "almalinux", "oraclelinux", "amazonlinux", "nginx", "httpd", "postgres", "elixir", "erlang",
})
NO_BASH_TAG_MARKERS = ("alpine", "busybox", "distroless", "windows", "nanoserver", "servercore", "musl")


def _program(argv: list[str]) -> str:
    words = list(argv)
    while words:
        name = words[0].replace("\\", "/").rsplit("/", 1)[-1].lower()
        if name.endswith(".exe"):
            name = name[:-4]
        if name in ("env", "busybox") and len(words) > 1:
            words = [w for w in words[1:] if not w.startswith("-") and "=" not in w] or [""]
            continue
        return name
    return ""


def shell_has_pipefail(argv: list[str]) -> bool:
    prog = _program(argv)
    if prog not in PIPEFAIL_SHELLS:
        return False
    rest = argv[argv.index(next(a for a in argv if _program([a]) == prog)) + 1 :] if argv else []
    return bool(parse_set_options(rest).get("pipefail"))


def is_non_posix(argv: list[str]) -> bool:
    return _program(argv).startswith(NON_POSIX_PREFIXES)


def _root_image(infos, stage: int) -> str | None:
    seen = set()
    while 0 <= stage < len(infos) and stage not in seen:
        seen.add(stage)
        info = infos[stage]
        if info.parent is None:
            return info.image
        stage = info.parent
    return None


def image_has_bash(image: str | None) -> bool:
    if not image:
        return False
    ref = parse_image(image)
    name = ref.official_name
    if name not in BASH_IMAGES:
        return False
    tag = (ref.tag or "latest").lower()
    return not any(marker in tag for marker in NO_BASH_TAG_MARKERS)


class Pipefail(Rule):
    """Set the SHELL option -o pipefail before RUN with a pipe in it.

    ## What it does
    Flags a `RUN` whose script has a pipe (`curl ... | tar -x`) when neither the `SHELL` in
    effect runs bash, zsh, ash or ksh with `-o pipefail`, nor the script itself runs
    `set -o pipefail` before the pipe.

    ## Why is this bad?
    A pipeline's exit status is that of its last command. Without `pipefail`,
    `wget -O - https://example.com/x | tar -xz` succeeds when the download fails, and the
    build goes on with a broken or empty result.

    ## Scope
    Every stage. The `SHELL` of a stage built `FROM` an earlier stage is inherited, as Docker
    does. PowerShell and cmd shells are skipped, and so are stages on Windows base images
    without a `SHELL` (their default shell is `cmd`); `ONBUILD` and exec-form `RUN`s are not
    checked. Heredoc scripts (`RUN <<EOF`) are checked like any other. The shell is matched by its basename (`/usr/bin/bash`), like hadolint's master
    branch. `SHELL ["/bin/sh", "-o", "pipefail", "-c"]` does not count: `sh` is often `dash`,
    which (before 0.5.11) rejects the option.

    ## Fix safety
    Unsafe. When the stage uses the default `/bin/sh` and its base image is a Debian/Ubuntu or
    other official non-Alpine image known to ship bash, the fix adds
    `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` on its own line before the first offending
    `RUN` of the stage. That switches every later `RUN` of the stage (and of stages built
    from it) from `sh` to bash, and makes pipelines that used to pass despite a failing
    producer (`yes | cmd`, `cmd | head -1`) fail the build. For other images (Alpine,
    BusyBox, distroless, unknown) the same change is only shown, never applied: bash may not
    exist there (use `/bin/ash` on Alpine). We never add `set -o pipefail` to a `sh` script,
    since dash may reject it. In the final image of a Dockerfile that looks like a base image
    (no `CMD`/`ENTRYPOINT`, or a `CMD` that only starts an interpreter or a shell) the fix is
    display-only too: `SHELL` is kept in the image's configuration, so every image built FROM
    it would run its `RUN`s with bash -o pipefail.

    ## Compared with other tools
    hadolint DL4006, Trivy AVD-DS-0032. Unlike hadolint, a `set -o pipefail` (or
    `set -euo pipefail`) in the `RUN` before the pipe counts, the `SHELL` of a parent stage is
    inherited, and exec-form `RUN ["a", "|", "b"]` (no shell, so no pipe) is not flagged.
    Nor is a RUN on a Windows base image, run by `cmd` (`powershell a ^| b`), which hadolint
    reads as sh and flags.
    """

    code = "DL4006"
    name = "pipefail"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL4006", "AVD-DS-0032")
    examples = [
        bad(
            "FROM debian:12\nRUN wget -O - https://example.com | wc -l > /number\nRUN curl -fsSL https://x | tar -xz\nCMD [\"/x/run\"]\n",
            fixed=(
                'FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n'
                "RUN wget -O - https://example.com | wc -l > /number\nRUN curl -fsSL https://x | tar -xz\nCMD [\"/x/run\"]\n"
            ),
            count=2,
            at=[(2, 5), (3, 5)],
        ),
        bad(
            "FROM python:3.12-slim\n# hadolint ignore=DL3008\nRUN curl -fsSL https://x | tar -xz\nCMD [\"python\", \"/x/app.py\"]\n",
            fixed=(
                'FROM python:3.12-slim\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n# hadolint ignore=DL3008\n'
                'RUN curl -fsSL https://x | tar -xz\nCMD ["python", "/x/app.py"]\n'
            ),
        ),
        # a base image (its CMD only starts python3): SHELL would be inherited, display-only
        bad("FROM debian:12-slim\nRUN curl -fsSL https://x | tar -xz -C /usr/local\nCMD [\"python3\"]\n"),
        bad("FROM alpine:3.20\nRUN wget -O - https://example.com | wc -l > /number\n"),
        bad('FROM debian:12\nSHELL ["/bin/sh", "-o", "pipefail", "-c"]\nRUN a | b\n'),
        ok('FROM debian:12\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nRUN wget -O - https://example.com | wc -l\n'),
        ok('FROM alpine:3.20\nSHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nRUN wget -O - https://example.com | wc -l\n'),
        ok("FROM debian:12\nRUN set -euo pipefail && wget -O - https://example.com | wc -l\n"),
        ok('FROM debian:12 AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nRUN a | b\n'),
        ok('FROM mcr.microsoft.com/powershell:lts\nSHELL ["pwsh", "-c"]\nRUN Get-Variable PSVersionTable | Select-Object\n'),
        # a Windows-only image (no "windows" in its name): RUN goes to cmd, which has no pipefail
        ok("FROM mcr.microsoft.com/dotnet/framework/sdk:4.8\nRUN dir | findstr foo\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        infos = ctx.cached("stage_infos", lambda: stage_infos(df, ctx.settings.build_args))
        fixed_stages: set[int] = set()
        final = final_image_stages(df, ctx.settings.build_args)
        windows = windows_stages(df)  # their default shell is cmd, not sh
        for rs in cached_run_scripts(ctx):
            if rs.onbuild or rs.exec_form or (rs.heredoc is not None and not rs.posix):
                continue
            shell = rs.shell
            if is_non_posix(shell) or shell_has_pipefail(shell):
                continue
            if list(shell) == DEFAULT_SHELL and rs.stage in windows:
                continue
            pipes = [p for p in rs.script.pipelines if len(p) >= 2]
            pipe = next((p for p in pipes if not rs.script.has_set_option("pipefail", before=p.start)), None)
            if pipe is None:
                continue
            snippet = " ".join(rs.text[pipe.start : pipe.end].split())
            if len(snippet) > 60:
                snippet = snippet[:57] + "..."
            fix = None
            if rs.stage not in fixed_stages and list(shell) == DEFAULT_SHELL:
                fixed_stages.add(rs.stage)
                edit = insert_instruction_before(ctx.source.text, rs.outer, BASH_PIPEFAIL_SHELL, df.newline)
                base_shape = base_image_shape([infos[i].stage for i in final]) if rs.stage in final else None
                if base_shape and image_has_bash(_root_image(infos, rs.stage)):
                    fix = make_fix(
                        [edit], Applicability.DISPLAY_ONLY,
                        f"Run this stage's RUNs with bash -o pipefail; not applied because {base_shape}, and SHELL is"
                        " kept in the image: every image built FROM it would run its RUNs with bash -o pipefail too",
                    )
                elif image_has_bash(_root_image(infos, rs.stage)):
                    fix = make_fix([edit], Applicability.UNSAFE, "Run this stage's RUNs with bash -o pipefail")
                else:
                    fix = make_fix(
                        [edit], Applicability.DISPLAY_ONLY,
                        "Use a shell with pipefail (bash may not exist in this image; on Alpine use /bin/ash)",
                    )
            ctx.report(rs.span(pipe.start, pipe.end), f"{MESSAGE} (pipe in `{snippet}`)", fix=fix)
