import re

from dockerlint.rulekit.analysis import parse_arg
from dockerlint.rulekit.keyvalues import expanded_text, pairs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_NAME_CHAR = lazy(r"[A-Za-z0-9_]")
_IDENTIFIER = lazy(r"[A-Za-z0-9_]+")
# `${NAME` before `}:+?-`, or `$NAME` with the whole run of name characters
_REFERENCE = lazy(r"\$\{([A-Za-z0-9_]+)(?=[}:+?-])|\$([A-Za-z0-9_]+)")


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
        bad('FROM debian:12\nENV APP_HOME=/app APP_BIN="${APP_HOME}/bin"\n', at=(2, 19)),
        bad("FROM debian:12\nENV PATH=/a:$PATH PATH=/b:$PATH\n", at=[(2, 5), (2, 19)]),
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
                users = _users(env, ins.escape)
                for i, pair in enumerate(env):
                    if pair.key in defined:
                        continue
                    j = next((j for j in users.get(pair.key, ()) if j != i), None)
                    if j is not None:
                        ctx.report(
                            env[j].span,
                            f"Do not refer to an environment variable within the same `ENV` statement where it is defined: `{pair.key}`",
                        )
                defined.update(p.key for p in env)


def _users(env, escape: str) -> dict[str, list[int]]:
    """For each key of `env`, the first two indexes of values that refer to it (as `references`
    decides), in linear time: one ENV of thousands of pairs must not cost pairs x pairs."""
    keys = {p.key for p in env}
    odd = {k for k in keys if not _IDENTIFIER.fullmatch(k)}  # `a.b`, `` (rare): found by position
    lengths = sorted({len(k) for k in odd})
    users: dict[str, list[int]] = {}

    def add(name: str, j: int) -> None:
        found = users.setdefault(name, [])
        if len(found) < 2 and (not found or found[-1] != j):
            found.append(j)

    for j, pair in enumerate(env):
        text = expanded_text(pair.raw_value, escape)
        for m in _REFERENCE.finditer(text):
            name = m.group(1) or m.group(2)
            if name in keys:
                add(name, j)
        if not odd:
            continue
        p = text.find("$")
        while p >= 0:
            for n in lengths:
                if text.startswith("{", p + 1):
                    name = text[p + 2 : p + 2 + n]
                    after = text[p + 2 + n : p + 3 + n]
                    if len(name) == n and name in odd and after and after in "}:+?-":
                        add(name, j)
                name = text[p + 1 : p + 1 + n]
                after = text[p + 1 + n : p + 2 + n]
                if len(name) == n and name in odd and not _NAME_CHAR.match(after):
                    add(name, j)
            p = text.find("$", p + 1)
    return users
