import re

from dockerlint.rulekit.insecure import commands, flag_word
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.patterns import lazy

_APT = ("apt-get", "apt", "aptitude")
_RPM_FRONTENDS = ("yum", "dnf", "microdnf", "tdnf", "dnf-3", "yum-config-manager")
_APT_INSECURE_OPTION = lazy(
    r"^(?:Acquire::AllowInsecureRepositories|Acquire::AllowDowngradeToInsecureRepositories|"
    r"APT::Get::AllowUnauthenticated|Acquire::Check-Valid-Until)\s*=\s*\"?(?:true|1|yes)\"?$",
    re.I,
)
_GPGCHECK_OFF = lazy(r"(?:^|[.\s])(?:repo_)?gpgcheck\s*=\s*['\"]?(?:0|false|no)\b", re.I)
_TRUSTED = lazy(r"\btrusted=yes\b")


def _trusted_source(text: str) -> bool:
    """`trusted=yes` inside one `[...]`. In linear time: the regular expression for this rescans
    to the end of the text from every `[` (minutes for a word of 50,000 `[`)."""
    start = 0
    while True:
        close = text.find("]", start)
        if close < 0:
            return False
        open_ = text.find("[", start, close)
        if open_ >= 0 and _TRUSTED.search(text, open_ + 1, close):
            return True
        start = close + 1


class PackageSignatureCheckDisabled(Rule):
    """Package signature verification is turned off.

    ## What it does
    Flags package-manager options that install packages without checking their signatures:

    - `apt-get --allow-unauthenticated`, `--force-yes`, `--allow-insecure-repositories`,
      `-o Acquire::AllowInsecureRepositories=true` (and similar `-o` options), and
      `[trusted=yes]` in an APT source line written by the Dockerfile;
    - `apk add --allow-untrusted`;
    - `yum`/`dnf`/`microdnf --nogpgcheck`, `--setopt=gpgcheck=0`, `gpgcheck=0` written into a
      repository file;
    - `rpm --nosignature`, `--nodigest`, `--noverify`, `--nofiledigest`, `--nogpgcheck`;
    - `zypper --no-gpg-checks`.

    ## Why is this bad?
    Signatures are what ties a package to its publisher: without them a mirror, a proxy or
    anyone on the network path can substitute a package, and it is installed as root into the
    image. Import the repository key instead (`gpg --dearmor`, `signed-by=`, `rpm --import`,
    `apk add --keys-dir`).

    ## Scope
    Every stage, `RUN` inside `ONBUILD` included; only POSIX-shell `RUN`s are read.

    ## Compared with other tools
    Checkov CKV2_DOCKER_7 (apk), 8 and 11 (apt-get), 9 (yum/dnf), 10 (rpm), matched with regular
    expressions over the instruction text; each finding here carries the matching Checkov id.
    The `-o` options, `[trusted=yes]`, `gpgcheck=0` and zypper cases have no Checkov check.
    hadolint has no equivalent.
    """

    code = "DF202"
    name = "package-signature-check-disabled"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("CKV2_DOCKER_7", "CKV2_DOCKER_8", "CKV2_DOCKER_9", "CKV2_DOCKER_10", "CKV2_DOCKER_11")
    security = True
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad("FROM debian:12\nRUN apt-get install -y --allow-unauthenticated curl\n", at=(2, 24)),
        bad("FROM debian:12\nRUN apt-get -y --force-yes install curl\n", at=(2, 16)),
        bad("FROM debian:12\nRUN apt-get -o Acquire::AllowInsecureRepositories=true update\n", at=(2, 16)),
        bad('FROM debian:12\nRUN echo "deb [trusted=yes] http://repo.example.com/ ./" > /etc/apt/sources.list.d/x.list\n', at=(2, 10)),
        bad("FROM alpine:3.20\nRUN apk add --allow-untrusted /tmp/pkg.apk\n", at=(2, 13)),
        bad("FROM rockylinux:9\nRUN dnf install -y --nogpgcheck nginx\n", at=(2, 20)),
        bad("FROM rockylinux:9\nRUN rpm -ivh --nosignature /tmp/x.rpm\n", at=(2, 14)),
        ok("FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"),
        ok("FROM rockylinux:9\nRUN rpm --import https://example.com/key.asc && dnf install -y nginx\n"),
    ]

    def check(self, ctx):
        for rs, cmd in commands(ctx):
            for word, message, alias in self._command(cmd):
                span = rs.word_span(word) if word is not None else rs.command_span(cmd)
                aliases = alias if isinstance(alias, tuple) else ((alias,) if alias else ())
                ctx.report(span, message, aliases=aliases)

    @staticmethod
    def _command(cmd):
        name = cmd.basename
        if name in _APT:
            word = flag_word(cmd, long=("--allow-unauthenticated",))
            if word:
                yield word, f"`{name} --allow-unauthenticated` installs packages whose signatures are missing or invalid", "CKV2_DOCKER_8"
            word = flag_word(cmd, long=("--force-yes",))
            if word:
                yield word, f"`{name} --force-yes` also accepts unauthenticated packages (and downgrades)", ("CKV2_DOCKER_8", "CKV2_DOCKER_11")
            word = flag_word(cmd, long=("--allow-insecure-repositories",))
            if word:
                yield word, f"`{name} --allow-insecure-repositories` uses repositories without valid signatures", None
            values = [w.value for w in cmd.args]
            for k, v in enumerate(values):
                opt = values[k + 1] if v == "-o" and k + 1 < len(values) else (v[2:].lstrip("=") if v.startswith("-o") and len(v) > 2 else None)
                if opt and _APT_INSECURE_OPTION.match(opt):
                    word = cmd.args[k + 1] if v == "-o" else cmd.args[k]
                    yield word, f"`{name} -o {opt}` accepts repositories or packages without valid signatures", None
        elif name == "apk":
            word = flag_word(cmd, long=("--allow-untrusted",))
            if word:
                yield word, "`apk --allow-untrusted` installs packages without a trusted signature", "CKV2_DOCKER_7"
        elif name in _RPM_FRONTENDS:
            word = flag_word(cmd, long=("--nogpgcheck", "--no-gpgchecks"))
            if word:
                yield word, f"`{name} {word.value}` installs packages without checking their GPG signatures", "CKV2_DOCKER_9"
            for w in cmd.args:
                if w.value.startswith("--setopt=") and _GPGCHECK_OFF.search(w.value[len("--setopt="):].strip("\"'")):
                    yield w, f"`{name} {w.value}` installs packages without checking their GPG signatures", None
        elif name == "rpm":
            word = flag_word(cmd, long=("--nosignature", "--nodigest", "--noverify", "--nofiledigest", "--nogpgcheck"))
            if word:
                alias = "CKV2_DOCKER_9" if word.value == "--nogpgcheck" else "CKV2_DOCKER_10"
                yield word, f"`rpm {word.value}` installs packages without verifying their signatures or digests", alias
        elif name == "zypper":
            word = flag_word(cmd, long=("--no-gpg-checks",))
            if word:
                yield word, "`zypper --no-gpg-checks` installs packages without checking their GPG signatures", None
        elif name in ("echo", "printf", "tee", "sed"):
            for w in cmd.args:
                if w.value.startswith("-"):
                    continue
                if _trusted_source(w.value) and re.search(r"\bdeb(?:-src)?\b", w.value):
                    yield w, "an APT source marked `[trusted=yes]` is used without checking its signatures", None
                if _GPGCHECK_OFF.search(w.value):
                    yield w, "`gpgcheck=0` in a repository configuration installs packages without checking their GPG signatures", None
