
from dockerlint.fixers.instruction_lines import insert_instruction_before
from dockerlint.fixers.shell_edits import is_simple_and_chain, item_index, remove_chain_item, top_level_chain
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.run_helpers import scripts
from dockerlint.rulekit.patterns import lazy

MESSAGE = "Use WORKDIR to switch to a directory"
_PLAIN_ABSOLUTE = lazy(r"^/[A-Za-z0-9._/+@:=-]*$")


class UseWorkdir(Rule):
    """Use WORKDIR to switch to a directory.

    ## What it does
    Flags `cd` in a `RUN` instruction.

    ## Why is this bad?
    A `cd` lasts only until the end of its `RUN`, so Dockerfiles that rely on it repeat
    `cd /somewhere &&` in every step, which is hard to read and easy to get wrong. `WORKDIR`
    sets the directory once, for every later instruction, and creates it if needed.

    ## Scope
    Every stage. `ONBUILD RUN` is not checked (as in hadolint).

    ## Fix safety
    Unsafe. `RUN cd /abs && cmd ...`, where `cd` to an absolute path without variables is the
    first command of a plain `&&` chain, becomes `WORKDIR /abs` followed by `RUN cmd ...`.
    That changes the working directory of every later instruction (`RUN`, `COPY`, `CMD`...)
    and of the container at run time, and `WORKDIR` creates a missing directory where `cd`
    would have failed. Review the instructions after it. No fix is offered in other shapes
    (`cd` later in the chain, relative or variable paths, `||`/`;` in the chain).

    ## Compared with other tools
    hadolint DL3003 (same meaning), Trivy AVD-DS-0013. hadolint misses a `cd` in a RUN that
    ShellCheck cannot parse as sh, such as a PowerShell script (where `cd` is `Set-Location`
    and lasts only for that RUN just the same); we still see it.
    """

    code = "DL3003"
    name = "use-workdir"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3003", "AVD-DS-0013")
    examples = [
        bad(
            "FROM debian:12\nRUN cd /usr/src/app && \\\n    make install\n",
            fixed="FROM debian:12\nWORKDIR /usr/src/app\nRUN make install\n",
            at=(2, 5),
        ),
        bad(
            "FROM debian:12\nRUN --mount=type=cache,target=/root/.cache cd /app && make && make install\n",
            fixed="FROM debian:12\nWORKDIR /app\nRUN --mount=type=cache,target=/root/.cache make && make install\n",
            at=(2, 44),
        ),
        bad("FROM debian:12\nRUN make && cd build && make install\n", at=(2, 13)),
        bad("FROM debian:12\nRUN cd /opt\n", at=(2, 5)),
        bad("FROM debian:12\nRUN cd $HOME && ls\n", at=(2, 5)),
        ok("FROM debian:12\nWORKDIR /opt\nRUN make\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        for rs in scripts(ctx, onbuild=False):
            for cmd in rs.script.commands:
                if cmd.name != "cd":
                    continue
                fix = self._fix(ctx, rs, cmd, df) if cmd is rs.script.commands[0] else None
                ctx.report(rs.command_span(cmd), MESSAGE, fix=fix)

    @staticmethod
    def _fix(ctx, rs, cmd, df):
        if rs.exec_form or rs.heredoc is not None or rs.instruction.heredocs:
            return None
        if len(cmd.args) != 1 or cmd.assignments or cmd.redirects:
            return None
        path = cmd.args[0]
        if path.text != path.value or not _PLAIN_ABSOLUTE.match(path.value):
            return None
        if not is_simple_and_chain(rs, cmd):
            return None
        chain = top_level_chain(rs.script)
        if item_index(chain, cmd) != 0 or len(chain.items) < 2:
            return None
        delete = remove_chain_item(rs, chain, 0)
        if delete is None or "#" in ctx.source.text[delete.start : delete.end]:
            return None  # a comment line inside the continuation: keep the user's text
        insert = insert_instruction_before(ctx.source.text, rs.instruction, f"WORKDIR {path.value}", df.newline)
        return make_fix([insert, delete], Applicability.UNSAFE, f"Move `cd {path.value}` to `WORKDIR {path.value}`")
