from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import ZYPPER_VALUE_OPTS, expand_word, invocations, runs, shown, variables


def zypper_version_pinned(package: str) -> bool:
    """`pkg=1.2`, `pkg>=1.2`, `pkg<2`, or an `.rpm` file."""
    return any(ch in package for ch in "=<>") or package.endswith(".rpm")


class ZypperPin(Rule):
    """Specify a version with `zypper install -y <package>=<version>`.

    ## What it does
    Flags each package of a `zypper install`/`zypper in` without a version constraint:
    `tomcat` instead of `tomcat=9.0.39` (or `tomcat>=9.0`, `tomcat<10`). `.rpm` files count as
    pinned; patterns, patches and products (`-t pattern`) are not checked.

    ## Why is this bad?
    Without a version the image gets whatever the repositories serve on the day of the
    build: two builds of the same Dockerfile differ and a new release can break the image.

    ## Scope
    Every stage, `sudo zypper` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.
    Package words are read after `$VAR` expansion from `ARG` defaults and `ENV`.

    ## Compared with other tools
    hadolint DL3037, except that a package whose name cannot be known before the build (an
    `ARG` without default, a variable the script computes or sets twice, `$(...)`) is not reported, and
    neither are non-package types (`-t pattern`).
    """

    code = "DL3037"
    name = "zypper-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3037",)
    examples = [
        bad("FROM opensuse/leap:15.6\nRUN zypper install -y tomcat && zypper clean\n", at=(2, 23)),
        ok("FROM opensuse/leap:15.6\nRUN zypper install -y tomcat=9.0.39 'git>=2.43' tomcat-9.0.39-1.rpm && zypper clean\n"),
        ok("FROM opensuse/leap:15.6\nRUN zypper in -y -t pattern devel_basis && zypper clean\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            vars_ = None
            for inv in invocations(run, ("zypper",), ZYPPER_VALUE_OPTS):
                if inv.verb not in ("install", "in"):
                    continue
                kinds = inv.command.flag_values("-t", "--type")
                if kinds and kinds[-1] != "package":
                    continue
                for word in inv.words[1:]:
                    if vars_ is None:
                        vars_ = variables(ctx, run)
                    for package in expand_word(word, vars_, inv.script) or ():
                        if package and not zypper_version_pinned(package):
                            ctx.report(
                                inv.script.word_span(word),
                                f"Specify version with `zypper install -y <package>=<version>`: {shown(package, word)}",
                            )
