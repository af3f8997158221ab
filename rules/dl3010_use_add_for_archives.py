import re

from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.run_helpers import scripts

MESSAGE = "Use `ADD` for extracting archives into an image"

# Archives `ADD` unpacks by itself: tar, plain or compressed with gzip, bzip2 or xz.
_TAR_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz")
_DECOMPRESSORS = frozenset({"unzip", "gunzip", "bunzip2", "unlzma", "unxz", "zgz", "uncompress", "zcat", "gzcat"})


def _basename(path: str) -> str:
    path = path.strip("\"'")
    for sep in ("/", "\\"):
        path = path.rsplit(sep, 1)[-1]
    return path


def is_add_extractable(name: str) -> bool:
    return name.lower().endswith(_TAR_SUFFIXES)


def _extracts(cmd) -> list:
    """The archive arguments of a tar-extract or decompress command, else []."""
    name = cmd.basename
    if name == "tar":
        values = cmd.arg_values
        extracting = any(v in ("--extract", "--get") for v in values) or any(
            v.startswith("-") and not v.startswith("--") and "x" in v for v in values
        ) or bool(values and re.fullmatch(r"[A-Za-z]{1,8}", values[0]) and "x" in values[0])  # `tar xzf a.tgz`
        return [w for w in cmd.args if not w.value.startswith("-")] if extracting else []
    if name in _DECOMPRESSORS:
        return [w for w in cmd.args if not w.value.startswith("-")]
    return []


class UseAddForArchives(Rule):
    """Use ADD for extracting archives into an image.

    ## What it does
    Flags a local tar archive that is `COPY`ed into the image and then unpacked by a later
    `RUN` of the same stage (`tar -x`, `gunzip`, `unxz`...). The finding points at the archive
    in the `COPY`.

    ## Why is this bad?
    The copied archive stays in its own layer even after it is extracted and deleted, so the
    image carries it twice. `ADD app.tar.gz /opt/` unpacks local tar archives in one step and
    one layer.

    ## Scope
    Every stage (the `COPY` and the `RUN` in the same stage). `COPY --from=...` is ignored,
    and so is `ONBUILD` (as in hadolint). An archive given as the `COPY` destination
    (`COPY pkg /opt/app.tar`) counts too, as in hadolint.

    ## Compared with other tools
    hadolint DL3010. hadolint also flags `.zip`-free compressed files such as `data.gz`,
    `app.tar.Z`, `.lz` or `.lzma` archives, which `ADD` would copy without unpacking (it only
    unpacks tar archives, uncompressed or compressed with gzip, bzip2 or xz); we flag only
    archives that `ADD` really extracts, so following the advice never changes the result.
    hadolint only recognises `tar` extraction with a dash (`tar -xf`); the old-style
    `tar xvf archive.tar.gz` is read here too, which hadolint misses.
    """

    code = "DL3010"
    name = "use-add-for-archives"
    kinds = frozenset({FileKind.DOCKERFILE})
    severity = Severity.INFO
    aliases = ("hadolint:DL3010",)
    examples = [
        bad("FROM debian:12\nCOPY app.tar.gz /opt/\nRUN tar -xzf /opt/app.tar.gz -C /opt\n", at=(2, 6)),
        bad("FROM debian:12\nCOPY dist/app.tar /src/\nWORKDIR /src\nRUN make && tar xf app.tar\n", at=(2, 6)),
        ok("FROM debian:12\nCOPY app.tar.gz /opt/\n"),
        ok("FROM debian:12\nCOPY data.gz /opt/\nRUN gunzip /opt/data.gz\n"),
        ok("FROM debian:12\nCOPY --from=build /out/app.tar /opt/\nRUN tar -xf /opt/app.tar\n"),
        ok("FROM debian:12\nCOPY package.json /app/\n"),
    ]

    def check(self, ctx):
        df = ctx.dockerfile
        by_run = {}
        for rs in scripts(ctx, onbuild=False):
            by_run.setdefault(id(rs.instruction), []).append(rs)
        archives: dict[str, list] = {}  # basename -> [(span, name)] of COPYed archives, this stage
        reported: set[tuple[int, int]] = set()
        for instruction in df.instructions:
            kw = instruction.keyword
            if kw == "FROM":
                archives = {}
            elif kw == "COPY" and instruction.flag("from") is None:
                for name, span in self._copied_archives(instruction):
                    archives.setdefault(name, []).append(span)
            elif kw == "RUN" and archives:
                for rs in by_run.get(id(instruction), []):
                    for cmd in rs.script.commands:
                        for word in _extracts(cmd.effective()):
                            for span in archives.get(_basename(word.value), ()):
                                if (span.start, span.end) not in reported:
                                    reported.add((span.start, span.end))
                                    ctx.report(span, f"{MESSAGE} (`{_basename(word.value)}` is extracted on line {rs.word_span(word).line})")

    @staticmethod
    def _copied_archives(instruction):
        if instruction.json is not None:
            words = [(value, instruction.span) for value in instruction.json]
        else:
            words = [(w.text, w.span) for w in instruction.words()]
        if len(words) < 2:
            return []
        *sources, (target, target_span) = words
        target_name = _basename(target)
        if is_add_extractable(target_name):
            return [(target_name, target_span)]
        return [(_basename(src), span) for src, span in sources if is_add_extractable(_basename(src))]
