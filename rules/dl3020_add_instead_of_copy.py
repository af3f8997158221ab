import re

from dockerlint.model import Applicability, Edit, FileKind, Severity
from dockerlint.rule import Rule, bad, make_fix, ok
from dockerlint.rulekit.patterns import lazy

# hadolint's list of the extensions of archives that ADD extracts.
ARCHIVE_EXTENSIONS = (
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
)
_URL = lazy(r"^(?:https?|git|ssh)://|^git@|\.git(?:#.*)?$", re.IGNORECASE)
_GLOB = lazy(r"[*?\[]")
# Flags only ADD understands: turning ADD into COPY would make them errors.
_ADD_ONLY_FLAGS = ("checksum", "keep-git-dir", "unpack")


def _strip_quotes(text: str) -> str:
    return text.strip("\"'")


def is_archive(path: str) -> bool:
    return _strip_quotes(path).endswith(ARCHIVE_EXTENSIONS)


def is_url(path: str) -> bool:
    return _strip_quotes(path).lower().startswith(("http://", "https://"))


class AddInsteadOfCopy(Rule):
    """Use `COPY` instead of `ADD` for files and folders.

    ## What it does
    Flags an `ADD` whose sources are plain local files or folders: not a URL and not a tar
    archive that `ADD` would extract.

    ## Why is this bad?
    `ADD` also downloads URLs and unpacks archives. Using it for plain files hides which of
    these the author meant, and a file that later turns into an archive is silently unpacked.
    `COPY` only copies.

    ## Scope
    Every `ADD` outside `ONBUILD`, shell and JSON form.

    ## Fix safety
    Replacing the keyword with `COPY` is safe when no source is a URL, a git repository, an
    archive by extension, a glob or a variable (any of which might be, or match, something
    `ADD` downloads or unpacks), and no ADD-only flag (`--checksum`, `--keep-git-dir`,
    `--unpack`) is used. Otherwise the fix is unsafe: `ADD` unpacks any local tar archive it
    recognises by content, whatever its name.

    ## Compared with other tools
    hadolint DL3020 and Trivy DS005 (same meaning). Checkov CKV_DOCKER_4 flags every `ADD`,
    archives and URLs included.
    """

    code = "DL3020"
    name = "add-instead-of-copy"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.ERROR
    aliases = ("hadolint:DL3020", "AVD-DS-0005")
    examples = [
        bad("FROM debian:12\nADD app.py /app/\n", fixed="FROM debian:12\nCOPY app.py /app/\n", at=(2, 1)),
        bad('FROM debian:12\nadd --chown=1000 ["site.zip", "/srv/"]\n', fixed='FROM debian:12\ncopy --chown=1000 ["site.zip", "/srv/"]\n', at=(2, 1)),
        bad("FROM debian:12\nADD src/* /app/\n", fixed="FROM debian:12\nCOPY src/* /app/\n", at=(2, 1)),
        ok("FROM debian:12\nADD rootfs.tar.gz /\n"),
        ok("FROM debian:12\nADD https://example.com/tool /usr/local/bin/tool\n"),
        ok('FROM debian:12\nADD "vendor.tgz" /opt/\n'),
    ]

    def check(self, ctx):
        for ins in ctx.dockerfile.instructions:
            if ins.keyword != "ADD":
                continue
            if ins.json is not None:
                sources = ins.json[:-1]
            else:
                sources = ins.fields()[:-1]  # split like BuildKit: on whitespace only
            if not sources or all(is_archive(s) or is_url(s) for s in sources):
                continue
            risky = [
                s for s in sources
                if is_archive(s) or _URL.search(_strip_quotes(s)) or "$" in s or _GLOB.search(s)
            ]
            add_only = [f"--{f.name}" for f in ins.flags if f.name in _ADD_ONLY_FLAGS]
            keyword = "COPY" if ins.keyword_raw.isupper() or not ins.keyword_raw.islower() else "copy"
            edit = Edit(ins.keyword_span.start, ins.keyword_span.end, keyword)
            if add_only:
                fix = None
            elif risky:
                fix = make_fix(
                    [edit],
                    Applicability.UNSAFE,
                    f"Use COPY (unsafe: `{risky[0]}` may be a URL or match an archive that ADD would unpack)",
                )
            else:
                fix = make_fix([edit], Applicability.SAFE, "Use COPY")
            ctx.report(ins.keyword_span, "Use COPY instead of ADD for files and folders", fix=fix)
