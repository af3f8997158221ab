from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok

AUTHORS_LABEL = "org.opencontainers.image.authors"


def _label_value(text: str, escape: str) -> str:
    """`text` as a double-quoted LABEL value that BuildKit reads back literally."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]  # MAINTAINER "Jane Doe": the quotes were never meant to be part of it
    for ch in (escape, '"', "$"):
        text = text.replace(ch, escape + ch)
    return f'"{text}"'


class MaintainerDeprecated(Rule):
    """`MAINTAINER` is deprecated.

    ## What it does
    Flags the `MAINTAINER` instruction.

    ## Why is this bad?
    `MAINTAINER` has been deprecated since Docker 1.13 and writes a legacy field of the image
    config that current tools ignore. The OCI annotation label
    `org.opencontainers.image.authors` is what registries and scanners read.

    ## Scope
    Every `MAINTAINER` outside `ONBUILD` (DL3043 covers `ONBUILD MAINTAINER`).

    ## Fix safety
    Safe: the instruction becomes `LABEL org.opencontainers.image.authors="..."` with the same
    text, quoted and escaped so that BuildKit reads it back literally (no variable expansion).
    Surrounding quotes of the old value are dropped. When the stage already sets that label,
    the fix is unsafe, because the label set later in the file wins.

    ## Compared with other tools
    hadolint DL4000, Trivy DS022, Checkov CKV_DOCKER_6 and Docker's build check
    MaintainerDeprecated (same meaning).
    """

    code = "DL4000"
    name = "maintainer-deprecated"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL4000", "AVD-DS-0022", "CKV_DOCKER_6", "BuildKit:MaintainerDeprecated")
    examples = [
        bad(
            "FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>\n",
            fixed='FROM debian:12\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n',
            at=(2, 1),
        ),
        bad(
            'FROM debian:12\nmaintainer "Bo $Jack"\n',
            fixed='FROM debian:12\nlabel org.opencontainers.image.authors="Bo \\$Jack"\n',
            at=(2, 1),
        ),
        ok('FROM debian:12\nLABEL org.opencontainers.image.authors="jane@example.com"\n'),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        for ins in df.instructions:
            if ins.keyword != "MAINTAINER":
                continue
            message = "MAINTAINER is deprecated"
            words = ins.words()
            if not words:
                ctx.report(ins.keyword_span, message)
                continue
            start, end = words[0].span.start, words[-1].span.end
            fix = None
            if not any(start <= c.span.start < end for c in df.comments):
                keyword = "label" if ins.keyword_raw.islower() else "LABEL"
                value = _label_value(ins.args, ins.escape)
                already = ins.stage >= 0 and any(
                    i.keyword == "LABEL" and AUTHORS_LABEL in i.args for i in df.stages[ins.stage].instructions
                )
                fix = make_fix(
                    [
                        Edit(ins.keyword_span.start, ins.keyword_span.end, keyword),
                        Edit(start, end, f"{AUTHORS_LABEL}={value}"),
                    ],
                    Applicability.UNSAFE if already else Applicability.SAFE,
                    f"Use LABEL {AUTHORS_LABEL}",
                )
            ctx.report(ins.keyword_span, f"{message}: use `LABEL {AUTHORS_LABEL}=...` instead", fix=fix)
