
from dockerlint.rulekit.buildkit import args_span, arg_words
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_SECRET = lazy(r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|passwd|secret|token)(?:_|$)")
_ALLOWED = lazy(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")
# OpenPGP keys are named to verify downloads (`ENV GPG_KEY A035C8C1...` in the official python
# images): their fingerprints and key ids are public.
_OPENPGP = lazy(r"(?i)(?:_|^)(?:gpg|pgp|gnupg|openpgp)(?:_|$)")
_FINGERPRINTS = lazy(r"(?:(?:0x)?(?:[0-9A-Fa-f]{40}|[0-9A-Fa-f]{16}|[0-9A-Fa-f]{8}|(?:[0-9A-Fa-f]{4}\s+){9}[0-9A-Fa-f]{4})\s*)+")


def is_public_key_reference(name: str, value: str) -> bool:
    """An OpenPGP key named or given by fingerprint: `GPG_KEY`, `NODE_PGP_KEYS`, or a value made
    only of key fingerprints / key ids."""
    value = value.strip().strip("\"'").strip()
    return bool(_OPENPGP.search(name)) or bool(value and _FINGERPRINTS.fullmatch(value))


class SecretsUsedInArgOrEnv(Rule):
    """Sensitive data should not be passed with `ARG` or `ENV`.

    ## What it does
    Flags an `ARG` or `ENV` in a stage whose name has a word (between underscores) that marks a
    secret: `KEY`, `TOKEN`, `SECRET`, `PASSWORD`, `PASSWD`, `PWORD`, `AUTH`, `APIKEY`,
    `CREDENTIAL(S)` — `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD` — unless another
    word says it is not one (`PUBLIC`, `FILE`, `VERSION`: `PASSWORD_FILE`, `PUBLIC_KEY`), or it
    names an OpenPGP key (`GPG_KEY`, `PGP_KEYS`) or its value is only key fingerprints or key
    ids (`ENV RELEASE_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D`): a key used to verify a
    download is public.

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
    Deliberate difference from BuildKit: BuildKit reports `ENV GPG_KEY=<fingerprint>` (as in
    the official `python` images); a public key fingerprint is not a secret, so we do not.
    Where DL3064 reports the same place too (both selected), one finding is shown: DL3064's,
    with DF109 and its aliases among the finding's aliases.
    """

    code = "DF109"
    name = "secrets-used-in-arg-or-env"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("BuildKit:SecretsUsedInArgOrEnv",)
    same_finding_as = "DL3064"  # one finding where both report: theirs, with this code as an alias
    security = True
    examples = [
        bad("FROM alpine:3.20\nARG GITHUB_TOKEN\n", at=(2, 5)),
        bad("FROM alpine:3.20\nENV DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=x\n", count=2, at=[(2, 5), (2, 25)]),
        bad("FROM alpine:3.20\nENV api_key abc\n", at=(2, 5)),
        ok("FROM alpine:3.20\nARG DB_PASSWORD_FILE=/run/secrets/db\nENV PUBLIC_KEY=abc NODE_VERSION=20\n"),
        ok("ARG GITHUB_TOKEN\nFROM alpine:3.20\nRUN --mount=type=secret,id=token true\n"),
        ok("FROM alpine:3.20\nENV KEYBOARD=us MONKEY=1\n"),
        ok("FROM buildpack-deps:bookworm\nENV GPG_KEY A035C8C19219BA821ECEA86B64E628F8D684696D\nARG NODE_PGP_KEYS\n"),
        ok("FROM alpine:3.20\nENV RELEASE_KEY=\"7169 605F 62C7 5174 9BA0  2FF8 7D7F 4CE6 2D4F 1C5E\" SIGNING_KEY=0x64E628F8D684696D\n"),
        bad("FROM alpine:3.20\nENV API_KEY=A035C8C19219BA821ECEA86B64E628F8D684696Dxyz GPGME_TOKEN=abc\n", count=2, at=[(2, 5), (2, 57)]),
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
                key, _, value = word.text.partition("=")
                if legacy:
                    value = " ".join(w.text for w in words[1:])
                name = key.strip("\"'")
                if _SECRET.search(name) and not _ALLOWED.search(name) and not is_public_key_reference(name, value):
                    ctx.report(
                        args_span(ins, word.start, word.start + len(key)),
                        f'Do not use ARG or ENV instructions for sensitive data ({ins.keyword} "{name}")',
                    )
