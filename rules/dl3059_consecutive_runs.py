
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.runs import cached_run_scripts
from dockerlint.rulekit.patterns import lazy

MESSAGE = "Multiple consecutive `RUN` instructions. Consider consolidation"


_DYNAMIC = lazy(r"[$`]")


def _flags_key(instruction) -> tuple:
    return tuple(sorted((f.name, f.value or "") for f in instruction.flags))


class ConsecutiveRuns(Rule):
    """Multiple consecutive RUN instructions: consider consolidation.

    ## What it does
    Flags a `RUN` that directly follows another `RUN` (comments and blank lines in between do
    not matter) when each of the two runs a single command and both have the same flags
    (`--mount`, `--network`, `--security`).

    ## Why is this bad?
    Every `RUN` is a layer and a cache step. Two one-command `RUN`s in a row usually belong
    together: `RUN apt-get update` alone is even a bug (a stale package index cached in its
    own layer).

    ## Scope
    Every stage; `ONBUILD` is not checked (as in hadolint). `RUN`s that already chain several
    commands (`a && b`, `a; b`) are taken as a deliberate split and never flagged, nor are
    `RUN`s with different mounts. A RUN whose text is not valid `sh` (a `cmd` or PowerShell
    script) counts as one command, as in hadolint.

    ## Compared with other tools
    hadolint DL3059 (same meaning, same counting: commands named by a variable do not count,
    and a RUN that is not valid sh counts none). hadolint's count comes from ShellCheck's
    parser; on PowerShell text read as sh the two parsers may fail on different RUNs, so a
    few Windows RUN pairs are reported by one tool only.
    """

    code = "DL3059"
    name = "consecutive-runs"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3059",)
    examples = [
        bad("FROM debian:12\nRUN /foo.sh\n# then\nRUN /bar.sh\n", at=(4, 1)),
        bad("FROM debian:12\nRUN a && b\nRUN c\nRUN d\n", count=1, at=(4, 1)),
        ok("FROM debian:12\nRUN a && b\nRUN c\n"),
        ok("FROM debian:12\nRUN /foo.sh\nWORKDIR /\nRUN /bar.sh\n"),
        ok("FROM debian:12\nRUN --mount=type=secret,id=foo /foo.sh\nRUN /bar.sh\n"),
        # Not sh (PowerShell): one command each, as hadolint counts them.
        bad("FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
            "RUN [Net.ServicePointManager]::SecurityProtocol = 'Tls12' ; iwr https://example.com/a.zip\n"
            "RUN Expand-Archive a.zip\n", at=(3, 1)),
    ]

    def check(self, ctx):
        counts: dict[int, int] = {}
        for rs in cached_run_scripts(ctx):
            if rs.onbuild:
                continue
            key = id(rs.instruction)
            # A RUN line that is not valid sh (cmd, PowerShell) counts no commands, as in
            # hadolint (ShellCheck's parse fails and leaves nothing to count). Heredoc bodies are
            # shell scripts: what our parser reads of them counts.
            # Commands named by a variable (`$a = 1`, PowerShell read as sh) are not counted
            # either: hadolint counts the commands whose name it can read.
            n = sum(1 for c in rs.script.commands if not _DYNAMIC.search(c.name_word.text))
            if not rs.script.parse_ok and rs.heredoc is None:
                n = 0
            # A heredoc RUN counts the commands of its body.
            counts[key] = n if rs.heredoc is not None or key not in counts else counts[key] + n
        previous = None  # (flags, command count) of the RUN just before, if the last instruction was a RUN
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword != "RUN":
                previous = None
                continue
            flags = _flags_key(instruction)
            count = counts.get(id(instruction), 1)
            if previous is not None and previous[0] == flags and previous[1] <= 1 and count <= 1:
                ctx.report(instruction.keyword_span, MESSAGE)
            previous = (flags, count)
