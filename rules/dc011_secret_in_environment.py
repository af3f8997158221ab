from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.compose import compose_services, environment, interpolated
from dockerlint.rulekit.secret_names import is_literal_secret, is_sensitive_name


class SecretInEnvironment(Rule):
    """
    Do not write passwords, tokens or keys into `environment`.

    ## What it does
    Flags an `environment` entry whose name says it holds a credential (`POSTGRES_PASSWORD`,
    `API_KEY`, `GITHUB_TOKEN`, `JWT_SECRET`...) and whose value is a literal, in the map
    (`KEY: value`) and the list (`- KEY=value`) syntax. Reported at the value.

    ## Why is this bad?
    The value ends up in Git, in `docker inspect` output for anyone with access to the Docker
    API, and in the environment of every process of the container. Use `${VAR}` interpolation
    from an untracked `.env` file, or Compose `secrets:` mounted as files (many images read
    `*_PASSWORD_FILE`).

    ## Scope
    `environment` of every service. Not reported: `${VAR}` references, values passed through
    from the shell (`- API_KEY`), empty values, placeholders (`changeme`, `<password>`), and
    names that only point at a secret (`POSTGRES_PASSWORD_FILE`). `env_file` contents are not
    read.

    ## Compared with other tools
    The Compose counterpart of KS028 (kube-linter `env-var-secret`, polaris
    `sensitiveContainerEnvVar`), with the same credential-name words.
    """

    code = "DC011"
    name = "compose-secret-in-environment"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    security = True
    examples = [
        bad(
            """
            services:
              db:
                image: postgres:16.4
                environment:
                  POSTGRES_USER: app
                  POSTGRES_PASSWORD: s3cret-Pa55
              api:
                image: example/api:1.0
                environment:
                  - "STRIPE_API_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc"
                  - LOG_LEVEL=info
            """,
            count=2,
            at=[(6, 26), (10, 25)],
        ),
        ok(
            """
            services:
              db:
                image: postgres:16.4
                environment:
                  POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}
                  POSTGRES_PASSWORD_FILE: /run/secrets/db
              api:
                image: example/api:1.0
                environment:
                  - API_TOKEN
                  - JWT_SECRET=$JWT_SECRET
            """
        ),
    ]

    def check(self, ctx):
        text = ctx.source.text
        for service in compose_services(ctx):
            for entry in environment(service, text):
                if entry.value is None or interpolated(entry.value):
                    continue
                if not is_sensitive_name(entry.name) or not is_literal_secret(entry.value):
                    continue
                ctx.report(
                    ctx.source.span(entry.value_start, entry.value_end),
                    f"service {service.name} sets {entry.name} to a literal secret: "
                    "use ${" + entry.name + "} from an untracked .env file or a Compose secret",
                )
