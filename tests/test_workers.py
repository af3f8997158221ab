"""The parent lints with its forked children (dockerlint.cli.workers): every item done once, in
order; what a child fails on or leaves undone is done by the parent; a failing parent takes its
children with it."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from dockerlint.cli import workers

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() on this system: one process lints")


@pytest.fixture
def forked(monkeypatch):
    """The pids of the children run_shared forks (the test process has others of its own)."""
    pids = []
    real_fork = os.fork

    def fork():
        pid = real_fork()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(workers.os, "fork", fork)
    return pids


def _all_reaped(pids) -> bool:
    """Every one of `pids` has exited and been waited for by run_shared."""
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)  # (0, 0): running; (pid, status): exited, not waited for
        except ChildProcessError:
            continue
        return False
    return True


def test_parent_and_child_share_the_items_in_order(forked):
    parent = os.getpid()
    ticks = []

    def here(i):
        time.sleep(0.002)
        return ("here", i)

    def there(i):
        time.sleep(0.002)
        return ("there", i, os.getpid())

    out = workers.run_shared(200, 2, here, there, lambda i, data: ("back",) + data, ticks.append)
    assert [o[-2] if o[0] == "back" else o[1] for o in out] == list(range(200))
    by = {o[0] for o in out}
    assert by == {"here", "back"}  # both processes took items
    assert {o[3] for o in out if o[0] == "back"} - {parent}  # the child's from another process
    assert sum(ticks) == 200
    assert forked and _all_reaped(forked)


def test_one_job_or_one_item_stays_in_this_process():
    def there(i):
        raise AssertionError("no child expected")

    assert workers.run_shared(5, 1, lambda i: i * 2, there, None) == [0, 2, 4, 6, 8]
    assert workers.run_shared(1, 4, lambda i: "x", there, None) == ["x"]
    assert workers.run_shared(0, 4, lambda i: "x", there, None) == []


def test_what_a_child_fails_on_is_done_by_the_parent():
    done_here = []

    def here(i):
        done_here.append(i)
        time.sleep(0.001)
        return i

    def there(i):
        if i % 2:
            raise ValueError("a rule bug")
        time.sleep(0.001)
        return i

    out = workers.run_shared(120, 2, here, there, lambda i, data: data)
    assert out == list(range(120))
    assert len(done_here) == len(set(done_here))  # none twice
    # every odd item went through `here`: the parent took it, or the child failed on it
    assert all(i in done_here for i in range(1, 120, 2))


def test_what_a_dead_child_left_is_done_by_the_parent(forked):
    def there(i):
        if i >= 10:
            os._exit(3)  # killed mid-run, its claimed item unfinished
        return ("there", i)

    out = workers.run_shared(60, 3, lambda i: ("here", i), there, lambda i, data: data)
    assert [o[1] for o in out] == list(range(60))
    assert all(o[0] == "here" for o in out if o[1] >= 10)
    assert len(forked) == 2 and _all_reaped(forked)


def test_a_childs_results_are_read_while_it_is_still_exiting(monkeypatch, forked):
    real_exit = os._exit

    def slow_exit(code):  # the system freeing a large child's memory, drawn out
        time.sleep(0.5)
        real_exit(code)

    monkeypatch.setattr(workers.os, "_exit", slow_exit)
    running_when_read = []

    def back(i, data):
        running_when_read.append(os.waitpid(forked[0], os.WNOHANG) == (0, 0))
        return data

    def slow(i):
        time.sleep(0.002)
        return i

    out = workers.run_shared(40, 2, slow, slow, back)
    assert out == list(range(40))
    assert running_when_read and running_when_read[0]  # decoded before the child had exited
    assert _all_reaped(forked)


def test_a_process_a_child_left_behind_does_not_keep_the_parent_waiting(tmp_path, forked):
    """A child's own child inherits the pipe that tells the parent the results are written: the
    parent goes on once the children have exited, not when that process does."""
    marker = tmp_path / "grandchild"

    def there(i):
        if i == 0 or not marker.exists():
            pid = os.fork()
            if pid == 0:  # lives on, holding every descriptor its parent had
                time.sleep(30)
                os._exit(0)
            marker.write_text(str(pid))
        time.sleep(0.002)
        return i

    def here(i):
        time.sleep(0.002)
        return i

    start = time.monotonic()
    try:
        out = workers.run_shared(40, 2, here, there, lambda i, data: data)
        took = time.monotonic() - start
    finally:
        if marker.exists():
            os.kill(int(marker.read_text()), 9)
    assert out == list(range(40))
    assert marker.exists() and took < 10
    assert _all_reaped(forked)


def test_items_are_claimed_in_chunks_past_the_pipes_size(monkeypatch):
    real = workers._chunks
    monkeypatch.setattr(workers, "_chunks", lambda count, processes, most: real(count, processes, 7))
    out = workers.run_shared(100, 2, lambda i: i, lambda i: -i, lambda i, data: -data)
    assert out == list(range(100))


@pytest.mark.parametrize("count, processes", [(1, 2), (7, 2), (100, 2), (1000, 2), (4413, 8), (100_000, 3)])
def test_chunks_cover_the_items_large_first_then_one_by_one(count, processes):
    chunks = workers._chunks(count, processes, 8192)
    assert [i for start, size in chunks for i in range(start, start + size)] == list(range(count))
    sizes = [size for _, size in chunks]
    assert sizes == sorted(sizes, reverse=True)  # ever smaller
    shares = workers._SHARES * processes
    assert sizes[0] == -(-count // shares)  # a fourth of each process's share
    # never more than a fourth of what is left per process: one process is never left with
    # much to do alone at the end, where the last chunks are of one item
    assert all(size <= max(1, -(-(count - start) // shares)) for start, size in chunks)
    assert sizes[-1] == 1 and len(chunks) < count // 2 + shares * 12


def test_chunks_grow_to_fit_what_the_pipe_holds():
    chunks = workers._chunks(100_000, 2, 40)
    assert len(chunks) <= 40
    assert [i for start, size in chunks for i in range(start, start + size)] == list(range(100_000))
    assert min(size for _, size in chunks[:-1]) > 1  # not down to one item: that took more chunks than fit


def test_a_failing_parent_takes_its_children_with_it(forked):
    def here(i):
        if i > 3:
            raise KeyboardInterrupt
        return i

    def there(i):
        time.sleep(0.05)
        return i

    with pytest.raises(KeyboardInterrupt):
        workers.run_shared(400, 2, here, there, lambda i, data: data)
    assert forked and _all_reaped(forked)


def test_output_is_written_once_and_a_childs_is_not_lost():
    program = textwrap.dedent("""
        import sys, time
        from dockerlint.cli import workers
        sys.stdout.write("before ")  # still in the buffer at the fork
        wrote = []
        def here(i):
            time.sleep(0.005)
            return i
        def there(i):
            if not wrote:
                sys.stdout.write("child ")  # left in the child's buffer
                wrote.append(i)
            return here(i)
        out = workers.run_shared(50, 2, here, there, lambda i, data: data)
        sys.stdout.flush()
        print(sum(out))
    """)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout buffered, as in a pipe
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, env=env)
    assert (run.stdout, run.returncode) == ("before child 1225\n", 0), run.stderr


def test_the_numbers_fit_the_pipe():
    """A pipe made past the user's quota holds one page: the chunks grow so their numbers fit."""
    fcntl = pytest.importorskip("fcntl")
    if not hasattr(fcntl, "F_SETPIPE_SZ"):
        pytest.skip("this system does not size pipes")
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)
    assert workers._fill(write_end, 5_000_000, 2)
    data = os.read(read_end, 65536)
    os.close(read_end)
    chunks = [workers._TOKEN.unpack_from(data, i) for i in range(0, len(data), workers._TOKEN.size)]
    assert len(data) <= 4096 and chunks == workers._chunks(5_000_000, 2, 4096 // workers._TOKEN.size)
    assert sum(size for _, size in chunks) == 5_000_000


def test_a_pipe_that_takes_less_means_one_process(monkeypatch, forked):
    real_write = os.write
    monkeypatch.setattr(workers.os, "write", lambda fd, data: real_write(fd, data[:4]))

    def there(i):
        raise AssertionError("no child expected")

    assert workers.run_shared(50, 2, lambda i: i, there, None) == list(range(50))
    monkeypatch.undo()
    assert forked == []  # no child: the pipe did not take the numbers


def test_a_child_stops_when_its_parent_is_killed(tmp_path):
    """SIGTERM ends the parent without its `finally`: the child notices it is orphaned after its
    current item instead of linting the rest of the run for nobody."""
    marker = tmp_path / "child-items"
    program = textwrap.dedent(f"""
        import os, sys, time
        from dockerlint.cli import workers
        mine = []
        def here(i):
            mine.append(i)
            if len(mine) == 3:
                os.kill(os.getpid(), 15)  # the parent is killed mid-run
            time.sleep(0.01)
            return i
        def there(i):
            with open({str(marker)!r}, "a") as f:
                f.write(f"{{i}}\\n")
            time.sleep(0.01)
            return i
        workers.run_shared(400, 2, here, there, lambda i, data: data)
    """)
    run = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert run.returncode == -15, run.stderr
    time.sleep(0.5)  # the child's last item
    done = marker.read_text().split() if marker.exists() else []
    assert len(done) < 50  # not the ~390 items left
    time.sleep(0.3)
    assert len(marker.read_text().split() if marker.exists() else []) == len(done)  # and it is gone



@pytest.mark.parametrize("collecting", [True, False])
def test_childrens_outcomes_are_decoded_without_a_collection_and_the_collector_left_as_it_was(forked, collecting):
    import gc

    collections = []

    def seen(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    def back(i, data):
        before = len(collections)
        kept = [[data] for _ in range(30_000)]  # tracked objects past the collector's threshold
        during.append(len(collections) - before)
        return kept

    def work(where):
        def do(i):
            time.sleep(0.002)
            return (where, i)
        return do

    during: list[int] = []
    was = gc.isenabled()
    (gc.enable if collecting else gc.disable)()
    gc.callbacks.append(seen)
    try:
        out = workers.run_shared(40, 2, work("here"), work("there"), back)
        assert gc.isenabled() is collecting
    finally:
        gc.callbacks.remove(seen)
        (gc.enable if was else gc.disable)()
        gc.unfreeze()
    assert [o[1] if isinstance(o, tuple) else o[0][0][1] for o in out] == list(range(40))
    assert during and sum(during) == 0  # the child's outcomes were decoded, with no collection
