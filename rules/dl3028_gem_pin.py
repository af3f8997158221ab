from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, scripts

MESSAGE = "Pin versions in gem install. Instead of `gem install <gem>` use `gem install <gem>:<version>`"

# gem install options that take a separate value.
VALUE_FLAGS = {
    "-v", "--version", "-i", "--install-dir", "-n", "--bindir", "--build-root", "--document",
    "-P", "--trust-policy", "-g", "--file", "--platform", "-s", "--source", "-p",
    "--http-proxy", "--target-rbconfig", "-B", "--bulk-threshold", "--without", "--with",
    "--config-file",
}
# Long options known to take no value; any other `--opt value` is read as an option with its
# value (gem passes unknown options after `--` to extension builds: `--use-system-libraries true`).
BOOLEAN_FLAGS = {
    "--force", "--conservative", "--minimal-deps", "--development", "--development-all",
    "--prerelease", "--pre", "--both", "--local", "--remote", "--ignore-dependencies",
    "--default", "--explain", "--lock", "--suggestions", "--vendor", "--env-shebang",
    "--wrappers", "--format-executable", "--user-install", "--post-install-message",
    "--norc", "--verbose", "--quiet", "--silent", "--backtrace", "--debug",
    "--clear-sources", "--update-sources", "--rdoc", "--ri", "--install-as-default",
}


def gem_names(cmd):
    """The gem words of `gem install`/`gem i`, or [] when a version is given with `-v` or the
    gems come from a Gemfile (`-g`)."""
    values = cmd.arg_values
    first = next((v for v in values if not v.startswith("-")), None)
    if first not in ("install", "i"):
        return []
    if any(v in ("-v", "--version", "-g", "--file") or v.startswith(("--version=", "--file=")) for v in values):
        return []
    out = []
    skip = False
    for word in cmd.args:
        v = word.value
        if v == "--":
            break
        if skip:
            skip = False
            continue
        if v.startswith("-") and len(v) > 1:
            if "=" in v:
                continue
            if v in VALUE_FLAGS:
                skip = True
            elif v.startswith("--") and v not in BOOLEAN_FLAGS and not v.startswith("--no-"):
                skip = True
            continue
        if v in ("install", "i"):
            continue
        out.append(word)
    return out


class GemPin(Rule):
    """Pin versions in gem install.

    ## What it does
    Flags gems in `gem install` / `gem i` given without a version: `gem install bundler`
    instead of `gem install bundler:2.5.6` (or `-v 2.5.6`).

    ## Why is this bad?
    An unpinned gem installs the newest release on the day of the build, so builds are not
    reproducible and breaking or malicious releases arrive unannounced.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does). `-v`/`--version`, and
    installs from a Gemfile (`-g`), are fine; options after `--` (passed to native extension
    builds) are not gems.

    ## Compared with other tools
    hadolint DL3028. We also accept installs from a Gemfile and skip gems given by a variable
    (`gem install "$GEM"`), which may hold a pinned spec. hadolint misses the gems of a
    `gem install --no-document fpm` (it takes `--no-document` for an option with a value).
    """

    code = "DL3028"
    name = "gem-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3028",)
    security = True
    examples = [
        bad("FROM ruby:3.3\nRUN gem install bundler\n", at=(2, 17)),
        bad("FROM ruby:3.3\nRUN gem i bundler:2.5.6 nokogiri\n", count=1, at=(2, 25)),
        bad("FROM ruby:3.3\nONBUILD RUN gem install rails\n", at=(2, 25)),
        ok("FROM ruby:3.3\nRUN gem install bundler:2.5.6 nokogiri:1.16.0\n"),
        ok("FROM ruby:3.3\nRUN gem install bundler -v 2.5.6\n"),
        ok("FROM ruby:3.3\nRUN gem install nokogiri:1.16.0 -- --use-system-libraries\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for _cmd, eff in commands(rs):
                if eff.basename != "gem":
                    continue
                for word in gem_names(eff):
                    value = word.value
                    if "$" in value or "`" in value or ":" in value:
                        continue
                    ctx.report(rs.word_span(word), f"{MESSAGE} (`{value}` is not pinned)")
