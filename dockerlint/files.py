"""Reading and writing the files we lint: decode bytes exactly, refuse what is not text, and
write results with the file's mode and encoding kept (atomically for `fix`, in place for
`format`)."""
from __future__ import annotations

import codecs
import os
import stat
import time
from dataclasses import dataclass

from dockerlint.model import FileError

MAX_FILE_BYTES = 20 * 1024 * 1024  # beyond this a file is reported, not linted


class DecodeError(Exception):
    pass


@dataclass
class Decoded:
    """A file's text and the encoding it was read with."""

    text: str
    encoding: str  # "utf-8" or "utf-16" (BOM kept in the text so spans stay exact)


def is_utf16(data: bytes) -> bool:
    """Bytes `decode` reads as UTF-16 (they start with its byte order mark); all others as UTF-8."""
    return data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def decode(data: bytes) -> Decoded:
    """Decode file bytes: UTF-8 (BOM kept in the text so spans stay exact), UTF-16 with a BOM."""
    if is_utf16(data):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as e:
            raise DecodeError(f"invalid UTF-16 at byte {e.start}") from None
    if b"\x00" in data:
        raise DecodeError("binary file (contains NUL bytes), not linted")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(
            f"not valid UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}); "
            "save the file as UTF-8"
        ) from None


def read_file(path: str, data: bytes | None = None, stats: dict | None = None) -> tuple[Decoded | None, FileError | None]:
    """(decoded text, None) or (None, the reason it cannot be read, as a FileError). `data`: the
    file's bytes when they were read already (a pipe can be read only once); `stats` as for
    `read_bytes`."""
    if data is None:
        data, error = read_bytes(path, stats)
        if error is not None:
            return None, error
    try:
        return decode(data), None
    except DecodeError as e:
        return None, FileError(path, str(e))


def read_bytes(path: str, stats: dict | None = None) -> tuple[bytes | None, FileError | None]:
    """(the file's bytes, None) or (None, the reason it cannot be read). With os.open/os.read:
    a cached run reads every file and does little else, and the stat, buffered file object and
    20 MiB read request of `open().read()` cost several times the read itself (the formatter:
    0.09 s against 0.02 s for the corpus). `stats`: where a regular file's read is noted as
    `path -> (os.stat_result taken before the read, the time just before it, in ns)` (the
    cache's stamps, `dockerlint.state.cache`)."""
    binary = getattr(os, "O_BINARY", 0)
    try:
        before = time.time_ns() if stats is not None else 0
        # O_NONBLOCK: opening a FIFO does not wait for a writer before we know what it is
        fd = os.open(path, os.O_RDONLY | binary | getattr(os, "O_NONBLOCK", 0))
        try:
            st = os.fstat(fd)
            if stat.S_ISDIR(st.st_mode):
                raise IsADirectoryError(path)
            if not stat.S_ISREG(st.st_mode):  # a pipe named on the command line (`<(...)`): read as it comes
                os.set_blocking(fd, True)
            if st.st_size > MAX_FILE_BYTES:
                return None, FileError(
                    path, f"file is {st.st_size / 1_048_576:.1f} MiB, over the {MAX_FILE_BYTES // 1_048_576} MiB limit; not linted"
                )
            chunks = []
            left = MAX_FILE_BYTES + 1
            regular = stat.S_ISREG(st.st_mode)
            while left > 0:  # to the end (a file may be longer than its size said, or a pipe)
                want = min(left, max(st.st_size + 1, 65536))
                chunk = os.read(fd, want)
                if not chunk:
                    break
                chunks.append(chunk)
                left -= len(chunk)
                if regular and len(chunk) < want:
                    break  # a regular file reads whole to its end: no read for the empty answer
            data = chunks[0] if len(chunks) == 1 else b"".join(chunks)  # b"" for an empty file
        finally:
            os.close(fd)
    except IsADirectoryError:
        return None, FileError(path, "is a directory")
    except FileNotFoundError:
        return None, FileError(path, "no such file (was it deleted during the run?)")
    except PermissionError:
        return None, FileError(path, "permission denied")
    except OSError as e:
        return None, FileError(path, f"cannot read: {e.strerror or e}")
    if len(data) > MAX_FILE_BYTES:  # grew past the limit while it was read
        return None, FileError(path, f"file is over the {MAX_FILE_BYTES // 1_048_576} MiB limit; not linted")
    if stats is not None and stat.S_ISREG(st.st_mode):
        stats[path] = (st, before)
    return data, None


def digest_of(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def related_unchanged(related: dict[str, str | None], seen: dict | None = None) -> bool:
    """Do the files a result depended on still have the content (or absence) it saw? `seen`
    remembers the digests found, for a run whose files share them (a directory's .dockerignore)."""
    for path, digest in related.items():
        now = seen.get(path, False) if seen is not None else False
        if now is False:
            if seen is not None and not _listed(path, seen):
                now = None  # not in its directory: no open that fails (`<name>.dockerignore`, per file)
            else:
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        now = digest_of(f.read())
                except OSError:
                    now = None
            if seen is not None:
                seen[path] = now
        if now != digest:
            return False
    return True


def _listed(path: str, seen: dict) -> bool:
    """Is `path`'s name in its directory's listing (read once per run, kept in `seen` under the
    directory's key)? True when the directory cannot be listed (then the open decides)."""
    directory, name = os.path.split(path)
    names = seen.get((directory,))
    if names is None:
        try:
            names = seen[(directory,)] = set(os.listdir(directory or "."))
        except OSError:
            names = seen[(directory,)] = ()
    return name in names or names == ()


def write_new_atomic(path: str, data: bytes) -> None:
    """Write a file that may not exist yet, atomically (mode 0644 when new)."""
    if os.path.exists(path):
        write_atomic(path, data)
        return
    import tempfile

    directory = os.path.dirname(os.path.abspath(path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".dockerlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def encode_like(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return text.encode("utf-16")  # writes a BOM, as the original had one
    return text.encode("utf-8")


def write_in_place(path: str, data: bytes, old: bytes) -> None:
    """Overwrite the file's content in place, as formatters do (dockerfmt, ruff, black): the same
    inode, so mode, owner, hard links and a symbolic link's target are kept without a temporary
    file and a rename (on ext4 the create and rename cost about 0.4 ms of CPU per file, more
    than formatting it). `old` is the content read before: the new bytes are written over it
    without truncating first, then the file is cut to length; if a write fails (a full disk),
    `old` (the same text, encoded as it was read) is written back, which fits in the space the
    file already had, and the error raised; so is an interrupt (Ctrl-C) that lands in between.
    A crash of the machine during the write can leave a mixed file; `fix` uses write_atomic.
    """
    fd = os.open(path, os.O_WRONLY)
    try:
        try:
            _write_all(fd, data)
            os.ftruncate(fd, len(data))
        except BaseException:  # a full disk, or Ctrl-C between the write and the truncation
            try:
                _write_all(fd, old)
                os.ftruncate(fd, len(old))
            except OSError:
                pass
            raise
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    position = 0
    while position < len(view):
        position += os.pwrite(fd, view[position:], position)


def write_atomic(path: str, data: bytes) -> None:
    """Write via a temporary file in the same directory and an atomic rename.

    A symbolic link is kept: its target is rewritten. The file mode (and owner, where we may
    set it) is kept.
    """
    import tempfile  # with shutil, bz2, lzma, random: only when a file is written

    target = os.path.realpath(path)
    directory = os.path.dirname(target) or "."
    st = os.stat(target)
    fd, tmp = tempfile.mkstemp(prefix=".dockerlint-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except (PermissionError, AttributeError, OSError):
            pass
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
