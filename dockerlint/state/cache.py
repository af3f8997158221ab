"""A content cache of lint results, like ruff's: a file whose bytes, effective settings and
path are the same as last time, linted by the same dockerlint, gets last time's result without
being parsed or linted.

- Key: a hash (BLAKE2b, `dockerlint.digest`) of the code's identity (version plus the size and
  mtime of every module and data file of dockerlint, its rules and fixers: an edited rule
  invalidates everything), the path,
  the effective settings and the digest of the file's bytes. A file whose stat is the one
  recorded when its bytes were last read is keyed by the digest recorded then, unread (stamps,
  below `Store`).
- Place: `.dockerlint_cache/` beside the nearest config file (else the working directory), or
  `cache-dir`; `--no-cache` / `cache = false` turn it off. The folder holds a `.gitignore` and
  a `CACHEDIR.TAG`, so neither git nor backup tools pick it up.
- Layout: one pack per directory of linted files and version of the code
  (`v4/<hash of the directory>-<code identity>.pack`), read once per run and written once at
  its end. One file per result cost a first run of the Dockerfile corpus 2.5 s of system time
  creating and renaming 2,624 files (12.8 s against 8.6 s without the cache) and a cached run
  2,624 opens. The code identity in the name keeps an older dockerlint's results (useless to
  this one) out of the packs a run reads; they go when the size bound is reached.
- Format: `marshal` of tuples of plain values (`_encode` lists the fields), the format of the `.pyc` files Python
  keeps in `__pycache__` beside the sources (and executes; a pack is only decoded, and an entry
  of the wrong shape is ignored). Decoding the packs was the largest single cost of a cached
  run of the Kubernetes corpus as JSON (0.2 of 1.3 s, 19,806 findings); marshal reads the same
  data several times faster. A pack is the length of its marshalled entries, the entries, then
  its text: the report lines of the results that have them, as UTF-8, each entry pointing to
  its own (`dump_pack`). A large pack is mapped and its text never copied: the lines go from the
  page cache to the report (`cli.main._write_report`). Kept as strings inside the entries,
  the Kubernetes corpus's 16.6 MB of lines made its 25 MB pack take 15-27 ms to decode (4 ms
  without them), and were encoded again to be written: a cached run of it had 17,340 page
  faults and 231-239 ms of CPU; 10,400 and 198-208 ms this way.
- Safe under concurrent runs: a pack is re-read, merged and replaced atomically (under an
  advisory lock where the system has one); a pack that does not decode is ignored; at worst a
  concurrent run's new entries are lost, which only costs a miss next time.
- Other files the rules read (through `Context.read_related`, e.g. `.dockerignore`) are
  recorded with a digest; a result is used only while they are unchanged.
- Bounded: a pack keeps the latest `PER_PATH` results of each file, and past `MAX_BYTES` the
  least recently written packs are removed.
"""
from __future__ import annotations

import marshal
import os
import sys
import zlib
from collections import Counter
from functools import lru_cache, partial

from dockerlint.model import (
    APPLICABILITY_BY_VALUE, SEVERITY_BY_NUMBER, Applicability, CachedSource, FileError, FileKind, FileResult, Finding, Location, new_cached_result, new_edit, new_fix, new_span, new_stored_fix,
)

from dockerlint import digest as _digest
from dockerlint import framed, read_framed
from dockerlint.paths import parent as path_parent

DIRECTORY = ".dockerlint_cache"
TAG_MARK = "dockerlint's result cache"  # in the CACHEDIR.TAG `_mark` writes: `dockerlint clean` looks for it
FORMAT = "v6"
SUFFIX = ".pack"
MAX_BYTES = 256 * 1024 * 1024
PER_PATH = 2  # results kept per file (e.g. two selections a developer alternates between)


@lru_cache(maxsize=1)
def code_identity() -> str:
    """What the results depend on besides the input: dockerlint's version, every file of its
    code and data (size and mtime), so an upgrade or an edited rule starts afresh, and whether
    the optional ShellCheck binary is there. Paid by every run that uses the cache, one file
    included: one scandir walk (~5 ms for ~400 files; os.walk + os.stat took 25)."""
    import dockerlint
    import dockerlint.fixers
    import dockerlint.rules

    files: list[tuple[str, int, int]] = []

    def walk(directory: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        walk(entry.path)
                elif entry.name.endswith((".py", ".json", ".gz", ".toml", ".md", ".j2")):
                    st = entry.stat()
                    files.append((entry.path, st.st_size, st.st_mtime_ns))

    for root in (*dockerlint.__path__, *dockerlint.rules.__path__, *dockerlint.fixers.__path__):
        walk(root)
    h = _digest.new(dockerlint.__version__.encode())
    h.update(f"shellcheck={_on_path('shellcheck')}".encode())  # its rules report only where it is installed
    h.update(repr(sorted(files)).encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def _on_path(name: str) -> str | None:
    """shutil.which without importing shutil (and bz2, lzma...) at start-up."""
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = os.path.join(directory or ".", name)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def directory_for(settings, cwd: str | None = None) -> str:
    if settings.cache_dir:
        return settings.cache_dir
    if settings.config_path:
        found = _DIRECTORIES.get(settings.config_path)  # asked for every file
        if found is None:
            found = _DIRECTORIES[settings.config_path] = os.path.join(os.path.dirname(os.path.abspath(settings.config_path)), DIRECTORY)
        return found
    cwd = cwd or os.getcwd()
    found = _IN_CWD.get(cwd)
    if found is None:
        found = _IN_CWD[cwd] = os.path.join(cwd, DIRECTORY)
    return found


_DIRECTORIES: dict[str, str] = {}  # a config file's path -> the cache directory beside it
_IN_CWD: dict[str, str] = {}  # a working directory -> the cache directory in it


# id(settings) -> (settings, repr(settings)): a run's files share a few Settings objects, and
# writing one out (every field, nested) for each of thousands of files was a tenth of a cached
# run. Settings are not changed once made (`dataclasses.replace` makes new ones); the object is
# kept, so its id is not reused.
_REPRS: dict[int, tuple] = {}


def settings_text(settings) -> str:
    found = _REPRS.get(id(settings))
    if found is None or found[0] is not settings:
        found = _REPRS[id(settings)] = (settings, repr(settings))
    return found[1]


def digest(data: bytes) -> bytes:
    """What a file's bytes count for in its key (and what its stamp remembers)."""
    return _digest.new(data).digest()


def key_base(settings, extra: str = ""):
    """The hash of what the keys of files with these settings and `extra` share, to go on from
    (`key_from`): the code's identity, the settings and `extra`, hashed once per run."""
    text = settings_text(settings)
    base = _BASES.get((text, extra))
    if base is None:
        base = _digest.new()
        for part in (code_identity(), text, extra):
            base.update(part.encode("utf-8", "surrogatepass") + b"\0")
        if len(_BASES) > 64:
            _BASES.clear()
        _BASES[(text, extra)] = base
    return base


def key_from(base, absolute: str, content: bytes) -> str:
    """A file's key: its `key_base` copied, then its absolute path and the digest of its bytes
    (`digest`)."""
    h = base.copy()
    h.update(absolute.encode("utf-8", "surrogatepass") + b"\0")
    h.update(content)
    return h.hexdigest()


_BASES: dict[tuple[str, str], object] = {}  # (settings' text, extra) -> their hash so far


def _pack_path(directory: str, path: str, absolute: str | None = None) -> str:
    """The pack of `path`'s directory; `absolute`: os.path.abspath(path), when the caller has it."""
    absolute = absolute or os.path.abspath(path)
    of_file = _PACK_OF.get(directory)
    if of_file is None:
        of_file = _PACK_OF[directory] = {}
    pack = of_file.get(absolute)  # asked two or three times per file
    if pack is None:
        folder = path_parent(absolute)
        pack = _PACKS.get((directory, folder))  # thousands of files, a few directories
        if pack is None:
            name = _digest.new(folder.encode("utf-8", "surrogatepass")).hexdigest()[:24]
            pack = _PACKS[(directory, folder)] = os.path.join(directory, FORMAT, f"{name}-{code_identity()[:12]}{SUFFIX}")
        of_file[absolute] = pack
    return pack


_PACKS: dict[tuple, str] = {}  # (cache directory, folder of the linted file) -> pack
_PACK_OF: dict[str, dict[str, str]] = {}  # cache directory -> absolute path of a linted file -> its pack


_MAP_FROM = 1 << 20  # bytes: a pack this large is mapped (`dockerlint.read_framed`), not read


def load_pack(pack: str) -> tuple[dict, memoryview]:
    """(the pack's entries, its text: the report lines its entries point into), or ({}, empty)
    for a pack that is missing or not of this format (`dump_pack` writes one). A large pack is
    mapped: its entries are decoded from the page cache and its text is never copied (written
    to the report from there)."""
    entries, text = read_framed(pack, _MAP_FROM)
    return (entries, text) if isinstance(entries, dict) else ({}, memoryview(b""))


def dump_pack(entries: dict, text=b"") -> list:
    """A pack's bytes, as pieces to write one after the other: its entries with the report lines
    they hold (`_JSON`) put in the pack's text, where they point (`text`: the text of the pack
    their pointers are into, if any)."""
    return framed(*_with_text(entries, text))


def _with_text(entries: dict, text) -> tuple[dict, list]:
    """`entries` with each result's report lines moved into the pack's text (as UTF-8, pointed
    to by (offset, length)), and the pieces of that text. Lines that are not valid UTF-8 (a
    path with an undecodable byte) stay in the entry as a string."""
    pieces: list = []
    at = 0
    out = {}
    for k, entry in entries.items():
        json = entry[_JSON] if k != STAMPS and type(entry) is tuple and len(entry) > _JSON else None
        if type(json) is tuple and len(json) == 4:
            lines = _lines(json[1], text)
            if type(lines) is str:
                try:
                    lines = lines.encode("utf-8")
                except UnicodeEncodeError:
                    pass  # kept in the entry, as a string
            if lines is None:
                json = None  # pointing outside the text: the report writes the findings instead
            elif type(lines) is not str:
                pieces.append(lines)
                json = (json[0], (at, len(lines)), *json[2:])
                at += len(lines)
            entry = (*entry[:_JSON], json, *entry[_JSON + 1:])
        out[k] = entry
    return out, pieces


def _lines(lines, text):
    """Stored report lines: a string, or the part of the pack's `text` that (offset, length)
    points to (None when it points outside it)."""
    if type(lines) is tuple:
        if len(lines) == 2 and type(lines[0]) is int and type(lines[1]) is int and 0 <= lines[0] and lines[1] >= 0 \
                and lines[0] + lines[1] <= len(text):
            return text[lines[0]:lines[0] + lines[1]]
        return None
    return lines


# Stamps (git's index idea): a file read for the cache is remembered under what stat says of it
# (size, mtime, ctime, inode) with the digest of the bytes read, and whether it may hold a CRD.
# A later run that finds the same stamp knows the digest, and so the key, without reading the
# file (4,413 files: ~45 ms of a 0.45 s cached run). ctime changes with every write and cannot be
# set back (`touch -d`, `cp -p`, `git checkout` all leave a new one); a stamp is recorded only
# for a file whose mtime and ctime were SETTLE_NS older than the moment it was read, so a later
# write cannot fall into the same timestamp tick and go unseen (ticks are up to 2 s on FAT). On
# Windows st_ctime is the creation time: there a stamp rests on size, mtime and file index (as
# ruff's cache rests on mtime), and a rewrite that keeps the size and puts the mtime back would
# go unseen.
STAMPS = "stamps"  # the pack's key for them: never a result's key (those are hex digests)
SETTLE_NS = 3_000_000_000


def _summary_shape(crd) -> bool:
    """Is a stamp's CRD part a pre-scan summary, (groups, other kinds too, length, digest)?"""
    return (type(crd) is tuple and len(crd) == 4 and type(crd[0]) is tuple and all(type(g) is str for g in crd[0])
            and type(crd[1]) is bool and type(crd[2]) is int and type(crd[3]) is bytes)


def _stamp(st) -> tuple:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Store:
    """The packs a run has read and the entries it has added, written by `flush()`."""

    def __init__(self) -> None:
        self._read: dict[str, dict] = {}  # pack path -> its entries as read
        self._text: dict[str, memoryview] = {}  # pack path -> its text, as read (`load_pack`)
        self._new: dict[str, dict] = {}  # pack path -> key -> entry added by this run (and STAMPS -> new stamps)
        # path -> digest of a file results depend on, read once per run (and directory listings:
        # `files.related_unchanged`)
        self._related: dict = {}
        # the run reports JSON: each result stored with its findings' lines of that report (`_encode`)
        self.json_lines = False

    def _entries(self, pack: str) -> dict:
        entries = self._read.get(pack)
        if entries is None:
            entries, self._text[pack] = load_pack(pack)
            self._read[pack] = entries
        return entries

    def unchanged(self, directory: str, path: str, absolute: str | None = None, st=None) -> tuple[bytes, bool] | None:
        """(digest, may hold a CRD) of a file whose stat is the stamp recorded for it, else None
        (the file is stat'ed only when it has a stamp: not at all in a first run). `absolute`:
        os.path.abspath(path), when the caller has it; `st`: its stat when the caller made one
        (discovery's, for a walked or named regular file)."""
        found = self.unchanged_all(directory, [(path, absolute or os.path.abspath(path), st)]).get(path)
        return found[:2] if found is not None else None

    def unchanged_all(self, directory: str, files) -> dict:
        """`unchanged` for each (path, absolute path, stat or None) of `files`, in one pass: path
        -> its answer, its pack (for `get_in`) and its absolute path, for those whose stamp is the
        one recorded. A cached run asks it of every file before the CRD pre-scan; asked a file at
        a time, through the layers between, it was ~7 us of a file's ~40 (4,413 files)."""
        found = {}
        stamps, last_pack = None, None
        for path, absolute, st in files:
            pack = _pack_path(directory, path, absolute)
            if pack is not last_pack:  # thousands of files, a few packs
                last_pack = pack
                stamps = self._entries(pack).get(STAMPS)
                if not isinstance(stamps, dict):
                    stamps = {}
            stamp = stamps.get(absolute)
            if not (type(stamp) is tuple and len(stamp) == 6 and type(stamp[4]) is bytes):
                continue
            if st is None:
                try:
                    st = os.stat(path)
                except (OSError, ValueError):
                    continue
            if stamp[:4] != _stamp(st):
                continue
            crd = stamp[5]
            found[path] = stamp[4], (crd if _summary_shape(crd) else bool(crd)), pack, absolute
        return found

    def note(self, directory: str, path: str, read: tuple, content: bytes, crd, absolute: str | None = None) -> None:
        """Record the stamp of a file read at `read` (stat before the read, time just before it),
        whose bytes have digest `content`; `crd`: they may hold a CustomResourceDefinition (False,
        True, or what the CRD pre-scan found in them: `schemas.crds.summary_of`)."""
        st, before = read
        if max(st.st_mtime_ns, st.st_ctime_ns) > before - SETTLE_NS:
            return  # written moments before it was read: another write could share its timestamps
        absolute = absolute or os.path.abspath(path)
        pack = _pack_path(directory, path, absolute)
        stamp = (*_stamp(st), content, crd)
        known = self._entries(pack).get(STAMPS)
        if isinstance(known, dict) and known.get(absolute) == stamp:
            return  # recorded already: nothing to write
        self._new.setdefault(pack, {}).setdefault(STAMPS, {})[absolute] = stamp

    def get(self, directory: str, k: str, path: str, text: str | bytes | None, absolute: str | None = None) -> FileResult | None:
        return self.get_in(_pack_path(directory, path, absolute), k, path, text)

    def get_in(self, pack: str, k: str, path: str, text: str | bytes | None) -> FileResult | None:
        """`get`, from the pack of the file's folder (`unchanged_all` gave it)."""
        entries = self._entries(pack)
        entry = entries.get(k)
        if entry is None:
            return None
        try:
            return _decode(entry, path, text, self._related, pack_text=self._text[pack])
        except (ValueError, KeyError, TypeError, IndexError):
            del entries[k]  # a doctored or foreign entry: forget it
            return None

    def put(self, directory: str, k: str, result: FileResult) -> None:
        self.add(directory, {k: _encode(result, os.path.abspath(result.path), self.json_lines)}, result.path)

    def add(self, directory: str, entries: dict, path: str) -> None:
        self._new.setdefault(_pack_path(directory, path), {}).update(entries)

    def take_new(self) -> list[tuple[str, dict]]:
        """Entries added since the last call, as (pack, entries): a worker process hands them to
        the parent, which writes them."""
        taken = list(self._new.items())
        self._new.clear()
        return taken

    def adopt(self, taken: list[tuple[str, dict]]) -> None:
        for pack, entries in taken:
            mine = self._new.setdefault(pack, {})
            stamps = entries.pop(STAMPS, None)
            mine.update(entries)
            if stamps:
                mine.setdefault(STAMPS, {}).update(stamps)

    def flush(self) -> None:
        """Merge this run's entries into their packs on disk; a cache that cannot be written is
        no error (the run just goes on)."""
        import time

        now = time.time()
        directories = {os.path.dirname(os.path.dirname(pack)) for pack in self._new}
        for pack, new in self._new.items():
            try:
                os.makedirs(os.path.dirname(pack), exist_ok=True)
                _mark(os.path.dirname(os.path.dirname(pack)))
                with _locked(pack):
                    entries, text = load_pack(pack)  # as on disk now: other runs may have written since
                    stamps = entries.pop(STAMPS, None)
                    stamps = stamps if isinstance(stamps, dict) else {}
                    stamps.update(new.get(STAMPS, ()))
                    entries.update((k, _final(entry, now)) for k, entry in new.items() if k != STAMPS)
                    entries = _bounded(entries)
                    # the stamps of files that still have a result
                    paths = {entry[_PATH] for entry in entries.values()}
                    stamps = {p: stamp for p, stamp in stamps.items() if p in paths}
                    if stamps:
                        entries[STAMPS] = stamps
                    _write_atomic(pack, dump_pack(entries, text))
            except OSError:
                pass
        self._new.clear()
        for directory in directories:
            prune(directory)


def _final(entry: tuple, now: float) -> tuple:
    """An entry as written: with the time, and its findings packed (their strings interned, so
    that marshal writes each distinct code, message, fix description and edit once per file).
    Here, not when the entry is made: a worker's entries reach this process pickled, uninterned."""
    intern = sys.intern
    findings = tuple(
        (intern(f[0]), intern(f[1]), f[2], intern(f[3]), *f[4:10], tuple(map(intern, f[10])), f[11],
         None if f[12] is None else (intern(f[12][0]), intern(f[12][1]), tuple((*e[:2], intern(e[2]), *e[3:]) for e in f[12][2])),
         f[13])
        for f in entry[4]
    )
    blob = marshal.dumps(findings)
    # packed: (count, crc32, marshal of the findings), unpacked only when a finding is asked for
    return (*entry[:4], (len(findings), zlib.crc32(blob), blob), entry[_PATH], now, *entry[_JSON:])  # and its JSON lines


def _bounded(entries: dict) -> dict:
    """The latest PER_PATH entries of each file."""
    by_path: dict[str, list] = {}
    for k, entry in entries.items():
        if isinstance(entry, tuple) and len(entry) in (_JSON, _JSON + 1) and isinstance(entry[_TIME], float):
            by_path.setdefault(entry[_PATH], []).append((entry[_TIME], k))  # anything else is dropped
    keep = {k for found in by_path.values() for _t, k in sorted(found, reverse=True)[:PER_PATH]}
    return {k: e for k, e in entries.items() if k in keep}


class _locked:
    """An advisory lock beside the pack while it is merged (POSIX); elsewhere none."""

    def __init__(self, pack: str):
        self.path = pack + ".lock"
        self.fd = None

    def __enter__(self):
        try:
            import fcntl

            self.fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except (ImportError, OSError):
            self.fd = None
        return self

    def __exit__(self, *exc):
        if self.fd is not None:
            os.close(self.fd)  # closing releases the lock


def _write_atomic(path: str, pieces: list) -> None:
    import tempfile

    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "wb") as f:
            for piece in pieces:
                f.write(piece)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


STORE = Store()  # the command line's, for one run


def put(directory: str, k: str, result: FileResult) -> None:
    STORE.put(directory, k, result)


def flush() -> None:
    STORE.flush()


def prune(directory: str, max_bytes: int = MAX_BYTES) -> int:
    """Remove the least recently written packs past `max_bytes`; returns how many were removed."""
    packs = []
    total = 0
    try:
        names = os.listdir(os.path.join(directory, FORMAT))
    except OSError:
        return 0
    for name in names:
        if not name.endswith(SUFFIX):
            continue
        p = os.path.join(directory, FORMAT, name)
        try:
            st = os.stat(p)
        except OSError:
            continue
        packs.append((st.st_mtime, st.st_size, p))
        total += st.st_size
    removed = 0
    for _mtime, size, p in sorted(packs):
        if total <= max_bytes:
            break
        try:
            os.unlink(p)
            total -= size
            removed += 1
        except OSError:
            continue
        try:
            os.unlink(p + ".lock")
        except OSError:
            pass
    return removed


def _mark(directory: str) -> None:
    gitignore = os.path.join(directory, ".gitignore")
    if not os.path.exists(gitignore):
        with open(gitignore, "w", encoding="utf-8") as f:
            f.write("# Created by dockerlint automatically.\n*\n")
        with open(os.path.join(directory, "CACHEDIR.TAG"), "w", encoding="utf-8") as f:
            f.write(f"Signature: 8a477f597d28d172789f06886806bc55\n# {TAG_MARK}: https://bford.info/cachedir/\n")


# An entry: (kind, documents, related, error, findings, path, time written, json), every part a
# tuple of plain values in a fixed order (`_encode`, `_decode`). Tuples, not dictionaries, and
# the strings findings repeat interned when written (`_final`): the Kubernetes corpus's pack
# loaded 3x faster (73 -> 25 ms for 19,806 findings) and decoded without a dictionary lookup per
# field.
#   error:   (message, line, column, code)
#   findings: a tuple of findings as `_encode` makes it; in a pack, (count, crc32 of the blob,
#            the blob: that tuple marshalled), unpacked when a finding is first asked for. A
#            JSON run reads its stored lines and never unpacks them: the corpus's pack loaded in
#            8 instead of 34-60 ms (the tuples were 400,000 small objects), checked by its crc.
#   finding: (code, name, severity, message, start, end, line, col, end_line, end_col, aliases,
#             anchor, fix, related), fix None or (applicability, description, edits), an edit
#             (start, end, content, line, col, end_line, end_col) (the last four when the source
#             had a line index), related None or ((path, line, col, message), ...)
#   json:    None, or (the path as shown, the findings' lines of the JSON report, ((severity,
#            count), ...), fixable) when the run that stored it reported JSON: a cached run
#            writes them as they are (`_json_lines`)
_PATH, _TIME, _JSON = 5, 6, 7


def _json_lines(result: FileResult) -> tuple[str, str, tuple, int] | None:
    """The result's findings as the JSON report writes them (one text, the report's line break
    between them), with the path they show, and what its summary counts of them: (severity's
    number, findings) pairs and the fixable ones. Rendering them was a third of a cached run over the
    Kubernetes corpus as JSON (19,806 findings, ~85 of ~340 ms): the run that lints a file, and
    reports JSON, stores its lines with it (one string a file: a string a finding made the pack
    load 14 ms slower, one a file 2 ms). Not for findings whose lines depend on more than the
    path shown (related locations, another file)."""
    if not result.findings or result.source is None or any(f.related or f.path != result.path for f in result.findings):
        return None
    from dockerlint.report.common import relative
    from dockerlint.report.json_format import LINE_BREAK, finding_line, page_url

    shown = relative(result.path, ".")
    lines = LINE_BREAK.join([finding_line(result, f, ".", page_url, shown, _JSON_PARTS) for f in result.findings])
    counts = Counter(int(f.severity) for f in result.findings)
    fixable = sum(1 for f in result.findings if f.fix is not None and f.fix.applicability is not Applicability.DISPLAY_ONLY)
    return shown, lines, tuple(sorted(counts.items())), fixable


_JSON_PARTS: dict = {}  # the text findings share, for `_json_lines` (json_format.finding_line's `parts`)


def _encode(result: FileResult, path: str = "", json_lines: bool = False) -> tuple:
    position = result.source.position if result.source is not None else None
    findings = []
    for f in result.findings:
        s = f.span
        fix = f.fix
        if fix is not None:
            fix = (fix.applicability.value, fix.description, tuple(
                # with the edits' positions, which reports show: a hit needs no line index
                (e.start, e.end, e.content, *position(e.start), *position(e.end)) if position else (e.start, e.end, e.content)
                for e in fix.edits
            ))
        findings.append((
            f.code, f.name, int(f.severity), f.message, s.start, s.end, s.line, s.col, s.end_line, s.end_col,
            tuple(f.aliases), f.anchor, fix,
            tuple((loc.path, loc.line, loc.col, loc.message) for loc in f.related) if f.related else None,
        ))
    error = result.error
    return (
        result.kind.value if result.kind else None,
        result.documents,
        result.related,
        None if error is None else (error.message, error.line, error.column, error.code),
        tuple(findings),
        path,
        0.0,
        _json_lines(result) if json_lines else None,
    )


def encode(result: FileResult) -> tuple:
    """A linted file's result as the cache keeps it: tuples of plain values. A worker process
    hands its results to the parent so (pickled several times faster than the dataclasses, and
    rebuilt without their per-object `__setstate__`), as the entry the cache stored when there is
    one (`stored_entry`); `decode` gives the result back. Only for a result `encodable` says it
    keeps whole."""
    return _encode(result)


def stored_entry(taken: list[tuple[str, dict]]) -> tuple | None:
    """The result entry among what `Store.take_new` gave after one file was linted (at most one;
    the rest are stamps), or None when nothing was stored."""
    for _pack, entries in taken:
        for k, entry in entries.items():
            if k != STAMPS:
                return entry
    return None


def encodable(result) -> bool:
    """Does the encoding keep all of `result`? Not the outcome of a fix (fixed text, applied and
    refused fixes), nor findings in another file or of another kind than the result's."""
    if type(result) is not FileResult or result.fixed_text is not None or result.fixes_applied or result.fixes_refused:
        return False
    path, kind = result.path, result.kind
    return all(f.path == path and f.kind == kind for f in result.findings)


def decode(data: tuple, path: str, text: str | None) -> FileResult:
    """`encode`'s tuple as a FileResult again (`text`: the file's text, if known)."""
    return _decode(data, path, text, check_related=False)


def _decode(data: tuple, path: str, text: str | bytes | None, seen: dict | None = None, check_related: bool = True,
            pack_text=b"") -> FileResult | None:
    """A cached entry as a FileResult (a `CachedResult`: its findings are made when asked for);
    `text` is the file's text, or its bytes when they are UTF-8 (decoded only if the text is
    asked for), or None when the file was not read (found by its stamp); `pack_text`: the text
    of the pack the entry is from (its report lines, `load_pack`)."""
    kind, documents, related, error, entries = data[:5]
    if related and check_related:
        from dockerlint.files import related_unchanged  # (most entries depend on no other file)

        if not related_unchanged(related, seen):
            return None  # a file the rules read (.dockerignore, ...) changed since
    kind = _KINDS[kind] if kind else None
    if error is not None:
        message, line, column, code = error
        error = FileError(path, message, line, column, code=code, kind=kind)
    if type(entries) is tuple and len(entries) == 3 and type(entries[2]) is bytes:  # packed (`_final`)
        count, crc, blob = entries
        if type(count) is not int or count < 0 or zlib.crc32(blob) != crc:
            raise ValueError("not an entry of this format")
        stored = blob if count else ()  # (most files have no finding: nothing to unpack)
    else:  # as `_encode` made it (this run's, or a worker's)
        _checked(entries)
        count = len(entries)
        stored = entries
    known: dict[int, tuple[int, int]] = {}  # offset -> (line, column) of the fixes' edits
    # `text` None: found by the file's stamp, never read (CachedSource reads it if asked)
    source = CachedSource(path, known, data=text) if isinstance(text, bytes) else CachedSource(path, known, text=text)
    json = data[_JSON] if len(data) > _JSON else None
    if type(json) is tuple and len(json) == 4 and type(json[1]) is tuple:  # where they are in the pack's text: as UTF-8
        json = (json[0], _lines(json[1], pack_text), *json[2:])
    if json is not None and not (type(json) is tuple and len(json) == 4 and type(json[0]) is str
                                 and type(json[1]) in (str, memoryview)
                                 and type(json[2]) is tuple and type(json[3]) is int
                                 and all(type(c) is tuple and len(c) == 2 and c[0] in SEVERITY_BY_NUMBER and type(c[1]) is int
                                         for c in json[2])
                                 and sum(c[1] for c in json[2]) == count and 0 <= json[3] <= count):
        json = None  # not lines this report can write: written from the findings
    return new_cached_result(path, kind, stored, _unpack, partial(_findings, path=path, kind=kind, known=known),
                             error, source, documents, related, json)


def _unpack(blob: bytes) -> tuple:
    """A packed entry's findings (its checksum matched when it was read)."""
    return _checked(marshal.loads(blob))


def _checked(entries) -> tuple:
    """`entries` when they are findings of this format; what a doctored entry would break once
    its findings are made is checked before."""
    if type(entries) is not tuple:
        raise ValueError("not an entry of this format")
    for entry in entries:
        if (type(entry) is not tuple or len(entry) != 14 or entry[2] not in SEVERITY_BY_NUMBER or type(entry[10]) is not tuple
                or (entry[12] is not None and (type(entry[12]) is not tuple or len(entry[12]) != 3 or entry[12][0] not in APPLICABILITY_BY_VALUE))
                or (entry[13] is not None and type(entry[13]) is not tuple)):
            raise ValueError("not an entry of this format")
    return entries


def _findings(entries: tuple, *, path: str, kind, known: dict) -> list[Finding]:
    """The Findings of a cached result's entries. `known`, its source's table of edit positions,
    gets those of a StoredFix's edits when they are made."""
    findings = []
    # positional arguments and dictionaries instead of Enum(value): a cached run decodes every finding
    severities, applicabilities = SEVERITY_BY_NUMBER, APPLICABILITY_BY_VALUE
    for code, name, severity, message, start, end, line, col, end_line, end_col, aliases, anchor, fix, locations in entries:
        if fix is not None:
            applicability, description, stored = fix
            if all(len(e) == 7 for e in stored):  # with their positions: edits made if asked for
                fix = new_stored_fix(stored, applicabilities[applicability], description, known)
            else:
                fix = new_fix(tuple([new_edit(e[0], e[1], e[2]) for e in stored]), applicabilities[applicability], description)
        findings.append(Finding(code, name, severities[severity], message, new_span(start, end, line, col, end_line, end_col),
                                path, fix, tuple(aliases), kind, anchor,
                                tuple([Location(*loc) for loc in locations]) if locations else ()))
    return findings


_KINDS = {k.value: k for k in FileKind}
