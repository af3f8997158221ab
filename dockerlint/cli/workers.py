"""Lint a run's files in this process and in forked children, which share the work as it goes.

The parent lints too: on two CPUs one child and the parent do what a pool of two workers did,
without the pool's third process, without sending the parent's share through pickles, and
without the parent's decoding of results competing with the workers for the CPUs while they
lint. Work is claimed from a pipe filled before the fork with chunks of items, (start, size)
(a read of eight bytes takes one, atomically): large first, then ever smaller, down to one
item (`_chunks`), so a slow file, a chart say, holds up only the process that took it, while
neighbouring files, which share scripts, images, kinds and CRDs, are mostly linted by one
process. A child writes each result to its own unnamed temporary file as it goes, its count of
done items to a shared page (for the progress bar), closes its end of a pipe once its results
are written (the parent reads them then, while the system is still freeing the child's memory),
and leaves with `os._exit`: it never returns into the caller's code. Whatever a child did not
hand back (it failed on an item, or died) the parent does itself, so an error is raised, and
reported, as in a run without children.
"""
from __future__ import annotations

import os
import pickle
import signal
import struct
import sys

TYPE_CHECKING = False  # (typing.TYPE_CHECKING: typing is not imported at run time, ~2 ms)
if TYPE_CHECKING:
    from typing import Any, Callable

__all__ = ["run_shared"]

_TOKEN = struct.Struct("<II")  # a chunk: its first item and its number of items
# A chunk is a fourth of the remaining items' share of each process ("guided" scheduling). One
# item a chunk, neighbouring files went to different processes, each working out what the
# other did too (its own memo of RUN scripts, a kind's compiled schema, the CRDs the other
# process linted): against that, median of 5 runs, cache off, two processes, the Dockerfile
# corpus took 3.22 -> 3.02 s, the Kubernetes corpus 1.55 -> 1.48 s, 1,000 manifests (15 runs)
# 369 -> 364 ms, 100 Dockerfiles the same (235 ms); a half or an eighth of the share did no better.
_SHARES = 4


def run_shared(
    count: int,
    jobs: int,
    here: Callable[[int], Any],
    there: Callable[[int], Any],
    back: Callable[[int, Any], Any],
    tick: Callable[[int], None] | None = None,
) -> list:
    """Outcomes of items 0..count-1, in order. `here(i)` does item i in this process;
    `there(i)` does it in a child and returns something picklable, which `back(i, data)` turns
    into the outcome in this process. `tick(n)`, if given, hears of n more items done."""
    outcomes: list = [None] * count
    done = [False] * count
    children = max(0, min(jobs, count) - 1) if hasattr(os, "fork") else 0
    if children == 0:
        for i in range(count):
            outcomes[i] = here(i)
            if tick is not None:
                tick(1)
        return outcomes
    import mmap

    read_end, write_end = os.pipe()
    if not _fill(write_end, count, children + 1):  # the pipe would not take the chunks: this process does them all
        os.close(read_end)
        return run_shared(count, 1, here, there, back, tick)
    counts = mmap.mmap(-1, 8 * children)  # shared with the children: their done items
    spools = [_spool() for _ in range(children)]
    # Each child holds the write end until its results are written: the end of the file then
    # says all are, before the children have finished exiting (the system takes 1.5-2 ms to
    # free a child's memory, which the parent spends decoding instead of waiting).
    finished, finishing = os.pipe()
    pids: list[int] = []
    import gc

    gc.freeze()  # what exists now is shared with the children: no collection writes to it
    try:
        for slot in range(children):
            sys.stdout.flush()
            sys.stderr.flush()
            parent = os.getpid()
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(finished)
                _child(read_end, count, there, spools[slot], counts, slot, parent, finishing)
            pids.append(pid)
        os.close(finishing)
        finishing = -1
        seen = 0
        for i in _claims(read_end, count):
            outcomes[i] = here(i)
            done[i] = True
            if tick is not None:
                tick(1)
                seen = _report(counts, children, seen, tick)
        _wait(pids, counts, children, seen, tick, finished)
        # what the children sent lives as long as the outcomes: decoded with the collector off
        # and then frozen, like what existed at the fork (a collection over the decoded results
        # of 500 manifests cost 5-8 ms here)
        collecting = gc.isenabled()
        gc.disable()
        try:
            for spool in spools:
                for i, ok, data in _records(spool):
                    if ok and 0 <= i < count and not done[i]:
                        outcomes[i] = back(i, data)
                        done[i] = True
        finally:
            gc.freeze()
            if collecting:
                gc.enable()
        for pid in pids:
            os.waitpid(pid, 0)
        pids = []
        for i in range(count):  # a child's failure or death: done here, as without children
            if not done[i]:
                outcomes[i] = here(i)
        return outcomes
    finally:
        for pid in pids:  # this process failed or was interrupted: the children go too
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:
                pass
        os.close(read_end)
        os.close(finished)
        if finishing >= 0:
            os.close(finishing)
        for spool in spools:
            spool.close()
        counts.close()


def _spool():
    """An unnamed temporary file (in memory where the system has them: no import of tempfile)."""
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create("dockerlint-results"), "w+b")
        except OSError:
            pass
    import tempfile

    return tempfile.TemporaryFile()


def _fill(write_end: int, count: int, processes: int) -> bool:
    """Write the chunks to claim into the pipe and close its write end: False when the pipe did
    not take them all. Never blocks (nobody reads yet): as many chunks as the pipe holds, its
    size asked of the system where it tells (a Linux pipe made past the user's pipe quota holds
    one page), else one page."""
    try:
        import fcntl

        capacity = fcntl.fcntl(write_end, fcntl.F_GETPIPE_SZ)
    except (ImportError, AttributeError, OSError):
        capacity = 4096
    data = b"".join(_TOKEN.pack(start, size) for start, size in _chunks(count, processes, max(1, capacity // _TOKEN.size)))
    try:
        os.set_blocking(write_end, False)
        written = os.write(write_end, data)
    except OSError:
        written = -1
    finally:
        os.close(write_end)
    return written == len(data)


def _chunks(count: int, processes: int, most: int) -> list[tuple[int, int]]:
    """(start, size) of items 0..count-1 for `processes` to claim: each a `_SHARES`th of what is
    left per process, the last ones of one item; at most `most` chunks (the smallest size
    doubles until they fit)."""
    least = 1
    while True:
        chunks = []
        start = 0
        while start < count:
            size = min(count - start, max(least, -(-(count - start) // (_SHARES * processes))))
            chunks.append((start, size))
            start += size
        if len(chunks) <= most:
            return chunks
        least *= 2


def _claims(read_end: int, count: int):
    """The items this process claims, a chunk at a time, until the pipe is empty."""
    while True:
        token = os.read(read_end, _TOKEN.size)
        if len(token) < _TOKEN.size:
            return
        start, size = _TOKEN.unpack(token)
        yield from range(start, min(start + size, count))


def _child(read_end, count, there, spool, counts, slot, parent: int, finishing: int) -> None:
    code = 0
    try:
        out = open(spool.fileno(), "wb", closefd=False)
        items = 0
        for i in _claims(read_end, count):
            try:
                record = pickle.dumps((i, True, there(i)), pickle.HIGHEST_PROTOCOL)
            except Exception:  # the parent does it again, and reports it as it would
                record = pickle.dumps((i, False, None), pickle.HIGHEST_PROTOCOL)
            out.write(record)
            items += 1
            struct.pack_into("<q", counts, 8 * slot, items)
            if os.getppid() != parent:  # the parent was killed (SIGTERM): nobody will read these
                raise SystemExit(1)
        out.flush()
    except BaseException:
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):  # what it wrote, as a process that returns would
            try:
                stream.flush()
            except BaseException:
                pass
        try:
            os.close(finishing)  # its results are written: the parent goes on while this process exits
        except OSError:
            pass
        os._exit(code)


def _report(counts, children: int, seen: int, tick) -> int:
    now = sum(struct.unpack_from("<q", counts, 8 * slot)[0] for slot in range(children))
    if now > seen:
        tick(now - seen)
    return now


def _wait(pids: list[int], counts, children: int, seen: int, tick, finished: int) -> None:
    """Until every child has written its results (the end of `finished`), or has exited (one
    whose own child kept the pipe open, say): those that have are reaped and leave `pids`. The
    progress bar, if any, hears of the children's items every 10 ms meanwhile."""
    import select

    while True:
        if tick is not None:
            seen = _report(counts, children, seen, tick)
        if select.select([finished], [], [], 0.01 if tick is not None else 0.1)[0] and not os.read(finished, 64):
            break
        for pid in list(pids):
            if os.waitpid(pid, os.WNOHANG)[0]:
                pids.remove(pid)
        if not pids:
            break
    if tick is not None:
        _report(counts, children, seen, tick)


def _records(spool):
    spool.flush()
    spool.seek(0)
    while True:
        try:
            record = pickle.load(spool)
        except EOFError:
            return
        except Exception:  # cut short (the child died while writing): the parent does the rest
            return
        yield record
