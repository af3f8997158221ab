from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import APT_VALUE_OPTS, expand_word, invocations, runs, shown, variables


def apt_version_pinned(package: str) -> bool:
    """`pkg=1.2`, a release pin `pkg/bookworm`, a path or a `.deb` file."""
    return "=" in package or "/" in package or package.endswith(".deb")


class AptGetPin(Rule):
    """Pin versions in `apt-get install`.

    ## What it does
    Flags each package of an `apt-get install` that has no version: `curl` instead of
    `curl=7.88.1-10+deb12u5`. A release pin (`curl/bookworm-backports`), a path and a `.deb`
    file count as pinned; the value of `-t`/`--target-release`/`-o` is not a package.

    ## Why is this bad?
    Without a version the image gets whatever the archive serves on the day of the build, so
    two builds of the same Dockerfile differ, and a new upstream release can break the build
    or the application without any change on your side.

    ## Scope
    Every stage, `sudo apt-get` included; RUNs inside `ONBUILD` are checked on their own, and
    heredoc RUN bodies like RUN lines. Package words are read after `$VAR` expansion: values
    of `ARG` defaults and `ENV` are substituted (`apt-get install curl=$CURL_VERSION` with
    `ARG CURL_VERSION=7.88.1-10` is pinned).

    ## Compared with other tools
    hadolint DL3008, with one deliberate difference: a package whose name cannot be known before
    the build — it comes from an `ARG` without default, a variable the script computes or sets twice, or
    `$(...)` — is not reported (hadolint asks to pin `apt-get install $PKGS`, which you cannot
    do where you wrote it). A variable the Dockerfile never sets expands to nothing, as in the
    shell. Inside `ONBUILD` every variable is unknown. A variable whose value is pinned
    (`ARG V="=1.2-1"` + `apt-get install pkg${V}`) is not flagged, while hadolint, which does
    not expand variables, flags it. hadolint does not look through `sudo`, so it misses
    `sudo apt-get install curl`. An assignment of the script that cannot reach the install,
    because it sits in another branch of the same `if`/`case` (`if ...; then V=$(...); else
    apt-get install $V; fi`), leaves the `ARG`'s value in place, and that is judged.
    """

    code = "DL3008"
    name = "apt-get-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3008",)
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad("FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"),
        bad("FROM debian:12\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10 git\n", count=1),
        bad("FROM debian:12\nENV PKGS='curl git'\nRUN apt-get install -y $PKGS\n", count=2),
        ok("FROM debian:12\nRUN apt-get install -y curl=7.88.1-10 ./local.deb\n"),
        ok("FROM debian:12\nRUN apt-get install -y -t bookworm-backports git=1:2.43.0-1~bpo12+1\n"),
        ok("FROM debian:12\nARG PACKAGES\nRUN apt-get install -y $PACKAGES\n"),
        ok("FROM debian:12\nARG V=7.88.1-10\nRUN apt-get install -y curl=${V}\n"),
        # The script's own assignment sits in the other branch: the ARG's value is installed.
        bad("FROM debian:12\nARG P=chromium\nRUN if [ -n \"$X\" ]; then P=$(cat p.txt); else apt-get install -y $P; fi\n"),
        ok("FROM debian:12\nARG P=chromium\nRUN if [ -n \"$X\" ]; then P=$(cat p.txt); apt-get install -y $P; fi\n"),
        ok("FROM debian:12\nARG P=chromium\nRUN P=$(cat p.txt) && apt-get install -y $P\n"),
        # In a loop, one pass's branch sets what the next pass's other branch installs.
        ok("FROM debian:12\nARG P=chromium\nRUN for i in 1 2; do if [ $i = 1 ]; then P=$(cat p.txt); else apt-get install -y $P; fi; done\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            vars_ = None
            for inv in invocations(run, ("apt-get",), APT_VALUE_OPTS):
                if inv.verb != "install":
                    continue
                for word in inv.words[1:]:
                    if vars_ is None:
                        vars_ = variables(ctx, run)
                    values = expand_word(word, vars_, inv.script)
                    if values is None:
                        continue
                    for package in values:
                        if package and not apt_version_pinned(package):
                            ctx.report(
                                inv.script.word_span(word),
                                "Pin versions in apt get install. Instead of `apt-get install <package>` "
                                f"use `apt-get install <package>=<version>`: {shown(package, word)}",
                            )
