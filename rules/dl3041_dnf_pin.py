from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import report_rpm_pins

DNF_NAMES = ("dnf", "dnf5", "microdnf")


class DnfPin(Rule):
    """Specify a version with `dnf install -y <package>-<version>`.

    ## What it does
    Flags each package of a `dnf install` / `microdnf install` without a version:
    `tomcat` instead of `tomcat-9.0.1`, and each module of `dnf module install` without a
    stream (`nodejs` instead of `nodejs:20`). A version is what follows the name's first
    `-` when it is made of version characters and has a part starting with a digit
    (`rpm-sign-4.16.1.3`, `openssl-1:1.1.1k`, `gcc-c++-1.1.1`); `.rpm` files count as
    pinned; groups (`dnf group install`, `@group`) are not checked.

    ## Why is this bad?
    Without a version the image gets whatever the repositories serve on the day of the
    build: two builds of the same Dockerfile differ and a new release can break the image.

    ## Scope
    Every stage, `sudo dnf` and `dnf5` included; RUNs inside `ONBUILD` and heredoc RUN bodies
    too. Package words are read after `$VAR` expansion: `git-core-${VERSION}` with
    `ENV VERSION=2.51.0` (in the stage or a stage it is built `FROM`) or an `ARG` default is
    pinned; a variable the Dockerfile never sets expands to nothing, so `git-core-${VERSION}`
    in a stage that does not see it is reported.

    ## Compared with other tools
    hadolint DL3041, except that a package word whose value cannot be known before the build
    (an `ARG` without default, a variable the script computes or sets twice, `$(...)`) is not reported.
    Variables are expanded first (`cuda-toolkit-${V//./-}` with `ARG V=12.8` is
    `cuda-toolkit-12-8`, pinned by hadolint's own test), where hadolint reads the word as
    written.
    """

    code = "DL3041"
    name = "dnf-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3041",)
    examples = [
        bad("FROM fedora:40\nRUN dnf install -y tomcat && dnf clean all\n", at=(2, 20)),
        bad("FROM fedora:40\nRUN dnf install -y rpm-sign tomcat-9.0.1 && dnf clean all\n", count=1, at=(2, 20)),
        bad("FROM fedora:40\nRUN microdnf module install -y nodejs && microdnf clean all\n", at=(2, 32)),
        ok("FROM fedora:40\nRUN dnf install -y tomcat-9.0.1 openssl-1:3.2.2 gcc-c++-14.2.1 && dnf clean all\n"),
        ok("FROM fedora:40\nRUN dnf module install -y nodejs:20 && dnf -y group install 'Development Tools'\n"),
        ok("FROM fedora:40\nARG version=2.51.0-2.fc42\nRUN dnf -y install git-core-$version\n"),
    ]

    def check(self, ctx):
        report_rpm_pins(ctx, DNF_NAMES, "Specify version with `dnf install -y <package>-<version>`.")
