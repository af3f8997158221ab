from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import (
    APK_VALUE_OPTS, APT_VALUE_OPTS, RPM_VALUE_OPTS, ZYPPER_VALUE_OPTS, command_span, invocations,
    position, runs,
)

# (program names, their options taking a value, verbs that refresh/update, verbs that install)
_FAMILIES = (
    (("apt-get", "apt"), APT_VALUE_OPTS, {"update"}, {"install", "upgrade", "dist-upgrade", "full-upgrade", "reinstall", "build-dep", "source"}),
    (("apk",), APK_VALUE_OPTS, {"update"}, {"add", "upgrade", "fix"}),
    (("yum",), RPM_VALUE_OPTS, {"update", "up"}, {"install", "upgrade", "reinstall", "groupinstall", "localinstall"}),
    (("dnf", "microdnf"), RPM_VALUE_OPTS, {"update", "up"}, {"install", "upgrade", "reinstall", "groupinstall", "localinstall"}),
    (("zypper",), ZYPPER_VALUE_OPTS, {"update", "up", "refresh", "ref"}, {"install", "in", "source-install", "si", "upgrade", "dist-upgrade", "dup"}),
)


class PackageUpdateAlone(Rule):
    """Install packages in the same `RUN` as the package manager's `update`.

    ## What it does
    Flags a `RUN` in which `apt-get update` / `apt update`, `apk update`, `yum update`,
    `dnf update`, `zypper update`/`refresh` is not followed by an install (`install`, `add`,
    `upgrade`...) of the same package manager in that same `RUN`.

    ## Why is this bad?
    Docker caches each `RUN` layer on its text. An `update` alone in its layer is run once and
    then reused for months, while a later `RUN apt-get install ...` changes and reruns: it
    installs from a stale package index (apt fails with 404s once the mirror has moved on) or
    from packages that look freshly updated but are not. Updating and installing in one `RUN`
    keeps them in step.

    ## Scope
    Every `RUN` of every stage (heredoc bodies included, `ONBUILD RUN` too); `apk --update add`
    and `apk add --update-cache` are an install and are fine. For yum/dnf/zypper `update`
    installs newer packages itself; it is reported alone too, as Trivy does, because the cached
    layer makes "updated" mean "updated on the day the cache was made".

    ## Compared with other tools
    Trivy DS017 (AVD-DS-0017, `no-orphan-package-update`) and Checkov CKV_DOCKER_5 ("update
    instructions are not used alone"), same meaning. hadolint has no such rule.
    """

    code = "DF207"
    name = "package-update-alone"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("AVD-DS-0017", "CKV_DOCKER_5")
    examples = [
        ok("FROM debian:12\nRUN apt-get update \\\n && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u12 \\\n && rm -rf /var/lib/apt/lists/*\n"),  # shown as "Use instead": lints clean
        bad("FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends mysql-client\n", count=1),
        bad('FROM debian:12\nRUN ["apt-get", "update"]\n', count=1),
        bad("FROM debian:12\nRUN apt-get update && adduser --system mike\n", count=1),
        bad("FROM fedora:40\nRUN dnf update -y\n", count=1),
        bad("FROM opensuse/tumbleweed\nRUN zypper up -y\n", count=1),
        bad("FROM centos:7\nRUN yum update -y\n", count=1),
        bad("FROM alpine:3.20\nRUN apk update\n", count=1),
        ok(
            "FROM debian:12\n"
            "RUN apt-get update && apt-get install -y --no-install-recommends mysql-client && rm -rf /var/lib/apt/lists/*\n"
            "RUN apk update && apk add --no-cache git\n"
            "RUN apk --update add easy-rsa\n"
            "RUN /bin/sh /scripts/someScript.sh update\n"
            "RUN apt-get update -y ; apt-get install -y curl\n"
            "RUN apt-get update && apt upgrade --yes\n"
            "RUN sbt update\n"
        ),
        ok("FROM fedora:40\nRUN dnf update && dnf install -y dnf-plugins-core\n"),
        ok("FROM opensuse/tumbleweed\nRUN zypper up -y && zypper install -y curl\n"),
    ]

    def check(self, ctx):
        for run in runs(ctx):
            for names, value_opts, updates, installs in _FAMILIES:
                found = list(invocations(run, names, value_opts))
                for i, inv in enumerate(found):
                    if inv.verb not in updates:
                        continue
                    here = position(run, inv.script, inv.command)
                    if any(
                        later.verb in installs and position(run, later.script, later.command) > here
                        for later in found[i + 1 :]
                    ):
                        continue
                    ctx.report(
                        command_span(inv),
                        f"`{inv.command.basename} {inv.verb}` is alone in its RUN: install in the same RUN, "
                        "or a cached update layer serves a stale package index",
                    )
