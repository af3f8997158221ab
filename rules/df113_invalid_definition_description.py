import re

from dockerlint.rulekit.analysis import parse_arg
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_DIRECTIVE = lazy(r"^#\s*(syntax|escape|check)\s*=", re.I)
_PRAGMA = lazy(r"^#\s*(hadolint\s|dockerlint:|check\s*=)", re.I)


class InvalidDefinitionDescription(Rule):
    """A comment right above a stage or `ARG` should describe it: `# <name> <description>`.

    ## What it does
    Flags a `FROM ... AS <stage>` or `ARG` directly preceded by a comment that does not start
    with the stage or argument name. `docker build --call=outline` and `--call=targets` show
    such comments as the descriptions of build targets and arguments:

    ```dockerfile
    # VERSION sets the release to package
    ARG VERSION=1.0
    ```

    ## Why is this bad?
    A comment in that position is shown to users as the description; an unrelated comment
    ("# install deps") makes a misleading one. If the comment is not a description, separate it
    with an empty line.

    ## Scope
    Stages with a name and `ARG`s, global ones included. Parser directives and lint pragmas
    (`# hadolint ...`, `# dockerlint: ...`) are not descriptions and are ignored. Off by default:
    enable it when the Dockerfile's targets and arguments are documented with `--call=outline`.

    ## Compared with other tools
    Docker build check `InvalidDefinitionDescription` (experimental in BuildKit; same
    meaning, except that lint pragmas are skipped). hadolint has no equivalent.
    """

    code = "DF113"
    name = "invalid-definition-description"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    enabled_by_default = False
    aliases = ("BuildKit:InvalidDefinitionDescription",)
    examples = [
        bad("# a non-descriptive comment\nFROM scratch AS base\n", at=(2, 1)),
        bad("FROM alpine:3.20\n# another non-descriptive comment\nARG VERSION=1\n", at=(3, 1)),
        ok("# base is a stage for compiling source\nFROM scratch AS base\n# VERSION is the version number\nARG VERSION=1\n"),
        ok("# a non-descriptive comment\n\nFROM scratch AS base\n"),
        ok("# syntax=docker/dockerfile:1\nARG VERSION=1\n"),
        ok("# hadolint ignore=DL3006\nFROM scratch AS base\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        src = df.source
        directive_lines = self._directive_lines(src)
        for ins in df.instructions:
            if ins.keyword == "FROM":
                stage = next((s for s in df.stages if s.from_ is ins), None)
                if stage is None or not stage.alias:
                    continue
                keys = [stage.alias.lower()]
            elif ins.keyword == "ARG":
                keys = [name for name, _ in parse_arg(ins)]
            else:
                continue
            comment = self._description(src, ins.span.line, directive_lines)
            if comment is None or comment.split(" ")[0] in keys:
                continue
            example = keys[0] if len(keys) == 1 else "<arg_key>"
            ctx.report(
                ins.keyword_span,
                f"Comment for {ins.keyword} should follow the format: `# {example} <description>`",
            )

    @staticmethod
    def _directive_lines(src) -> set[int]:
        lines = set()
        for n in range(1, src.line_count + 1):
            text = src.line_text(n).lstrip().lstrip("\ufeff")
            if not _DIRECTIVE.match(text):
                break
            lines.add(n)
        return lines

    @staticmethod
    def _description(src, line: int, directive_lines: set[int]) -> str | None:
        """The comment closest above `line` in the comment block directly above it."""
        block: list[str] = []
        n = line - 1
        while n >= 1 and n not in directive_lines:
            text = src.line_text(n).strip()
            if not text.startswith("#"):
                break
            block.append(text[1:].strip())
            n -= 1
        for comment in block:  # closest first
            if not comment:
                return None  # an empty `#` separates the comments above from the instruction
            if _PRAGMA.match("#" + comment):
                return None
            return comment
        return None
