from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules.ks104_duplicate_key import report_duplicates


class ComposeDuplicateKey(Rule):
    """
    Write each key of a Compose mapping once.

    ## What it does
    Flags a key written a second time in the same mapping of a Compose file, at the repeated
    key, naming the line of the first. The Compose counterpart of KS104.

    ## Why is this bad?
    `docker compose` (Go's yaml.v3) refuses the file (`mapping key "image" already defined`),
    while PyYAML-based tools keep the last value: the file means different things to
    different tools.

    ## Scope
    Keys as written (merge keys `<<` and what they bring in are not duplicates).
    """

    code = "DC101"
    name = "compose-duplicate-key"
    kinds = frozenset({FileKind.COMPOSE})
    severity = Severity.ERROR
    examples = [
        bad(
            """
            services:
              web:
                image: nginx:1.27
                image: nginx:1.26
            """,
            count=1,
        ),
        ok(
            """
            services:
              web:
                image: nginx:1.27
              worker:
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        report_duplicates(ctx)
