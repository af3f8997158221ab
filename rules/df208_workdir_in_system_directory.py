from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

# Kernel and boot file systems: a container's view of them is the host's (or a pseudo file system)
_SYSTEM = ("/proc", "/sys", "/dev", "/boot", "/initrd", "/lost+found")


class WorkdirInSystemDirectory(Rule):
    """Do not set `WORKDIR` inside a system directory such as `/proc` or `/dev`.

    ## What it does
    Flags a `WORKDIR` at or under `/proc`, `/sys`, `/dev`, `/boot`, `/initrd` or `/lost+found`.

    ## Why is this bad?
    At run time `/proc`, `/sys` and `/dev` are pseudo file systems mounted over the image: what
    the build wrote there is hidden, and the process starts among kernel interfaces, where a
    stray write changes the kernel's or a device's state (a step towards a container breakout
    when the container is privileged). `/boot` and `/lost+found` hold nothing an application
    should work in.

    ## Scope
    Every stage; paths are compared after removing quotes and a trailing `/`. Paths with
    variables are not judged.

    ## Compared with other tools
    Trivy DS030 (AVD-DS-0030, same meaning; Trivy checks the path prefix with a trailing `/`, so
    it misses `WORKDIR /proc` itself, which is reported here). hadolint has no equivalent.
    """

    code = "DF208"
    name = "workdir-in-system-directory"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    security = True
    aliases = ("AVD-DS-0030",)
    examples = [
        bad("FROM alpine:3.20\nWORKDIR /proc/self\n"),
        bad('FROM alpine:3.20\nWORKDIR "/dev/shm/app"\n'),
        ok("FROM alpine:3.20\nWORKDIR /srv/app\n"),
        ok("FROM alpine:3.20\nWORKDIR /devtools\nWORKDIR $HOME/proc\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "WORKDIR":
                continue
            path = ins.args.strip().strip("\"'").rstrip("/") or "/"
            if "$" in path:
                continue
            if any(path == d or path.startswith(d + "/") for d in _SYSTEM):
                words = ins.words()
                span = ctx.source.span(words[0].span.start, words[-1].span.end) if words else ins.keyword_span
                ctx.report(span, f"WORKDIR {path} is inside a system directory: work in /app, /srv or the like")
