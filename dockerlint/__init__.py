"""dockerlint: a linter with safe auto-fixes for Dockerfiles, Kubernetes manifests and Compose files."""
import os

__version__ = "0.1.0"


def user_cache_dir() -> str:
    """dockerlint's folder in the user's cache: $XDG_CACHE_HOME/dockerlint, else ~/.cache/dockerlint
    (the end-of-life snapshot, pinned digests, the rule index's stamp, compiled dataclass methods,
    patterns and modules)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "dockerlint")


_keep_compiled = True  # False once `dockerlint clean --user` has removed the compiled code


def discard_compiled() -> None:
    """This process writes no compiled code to the user's cache when it ends (`codecache`,
    `modulecache`, `patterncache`): `dockerlint clean --user` has just removed it."""
    global _keep_compiled
    _keep_compiled = False


def keeps_compiled() -> bool:
    return _keep_compiled


class CachedDict:
    """A dictionary kept in a `marshal` file of the user's cache (compiled dataclass methods,
    compiled patterns): read once by `load` (a missing, unreadable or foreign file reads as
    empty), written by `save` when this process added to it (atomically; past `bound` entries,
    many versions' worth, only those it used; a failed write is ignored: the next process
    computes again)."""

    def __init__(self, bound: int):
        self.entries: dict = {}
        self.used: set = set()
        self.dirty = False
        self.path: str | None = None
        self.bound = bound

    def load(self, path: str) -> None:
        import marshal

        self.path = path
        try:
            with open(path, "rb") as f:
                loaded = marshal.loads(f.read())
        except (OSError, ValueError, EOFError, TypeError):
            return
        if isinstance(loaded, dict):
            self.entries.update(loaded)

    def save(self) -> None:
        import marshal

        if not self.dirty or self.path is None:
            return
        self.dirty = False
        entries = self.entries
        if len(entries) > self.bound:
            entries = {k: v for k, v in entries.items() if k in self.used}
        replace_file(self.path, [marshal.dumps(entries)])


def replace_file(path: str, pieces) -> None:
    """Write `pieces` (bytes-like) as the file at `path`, replacing it whole and atomically (its
    folder made if need be); a failed write is ignored (a cache file: the next process computes
    again)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(tmp, "wb") as f:
            for piece in pieces:
                f.write(piece)
        os.replace(tmp, path)
    except (OSError, ValueError):
        try:
            os.unlink(tmp)
        except OSError:
            pass


def framed(head, pieces) -> list:
    """The pieces of a file `read_framed` reads back: the length of `head` marshalled (8 bytes,
    little-endian), `head` marshalled, then `pieces` (bytes-like), which the head may point into."""
    import marshal

    blob = marshal.dumps(head)
    return [len(blob).to_bytes(8, "little"), blob, *pieces]


def read_framed(path: str, map_from: int = 0):
    """(head, the rest of the file as a view) of a file `framed` made, or (None, empty) for one
    that is missing, unreadable or of another shape. From `map_from` bytes the file is mapped,
    not read: its pages are read as they are used and never copied, the map staying open while
    a view of it lives (a replaced file keeps its pages for it, and these files are only ever
    replaced, never written in place); not on Windows, where a mapped file cannot be replaced."""
    import marshal

    try:
        with open(path, "rb") as f:
            if os.name == "nt" or os.fstat(f.fileno()).st_size < max(map_from, 1):
                whole = memoryview(f.read())
            else:
                import mmap

                whole = memoryview(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))
        size = int.from_bytes(whole[:8], "little")
        if len(whole) < 8 or size > len(whole) - 8:
            return None, memoryview(b"")
        return marshal.loads(whole[8 : 8 + size]), whole[8 + size :]
    except (OSError, ValueError, EOFError, TypeError):
        return None, memoryview(b"")


def read_indexed(path: str) -> tuple[dict, memoryview]:
    """(index, region) of a file `write_indexed` made: the index, key -> (*data, offset, length),
    its entries checked only when one is used (`indexed_entry`, `checked_entries`: checking the
    ~2,000 entries of the module cache at every start was 2 of its 3 ms); or ({}, empty) for a
    file that is missing or of another shape. Mapped (`read_framed`)."""
    index, region = read_framed(path)
    return (index, region) if type(index) is dict else ({}, memoryview(b""))


def _checked(entry, width: int, limit: int) -> bool:
    return (type(entry) is tuple and len(entry) == width and all(type(x) is int for x in entry)
            and 0 <= entry[-2] and 0 <= entry[-1] and entry[-2] + entry[-1] <= limit)


def indexed_entry(index: dict, key, width: int, region):
    """The entry of `key` in an index of `read_indexed`, when it is `width` integers whose last
    two lie within the region; else None."""
    entry = index.get(key)
    return entry if entry is not None and _checked(entry, width, len(region)) else None


def checked_entries(index: dict, key_type: type, width: int, region) -> dict:
    """The entries of an index of `read_indexed` that `indexed_entry` would give, keys of `key_type`."""
    limit = len(region)
    return {k: e for k, e in index.items() if type(k) is key_type and _checked(e, width, limit)}


def indexed_blob(region, entry):
    """The bytes an index entry of `read_indexed` points to in its region."""
    return region[entry[-2] : entry[-2] + entry[-1]]


def write_indexed(path: str, entries: dict) -> None:
    """Replace the file at `path` (`replace_file`) by `entries`, key -> (*data, blob): an index,
    key -> (*data, offset, length), then the blobs it points into (`read_indexed`)."""
    index, pieces, at = {}, [], 0
    for key, (*data, blob) in entries.items():
        index[key] = (*data, at, len(blob))
        pieces.append(blob)
        at += len(blob)
    replace_file(path, framed(index, pieces))

from dockerlint import codecache  # noqa: E402 - before any module defines a dataclass

codecache.install()

from dockerlint import modulecache  # noqa: E402 - before the other modules are imported

modulecache.install()
