from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import scripts

MESSAGE = "Either use Wget or Curl but not both"
TOOLS = ("curl", "wget")


class WgetAndCurl(Rule):
    """Either use wget or curl, not both.

    ## What it does
    Flags a `RUN` that uses `wget` or `curl` in a stage where the other one is used too (in
    this `RUN` or an earlier one). The first use of either tool in a stage is fine.

    ## Why is this bad?
    Both tools download files; installing and maintaining two of them in one image adds size
    and attack surface for nothing.

    ## Scope
    Each stage on its own: curl in one stage and wget in another is fine. `ONBUILD RUN`s are
    checked as their own sequence, as hadolint does. One finding per `RUN`.

    ## Compared with other tools
    hadolint DL4001 (same meaning), Trivy AVD-DS-0014.
    """

    code = "DL4001"
    name = "wget-and-curl"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL4001", "AVD-DS-0014")
    examples = [
        bad("FROM debian:12\nRUN wget https://example.com/a\nRUN curl -fsSLO https://example.com/b\n", count=1, at=(3, 5)),
        bad("FROM debian:12\nRUN wget -q https://example.com/a && curl -fsSLO https://example.com/b\n", at=(2, 5)),
        ok("FROM debian:12\nRUN wget -q https://example.com/a\nFROM debian:12\nRUN curl -fsSLO https://example.com/b\n"),
        ok("FROM debian:12\nRUN apt-get install -y curl wget && curl -fsSLO https://example.com/b\n"),
    ]

    def check(self, ctx):
        per_run: dict[int, list] = {}
        order = []
        for rs in scripts(ctx, onbuild=True):
            key = id(rs.instruction)
            if key not in per_run:
                per_run[key] = []
                order.append((rs.outer, rs.onbuild))
            for cmd in rs.script.commands:
                eff = cmd.effective()
                if eff.basename in TOOLS:
                    per_run[key].append((eff.basename, rs.word_span(eff.name_word)))
        runs = {id(outer): onbuild for outer, onbuild in order}
        seen: dict[bool, dict[str, int]] = {False: {}, True: {}}  # tool -> line first used
        for instruction in ctx.dockerfile.instructions:
            if instruction.keyword == "FROM":
                seen[False] = {}  # the ONBUILD sequence never sees FROM, as in hadolint
                continue
            if id(instruction) not in runs:
                continue
            onbuild = runs[id(instruction)]
            run = instruction.inner if onbuild else instruction
            uses = per_run.get(id(run), [])
            if not uses:
                continue
            state = seen[onbuild]
            for tool, span in uses:
                state.setdefault(tool, span.line)
            if len(state) >= 2:
                tool, span = uses[0]
                other = "curl" if tool == "wget" else "wget"
                ctx.report(span, f"{MESSAGE} (`{tool}` here, `{other}` on line {state[other]})")
