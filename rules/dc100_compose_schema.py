from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.schemas.compose import file_issues
from dockerlint.schemas.k8s import rename_fix


class ComposeSchema(Rule):
    """
    Write Compose files that follow the Compose Specification.

    ## What it does
    Validates the file against the Compose Specification's JSON schema (the one `docker
    compose` validates with): an unknown key, reported at the key with the closest valid key
    within two edits (`enviroment` -> `environment`); a value of the wrong type (`ports: 80`
    where a list belongs); a value not allowed (`restart` is free text but `pull_policy`,
    `cgroup`, `condition` have fixed values); a missing required key. `x-` extension keys are
    allowed wherever the specification allows them; anchors, aliases and `<<` merge keys are
    resolved first, as Compose resolves them.

    ## Why is this bad?
    `docker compose` refuses the file (`services.web Additional property enviroment is not
    allowed`), or, with older tools that ignore unknown keys, silently drops the setting.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        enviroment:
          MODE: prod
    ```

    ## Use instead
    ```yaml
    services:
      web:
        image: nginx:1.27
        environment:
          MODE: prod
    ```

    ## Compared with other tools
    dclint validates against the same schema; `docker compose config` stops at the first
    error. Neither suggests the intended key.

    ## Fix safety
    When exactly one valid key is within two edits and the mapping does not already use it,
    the fix renames the key. It is unsafe: the setting then takes effect.
    """

    code = "DC100"
    name = "compose-schema"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    examples = [
        bad(
            """
            services:
              web:
                image: nginx:1.27
                enviroment:
                  MODE: prod
            """,
            fixed="""
            services:
              web:
                image: nginx:1.27
                environment:
                  MODE: prod
            """,
            count=1,
        ),
        bad(
            """
            services:
              web:
                image: nginx:1.27
                ports: 80
            """,
            count=1,
        ),
        ok(
            """
            x-defaults: &defaults
              restart: unless-stopped
              logging: {driver: json-file}
            services:
              web:
                <<: *defaults
                image: nginx:1.27
                ports: ["8080:80", 443]
                environment: [MODE=prod]
                x-team: web
                depends_on:
                  db: {condition: service_healthy}
              db:
                <<: *defaults
                image: postgres:16
            volumes:
              data:
            """
        ),
    ]

    def check(self, ctx):
        for issue in file_issues(ctx):
            ctx.report(issue.span, issue.message, fix=rename_fix(issue))
