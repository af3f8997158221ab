from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts

MESSAGE = (
    "Avoid use of wget without progress bar. Use `wget --progress=dot:giga <url>`. "
    "Or consider using `-q` or `-nv` (shorthands for `--quiet` or `--no-verbose`)"
)


class WgetProgress(Rule):
    """Avoid use of wget without progress bar.

    ## What it does
    Flags `wget` without `--progress=...` and without an option that already keeps its output
    small: `-q`/`--quiet`, `-nv`/`--no-verbose`, `-o`/`--output-file`,
    `-a`/`--append-output`.

    ## Why is this bad?
    Without a terminal, wget's default progress display prints a line every few kilobytes, so
    a large download floods the build log with thousands of lines.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does).

    ## Compared with other tools
    hadolint DL3047 (same meaning).
    """

    code = "DL3047"
    name = "wget-progress"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3047",)
    examples = [
        bad("FROM debian:12\nRUN wget https://example.com/app.tar.gz\n", at=(2, 5)),
        bad("FROM debian:12\nONBUILD RUN wget -O /tmp/x https://example.com/x\n", count=1, at=(2, 13)),
        ok("FROM debian:12\nRUN wget --progress=dot:giga https://example.com/app.tar.gz\n"),
        ok("FROM debian:12\nRUN wget -q https://example.com/a && wget -nv https://example.com/b\n"),
        ok("FROM debian:12\nRUN wget -o /tmp/wget.log https://example.com/a\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for cmd, eff in commands(rs):
                if eff.basename != "wget":
                    continue
                if eff.has_flag("--progress", "-q", "--quiet", "-o", "--output-file", "-a", "--append-output", "--no-verbose"):
                    continue
                if "-nv" in eff.arg_values:
                    continue
                ctx.report(rs.word_span(eff.name_word), MESSAGE)
