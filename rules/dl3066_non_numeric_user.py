from dockerlint.rulekit.analysis import parse_arg, substitute, variable_names
from dockerlint.rulekit.keyvalues import pairs
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok


class NonNumericUser(Rule):
    """Non-numeric user-id may not be resolvable by host system.

    ## What it does
    Flags a `USER` whose user part is a name (`USER app`, `USER app:app`) rather than a
    numeric UID (`USER 10001`, `USER 10001:10001`).

    ## Why is this bad?
    Kubernetes' `runAsNonRoot` and other host-side policies can only verify a numeric UID: a
    user name is resolved inside the image, so the platform cannot tell whether it is root.

    ## Scope
    Every `USER` outside `ONBUILD`. A user given through an `ENV` variable is resolved: a
    numeric value (`ENV APP_UID=1654`) is fine, a name is flagged, and so is an undefined
    variable. A user given through an `ARG` is a build parameter, chosen by whoever builds
    (`--build-arg user=10001`), and is not judged, as in hadolint.

    ## Compared with other tools
    hadolint DL3066 (same meaning). hadolint flags every variable that no `ARG` declares, so
    `ENV APP_UID=1654` + `USER $APP_UID` is a false positive there (its issues 1222, 1234),
    not here.
    """

    code = "DL3066"
    name = "non-numeric-user"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3066",)
    examples = [
        bad("FROM debian:12\nUSER app\n", at=(2, 6)),
        bad("FROM debian:12\nUSER app:app\n", at=(2, 6)),
        ok("FROM debian:12\nUSER 10001:10001\n"),
        bad("FROM debian:12\nENV APP_USER=app\nUSER $APP_USER\n", at=(3, 6)),
        ok("ARG APP_UID\nFROM debian:12\nUSER ${APP_UID}\n"),
        ok("FROM debian:12\nARG user=jenkins\nUSER ${user}\n"),
        bad("FROM debian:12\nARG user=jenkins\nENV user=app\nUSER ${user}\n", at=(4, 6)),
        ok("FROM debian:12\nENV APP_UID=1654\nUSER $APP_UID:$APP_UID\n"),
    ]

    def check(self, ctx):
        env: dict[str, str | None] = {}  # variables defined so far (None: value unknown)
        build_parameters: set[str] = set()  # names an ARG declared last
        for ins in ctx.dockerfile.instructions:
            if ins.keyword == "ARG":
                for name, default in parse_arg(ins):
                    env[name] = substitute(default, env) if default is not None else env.get(name)
                    build_parameters.add(name)
            elif ins.keyword == "ENV":
                for pair in pairs(ins):
                    env[pair.key] = substitute(pair.value, env)
                    build_parameters.discard(pair.key)
            elif ins.keyword == "USER":
                words = ins.words()
                if not words:
                    continue
                written = user = words[0].value.split(":", 1)[0]
                if any(name in build_parameters for name in variable_names(user)):
                    continue  # chosen by whoever builds
                if "$" in user and all(name in env for name in variable_names(user)):
                    user = substitute(user, env)
                    if user is None:
                        continue  # an ARG without a value: only known at build time
                if user.isdigit():
                    continue
                resolved = f" (= `{user}`)" if user != written else ""
                ctx.report(
                    words[0].span,
                    f"Non-numeric user-id may not be resolvable by host system: `{written}`{resolved}",
                )
