from dockerlint.rulekit.keyvalues import pairs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok

# hadolint's list of well-known secret variable names, and of suspicious name parts.
KNOWN_SENSITIVE = frozenset(
    """ACCESS_TOKEN APPLICATION_KEY APP_SECRET AUTH_TOKEN AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
    BITTREX_API_KEY BITTREX_API_SECRET CF_PASSWORD CF_USERNAME CIRCLE_TOKEN CI_DEPLOY_PASSWORD
    CI_DEPLOY_USER DOCKERHUB_PASSWORD DOCKER_EMAIL DOCKER_PASSWORD DOCKER_USERNAME
    FACEBOOK_ACCESS_TOKEN FACEBOOK_APP_ID FACEBOOK_APP_SECRET FIREBASE_API_TOKEN FIREBASE_TOKEN
    FOSSA_API_KEY GH_ENTERPRISE_TOKEN GH_TOKEN GITHUB_ENTERPRISE_TOKEN GITHUB_TOKEN HEROKU_API_KEY
    HEROKU_API_USER NPM_AUTH_TOKEN NPM_TOKEN OKTA_AUTHN_GROUPID OKTA_CLIENT_ORGURL OKTA_CLIENT_TOKEN
    OKTA_OAUTH2_CLIENTID OKTA_OAUTH2_CLIENTSECRET OPENAI_API_KEY OS_PASSWORD OS_USERNAME
    POSTGRES_PASSWORD SLACK_TOKEN STRIPE_API_KEY STRIPE_DEVICE_NAME TRAVIS_OS_NAME
    TRAVIS_SECURE_ENV_VARS TRAVIS_SUDO VAULT_CLIENT_KEY VAULT_TOKEN""".split()
)
SUSPICIOUS_PARTS = ("api_key", "client_key", "password", "private", "secret", "token", "username")


def is_sensitive(name: str) -> bool:
    lowered = name.lower()
    return name.upper() in KNOWN_SENSITIVE or any(part in lowered for part in SUSPICIOUS_PARTS)


class SensitiveArgEnv(Rule):
    """Potentially sensitive data should not be used in the `ARG` or `ENV` commands.

    ## What it does
    Flags an `ARG` or `ENV` whose name looks like a secret: a well-known secret variable
    (`AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `NPM_TOKEN`...) or a name containing `password`,
    `secret`, `token`, `private`, `api_key`, `client_key` or `username`, in any case.

    ## Why is this bad?
    `ENV` values are stored in the image config and `ARG` values in its build history: anyone
    who can pull the image can read them. Use a secret mount
    (`RUN --mount=type=secret,id=npm_token ...`) instead.

    ## Scope
    Every stage, global `ARG`s included, and `ARG`/`ENV` inside `ONBUILD` (as hadolint does).
    Each sensitive name is reported.

    ## Compared with other tools
    hadolint DL3064 (same meaning). Docker's build check SecretsUsedInArgOrEnv looks for the
    same problem with a different test: whole name parts (`_KEY`, `AUTH`, `PASSWD`,
    `CREDENTIALS`...) and not `USERNAME` or hadolint's list, so the two disagree on names such
    as `API_KEY_ID` or `DOCKER_USERNAME`; it is not an alias. Trivy DS031 checks only a few
    names, and only in the last stage.
    """

    code = "DL3064"
    name = "sensitive-arg-env"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3064",)
    security = True
    examples = [
        bad("ARG AWS_ACCESS_KEY_ID\nFROM debian:12\n", at=(1, 5)),
        bad("FROM debian:12\nENV DB_PASSWORD=hunter2\n", at=(2, 5)),
        bad("FROM debian:12\nONBUILD ARG npm_token\n", at=(2, 13)),
        ok("ARG VERSION=1\nFROM debian:12\nENV APP_HOME=/app\n"),
    ]

    def check(self, ctx):
        for outer in ctx.dockerfile.instructions:
            ins = outer.inner if outer.keyword == "ONBUILD" and outer.inner is not None else outer
            if ins.keyword == "ARG":
                names = [(w.value.partition("=")[0], w.span) for w in ins.words()]
            elif ins.keyword == "ENV":
                names = [(p.key, p.key_span) for p in pairs(ins)]
            else:
                continue
            for name, span in names:
                if is_sensitive(name):
                    ctx.report(
                        span,
                        f"Potentially sensitive data should not be used in the `{ins.keyword}` command: `{name}`",
                    )
