from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit import shell_native


class ParseError(Rule):
    r"""
    ## What it does
    Finds a `[ ... ]` or `[[ ... ]]` whose contents go on after a complete test expression:
    `[ grep -q x file ]`, `[ -f a b ]`. Reported where the test should have ended (SC1073
    marks its opening bracket).

    ## Why is this bad?
    `[` is the `test` command, not grouping: `if [ grep -q x f ]` does not run grep, it fails
    with "too many arguments" or tests the wrong thing. To test a command's exit status, drop the
    brackets (`if grep -q x f; then`).

    ShellCheck's SC1072, checked natively for this, the case found on the Dockerfile corpus.
    ShellCheck stops parsing the script there, so its other findings in that RUN are not
    reported either (the native checks do the same). Other syntax errors, which ShellCheck also
    reports as SC1072, are not reported natively: tree-sitter-bash, which the native checks
    parse with, does not fail where ShellCheck's parser does. `# shellcheck disable=SC1072`
    inside the RUN and `# hadolint ignore=SC1072` above it silence it.

    ## Example
    ```dockerfile
    RUN if [ grep -q alpine /etc/os-release ]; then echo alpine; fi
    ```

    ## Use instead
    ```dockerfile
    RUN if grep -q alpine /etc/os-release; then echo alpine; fi
    ```

    ## Fix safety
    No fix.
    """

    code = "SC1072"
    name = "parse-error"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:SC1072", "ShellCheck:SC1072")
    examples = [
        ok("FROM alpine:3.22\nRUN if grep -q alpine /etc/os-release; then echo alpine; fi\n"),
        bad("FROM alpine:3.22\nRUN if [ grep -q alpine /etc/os-release ]; then echo alpine; fi\n", at=(2, 25),
            message="Expected test to end here"),
    ]

    def check(self, ctx):
        shell_native.report(ctx)
