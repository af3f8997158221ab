from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.suppressions import HADOLINT_PRAGMA


class InlineIgnorePragma(Rule):
    """Please refrain from using inline ignore pragmas.

    ## What it does
    Reports every inline `# hadolint ignore=DLxxxx` pragma. `# hadolint global ignore=` and
    `# hadolint stage ignore=` pragmas, the shell pragma and dockerlint's own
    `# dockerlint: ignore=` comments are not reported.

    ## Why is this bad?
    Inline pragmas scatter exceptions across Dockerfiles where nobody reviews them again.
    Teams that want every exception in one reviewed place (the config file) turn this rule on.

    ## Scope
    The whole file. Off by default (hadolint's default severity is `ignore`); select it to
    use it (it reports at `info`).

    ## Compared with other tools
    hadolint DL1001 (same meaning).
    """

    code = "DL1001"
    name = "inline-ignore-pragma"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = ("hadolint:DL1001",)
    examples = [
        bad("# hadolint ignore=DL3006\nFROM debian\n", at=(1, 1)),
        ok("# hadolint global ignore=DL3006\nFROM debian\n"),
        ok("# hadolint shell=powershell\nFROM debian:12\n"),
    ]

    def check(self, ctx):
        for comment in ctx.dockerfile.comments:
            m = HADOLINT_PRAGMA.match(comment.text)
            if m and m.group("scope") == "ignore":
                ctx.report(
                    comment.span,
                    f"Please refrain from using inline ignore pragmas `# hadolint ignore={m.group('codes')}`",
                )
