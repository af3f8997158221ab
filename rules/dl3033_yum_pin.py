from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.package_managers import report_rpm_pins


class YumPin(Rule):
    """Specify a version with `yum install -y <package>-<version>`.

    ## What it does
    Flags each package of a `yum install` without a version: `tomcat` instead of
    `tomcat-9.2`, and each module of `yum module install` without a stream (`tomcat` instead
    of `tomcat:9`). A version is what follows the name's first `-` when it is made of version
    characters and has a part starting with a digit (`rpm-sign-4.16.1.3`,
    `openssl-1:1.1.1k`, `gcc-c++-1.1.1`); `.rpm` files count as pinned; groups are not
    checked.

    ## Why is this bad?
    Without a version the image gets whatever the repositories serve on the day of the
    build: two builds of the same Dockerfile differ and a new release can break the image.

    ## Scope
    Every stage, `sudo yum` included; RUNs inside `ONBUILD` and heredoc RUN bodies too.
    Package words are read after `$VAR` expansion from `ARG` defaults and `ENV` (of the stage
    and the stages it is built `FROM`); a variable the Dockerfile never sets expands to
    nothing.

    ## Compared with other tools
    hadolint DL3033, with two differences: a package word whose value cannot be known before
    the build (an `ARG` without default, a variable the script computes or sets twice, `$(...)`) is not
    reported, and `yum install python3-pip` is (hadolint accepts any name with a `-`, here
    the part after it must look like a version, as hadolint does for dnf in DL3041).
    """

    code = "DL3033"
    name = "yum-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3033",)
    examples = [
        bad("FROM centos:7\nRUN yum install -y tomcat && yum clean all\n", at=(2, 20)),
        bad("FROM centos:7\nRUN yum module install -y tomcat && yum clean all\n", at=(2, 27)),
        bad("FROM centos:7\nRUN yum install -y python3-pip && yum clean all\n", at=(2, 20)),
        ok("FROM centos:7\nRUN yum install -y tomcat-9.2 openssl-1:1.1.1k gcc-c++-4.8.5 && yum clean all\n"),
        ok("FROM centos:7\nRUN yum module install -y tomcat:9 && yum clean all\n"),
        ok("FROM centos:7\nENV version=2.43.5-1.el7\nRUN yum -y install git-${version} && yum clean all\n"),
    ]

    def check(self, ctx):
        report_rpm_pins(ctx, ("yum",), "Specify version with `yum install -y <package>-<version>`.")
