from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import commands, pip_install_index, script_positional, scripts

MESSAGE = (
    "Pin versions in pip. Instead of `pip install <package>` use `pip install "
    "<package>==<version>` or `pip install --requirement <requirements file>`"
)

# Options of pip install / pipx install whose value is a separate word (not a package).
VALUE_FLAGS = {
    "-b", "--build", "-e", "--editable", "-f", "--find-links", "-i", "--index-url",
    "--extra-index-url", "--abi", "--implementation", "--no-binary", "--only-binary",
    "--platform", "--prefix", "--progress-bar", "--proxy", "--python-version", "--root",
    "--src", "-t", "--target", "--trusted-host", "--upgrade-strategy", "--root-user-action",
    "-c", "--constraint", "-r", "--requirement", "--cache-dir", "--log", "--log-file",
    "--timeout", "--retries", "--exists-action", "--cert", "--client-cert", "--global-option",
    "--install-option", "-C", "--config-settings", "--report", "--python", "--pip-args",
    "--suffix", "--index", "--preinstall", "--group", "--keyring-provider", "--use-feature",
    "--use-deprecated", "--only-deps",
}
VERSION_SYMBOLS = ("==", ">=", "<=", ">", "<", "!=", "~=", "===")
VCS_SCHEMES = (
    "git+file", "git+https", "git+ssh", "git+http", "git+git", "git", "hg+file", "hg+http",
    "hg+https", "hg+ssh", "hg+static-http", "svn", "svn+svn", "svn+http", "svn+https",
    "svn+ssh", "bzr+http", "bzr+https", "bzr+ssh", "bzr+sftp", "bzr+ftp", "bzr+lp",
)
LOCAL_SUFFIXES = (".whl", ".tar.gz")


def _is_vcs(package: str) -> bool:
    return package.startswith(VCS_SCHEMES)


def _vcs_has_ref(package: str) -> bool:
    """`git+https://host/repo.git@v1.2#egg=x`: an `@ref` after the host part (a `user@` in
    the authority is not a version)."""
    _, sep, rest = package.partition("://")
    if not sep:
        return "@" in package
    _, slash, path = rest.partition("/")
    return "@" in path if slash else False


def version_fixed(package: str) -> bool:
    if any(s in package for s in VERSION_SYMBOLS):
        return True
    if _is_vcs(package):
        return _vcs_has_ref(package)
    return package.endswith(LOCAL_SUFFIXES) or "/" in package


def unpinned_packages(cmd, install_index: int):
    """The package words of a pip install that are not pinned, or [] when the install reads a
    requirements or constraints file, or installs the local project (`.`)."""
    values = cmd.arg_values
    if any(v in ("-r", "--requirement", ".", "-c", "--constraint") for v in values):
        return []
    if any(v.startswith(("--requirement=", "--constraint=")) for v in values):
        return []
    after = script_positional(cmd.args[install_index + 1 :], VALUE_FLAGS)
    out = []
    for word in after:
        value = word.value
        if value == "install" or "$" in value or "`" in value:
            continue  # a variable may hold a pinned spec: we cannot know
        if not version_fixed(value):
            out.append(word)
    return out


class PipPin(Rule):
    """Pin versions in pip.

    ## What it does
    Flags packages in `pip install` (also `pip3`, `pip3.12`, `python -m pip install`, `pipx
    install`) that carry no version: neither a specifier (`==`, `~=`, `>=`, `<`, `!=`...), nor a
    VCS reference with `@ref`, nor a local file or path.

    ## Why is this bad?
    An unpinned package installs whatever is newest on the day of the build, so the same
    Dockerfile builds different images over time, and an incompatible or compromised release
    lands without notice.

    ## Scope
    Every stage; `ONBUILD RUN` is checked too (as hadolint does). Installs from a
    requirements file (`-r`), with a constraints file (`-c`), of the local project (`.`), of
    wheels and sdists (`*.whl`, `*.tar.gz`), local paths and URLs are fine; so are editable
    installs (`-e <path>`).

    ## Compared with other tools
    hadolint DL3013. Where hadolint has documented false positives we do better: a package
    given by a variable (`pip install "$PKG"`, hadolint issue 979) is not flagged, since the
    variable may well hold a pinned spec; a VCS URL with a user (`git+ssh://git@host/repo`) is
    not mistaken for a pinned one, only an `@ref` in the path counts. The same holds for a
    name the script computes (`pip install "tensorflow${TF_POSTFIX}"` after an `if` that sets
    it), which hadolint reports. hadolint misses a pip called by path (`/venv/bin/pip`,
    `/opt/venv/bin/python3 -m pip`) or through `sudo`, which are read here.
    """

    code = "DL3013"
    name = "pip-pin"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.WARNING
    aliases = ("hadolint:DL3013",)
    security = True
    examples = [
        bad("FROM python:3.12\nRUN pip install --no-cache-dir flask\n", at=(2, 32)),
        bad("FROM python:3.12\nRUN python -m pip install --index-url https://pypi.org/simple flask==3.0.0 requests\n", count=1, at=(2, 76)),
        bad("FROM python:3.12\nONBUILD RUN pipx install black\n", at=(2, 26)),
        ok("FROM python:3.12\nRUN pip install --no-cache-dir flask==3.0.0 'requests>=2.31'\n"),
        ok("FROM python:3.12\nRUN pip install --no-cache-dir -r requirements.txt\n"),
        ok("FROM python:3.12\nRUN pip install --no-cache-dir . ./libs/dep dist/app-1.0-py3-none-any.whl\n"),
        ok("FROM python:3.12\nRUN pip install --no-cache-dir git+https://github.com/org/repo.git@v1.2.0\n"),
        ok('FROM python:3.12\nARG PKG=flask==3.0.0\nRUN pip install --no-cache-dir "$PKG"\n'),
        ok("FROM python:3.12\nRUN pipenv install black\n"),
    ]

    def check(self, ctx):
        for rs in scripts(ctx, onbuild=True):
            for _cmd, eff in commands(rs):
                index = pip_install_index(eff)
                if index is None:
                    continue
                for word in unpinned_packages(eff, index):
                    ctx.report(rs.word_span(word), f"{MESSAGE} (`{word.value}` is not pinned)")
