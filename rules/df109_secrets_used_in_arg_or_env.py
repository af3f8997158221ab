
from dockerlint.rulekit.buildkit import args_span, arg_words
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_SECRET = lazy(r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)")
_ALLOWED = lazy(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")


class SecretsUsedInArgOrEnv(Rule):
    """Sensitive data should not be passed with `ARG` or `ENV`.

    ## What it does
    Flags an `ARG` or `ENV` in a stage whose name has a word (between underscores) that marks a
    secret: `KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `PWORD`, `AUTH`, `APIKEY`,
    `CREDENTIAL(S)` — `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD` — unless another
    word says it is not one (`PUBLIC`, `FILE`, `VERSION`: `PASSWORD_FILE`, `PUBLIC_KEY`).

    ## Why is this bad?
    `ENV` values are stored in the image configuration, and `ARG` values in the build history
    of every layer built after them (`docker history`), so anyone who can pull the image can
    read the secret. Use a secret mount (`RUN --mount=type=secret,id=token ...`) instead.

    ## Scope
    `ARG`s and `ENV`s inside stages, every stage. `ARG`s before the first `FROM` are only visible
    to `FROM` lines and are not recorded in the image, so, as in BuildKit, they are not flagged.

    ## Compared with other tools
    Docker build check `SecretsUsedInArgOrEnv` (same meaning). hadolint DL3064 has the same goal
    with a different test (a fixed list of names plus substrings such as `password`, `token`,
    `username`, `private`), so the two disagree on names like `PASSWORD_FILE` (DL3064 only),
    `AUTH` or `SSH_KEY` (this rule only); Trivy DS031 checks a short list of well-known names.
    """

    code = "DF109"
    name = "secrets-used-in-arg-or-env"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:SecretsUsedInArgOrEnv",)
    security = True
    examples = [
        bad("FROM alpine:3.20\nARG GITHUB_TOKEN\n"),
        bad("FROM alpine:3.20\nENV DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=x\n", count=2),
        bad("FROM alpine:3.20\nENV api_key abc\n"),
        ok("FROM alpine:3.20\nARG DB_PASSWORD_FILE=/run/secrets/db\nENV PUBLIC_KEY=abc NODE_VERSION=20\n"),
        ok("ARG GITHUB_TOKEN\nFROM alpine:3.20\nRUN --mount=type=secret,id=token true\n"),
        ok("FROM alpine:3.20\nENV KEYBOARD=us MONKEY=1\n"),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.stage < 0 or ins.keyword not in ("ARG", "ENV"):
                continue
            words = arg_words(ins)
            if not words:
                continue
            legacy = ins.keyword == "ENV" and "=" not in words[0].text
            for word in words[:1] if legacy else words:
                key = word.text.partition("=")[0]
                name = key.strip("\"'")
                if _SECRET.search(name) and not _ALLOWED.search(name):
                    ctx.report(
                        args_span(ins, word.start, word.start + len(key)),
                        f'Do not use ARG or ENV instructions for sensitive data ({ins.keyword} "{name}")',
                    )
