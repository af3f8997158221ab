from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, script_positional, scripts

MESSAGE = "Pin versions in npm. Instead of `npm install <package>` use `npm install <package>@<version>`"

INSTALL_COMMANDS = ("install", "i", "add")
VALUE_FLAGS = {
    "--registry", "--loglevel", "--prefix", "--cache", "--userconfig", "--globalconfig",
    "--tag", "--omit", "--include", "--workspace", "-w", "--install-strategy", "--before",
    "--cpu", "--os", "--libc", "--script-shell", "--node-options", "--otp", "--scope",
    "--location", "--fetch-retries", "--fetch-timeout", "--maxsockets", "--proxy",
    "--https-proxy", "--noproxy", "--ca", "--cafile", "--userconfig",
}
GIT_PREFIXES = ("git://", "git+ssh://", "git+http://", "git+https://")
PATH_PREFIXES = ("/", "./", "../", "~/")
TARBALL_SUFFIXES = (".tar", ".tar.gz", ".tgz")


def version_fixed(package: str) -> bool:
    if package.startswith(GIT_PREFIXES):
        return "#" in package
    if package.endswith(TARBALL_SUFFIXES) or package.startswith(PATH_PREFIXES):
        return True
    if package.startswith("@"):  # @scope/name[@version]
        _, _, package = package.partition("/")
    return "@" in package


class NpmPin(Rule):
    """Pin versions in npm.

    ## What it does
    Flags packages in `npm install` (and its aliases `npm i`, `npm add`) given without a
    version, tag or commit: `npm install express` instead of `npm install express@4.19.2`.

    ## Why is this bad?
    An unpinned package installs the newest release on the day of the build: builds stop
    being reproducible, and a breaking or malicious release lands without notice.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does). `npm install` without
    packages (installing from `package.json`), tarballs, local folders and git URLs with a
    `#commit`/`#semver:` are fine.

    ## Compared with other tools
    hadolint DL3016. We also check the `npm i` and `npm add` aliases, which hadolint misses,
    and do not flag packages given by a variable (`npm install "$PKG"`), which may hold a
    pinned spec.
    """

    code = "DL3016"
    name = "npm-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3016",)
    security = True
    examples = [
        bad("FROM node:20\nRUN npm install express\n", at=(2, 17)),
        bad("FROM node:20\nRUN npm install -g --registry https://registry.example.com typescript eslint@9.0.0\n", count=1, at=(2, 60)),
        bad("FROM node:20\nONBUILD RUN npm i @angular/cli\n", at=(2, 19)),
        ok("FROM node:20\nRUN npm install\n"),
        ok('FROM node:20\nRUN npm install -g express@4.19.2 @myorg/lib@">=1.0.0 <2.0.0"\n'),
        ok("FROM node:20\nRUN npm install git+https://github.com/npm/npm.git#v1.0.27 ./local.tgz\n"),
        ok("FROM node:20\nRUN npm run --crazy install\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for _cmd, eff in commands(rs):
                if eff.basename != "npm":
                    continue
                positional = script_positional(eff.args, VALUE_FLAGS)
                if not positional or positional[0].value not in INSTALL_COMMANDS:
                    continue
                for word in positional[1:]:
                    value = word.value
                    if "$" in value or "`" in value or value in INSTALL_COMMANDS:
                        continue
                    if not version_fixed(value):
                        ctx.report(rs.word_span(word), f"{MESSAGE} (`{value}` is not pinned)")
