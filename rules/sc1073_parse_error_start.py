from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class ParseErrorStart(Rule):
    r"""
    ## What it does
    Marks the opening bracket of a test expression that does not parse (`[ grep -q x file ]`,
    `[ -f a b ]`); SC1072 marks where it should have ended.

    ## Why is this bad?
    See SC1072: the brackets are the `test` command, and the words in them are not a test.

    ShellCheck's SC1073, checked natively for test expressions (the case found on the
    Dockerfile corpus; ShellCheck also uses it for other constructs that fail to parse).
    `# shellcheck disable=SC1073` inside the RUN and `# hadolint ignore=SC1073` above it
    silence it.

    ## Example
    ```dockerfile
    RUN [ -f /etc/alpine-release /etc/os-release ] && echo alpine
    ```

    ## Use instead
    ```dockerfile
    RUN [ -f /etc/alpine-release ] && echo alpine
    ```

    ## Fix safety
    No fix.
    """

    code = "SC1073"
    name = "parse-error-start"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:SC1073", "ShellCheck:SC1073")
    examples = [
        ok("FROM alpine:3.22\nRUN [ -f /etc/alpine-release ] && echo alpine\n"),
        bad("FROM alpine:3.22\nRUN [ -f /etc/alpine-release /etc/os-release ] && echo alpine\n", at=(2, 5),
            message="Couldn't parse this test expression"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
