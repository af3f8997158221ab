import re

from dockerlint.analysis import parse_arg
from dockerlint.keyvalues import expanded_text, pairs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

_NAME_CHAR = re.compile(r"[A-Za-z0-9_]")


def references(name: str, text: str) -> bool:
    """`${name}`, `${name:-x}`... or `$name` not followed by another name character."""
    if re.search(r"\$\{" + re.escape(name) + r"(?=[}:+?-])", text):
        return True
    for m in re.finditer(r"\$" + re.escape(name), text):
        nxt = text[m.end():m.end() + 1]
        if not nxt or not _NAME_CHAR.match(nxt):
            return True
    return False


class EnvSelfReference(Rule):
    """Do not refer to an environment variable within the same `ENV` statement where it is defined.

    ## What it does
    Flags `ENV A=1 B=$A`: a value that uses a variable set by the same `ENV` instruction,
    unless an earlier `ARG` or `ENV` already defines it.

    ## Why is this bad?
    All values of one `ENV` are expanded before any of its variables is set, so `B` gets the
    old value of `A` (usually empty), not `1`. Split it into two `ENV` instructions.

    ## Scope
    Every `ENV` outside `ONBUILD`. A variable referring to itself (`ENV PATH=/x:$PATH`) is
    fine. Unlike hadolint, text in single quotes and escaped dollars (`'$A'`, `\\$A`), which
    BuildKit does not expand, are not references.

    ## Compared with other tools
    hadolint DL3044 (same meaning).
    """

    code = "DL3044"
    name = "env-self-reference"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3044",)
    examples = [
        bad('FROM debian:12\nENV APP_HOME=/app APP_BIN="${APP_HOME}/bin"\n'),
        bad("FROM debian:12\nENV PATH=/a:$PATH PATH=/b:$PATH\n"),
        ok("FROM debian:12\nENV APP_HOME=/app\nENV APP_BIN=${APP_HOME}/bin PATH=/usr/local/bin:$PATH\n"),
        ok("FROM debian:12\nENV A=1 B='$A' C=\\$A\n"),
        ok("ARG VERSION\nFROM debian:12\nENV VERSION=1 LABEL=v$VERSION\n"),
    ]

    def check(self, ctx):
        defined: set[str] = set()
        for ins in ctx.dockerfile.instructions:
            if ins.keyword == "ARG":
                defined.update(name for name, _ in parse_arg(ins))
            elif ins.keyword == "ENV":
                env = pairs(ins)
                for i, pair in enumerate(env):
                    if pair.key in defined:
                        continue
                    for j, other in enumerate(env):
                        if j != i and references(pair.key, expanded_text(other.raw_value, ins.escape)):
                            ctx.report(
                                other.span,
                                f"Do not refer to an environment variable within the same `ENV` statement where it is defined: `{pair.key}`",
                            )
                            break
                defined.update(p.key for p in env)
