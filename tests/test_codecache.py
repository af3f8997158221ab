"""dockerlint.codecache: dataclasses' generated methods for dockerlint's classes, compiled once
and kept in the user's cache. The cached code must be exactly what dataclasses would compile,
the classes must behave the same, and a missing or corrupt file must only cost time."""
from __future__ import annotations

import marshal
import os
import subprocess
import sys
import textwrap

from dockerlint import codecache

# A fresh interpreter builds some classes and prints how they behave; run with and without the
# cache file, the output must be the same.
PROBE = textwrap.dedent("""
    import dataclasses
    from dockerlint.model import Span, Finding, Fix, Edit, Severity, Applicability
    from dockerlint.settings import Settings
    a = Span(0, 3, 1, 1, 1, 4)
    f = Finding("DL3007", "latest", Severity.WARNING, "m", a, fix=Fix((Edit(2, 3, "x"), Edit(0, 1, "y"))))
    print(repr(a), a == Span(0, 3, 1, 1, 1, 4), a < Span(1, 3, 1, 1, 1, 4), hash(a) == hash(Span(0, 3, 1, 1, 1, 4)))
    print(repr(f))
    print(dataclasses.replace(f, code="DL3006").code, [e.start for e in f.fix.edits])
    try:
        a.start = 5
    except dataclasses.FrozenInstanceError as e:
        print("frozen", type(e).__name__)
    print(Settings().select, Span.__init__.__annotations__, Span.__doc__[:20])
    import dockerlint.cli.main  # every class the command line defines
""")


def _run(cache_home, *extra_env):
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.update(extra_env)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cache_file(cache_home):
    folder = cache_home / "dockerlint"
    files = [p for p in folder.iterdir() if p.name.startswith("dataclass-code-")] if folder.exists() else []
    return files[0] if files else None


def test_first_run_writes_the_cache_and_the_next_reads_it_with_the_same_behaviour(tmp_path):
    first = _run(tmp_path)
    path = _cache_file(tmp_path)
    assert path is not None, "the first run wrote no cache file"
    codes = marshal.loads(path.read_bytes())
    assert len(codes) > 20 and all(isinstance(s, str) and s.startswith("def __create_fn__") for s in codes)
    stamp = path.stat().st_mtime_ns
    second = _run(tmp_path)
    assert second == first
    assert path.stat().st_mtime_ns == stamp, "a run that compiled nothing new rewrote the file"


def test_cached_code_is_what_dataclasses_compiles(tmp_path):
    _run(tmp_path)
    codes = marshal.loads(_cache_file(tmp_path).read_bytes())
    for source, code in codes.items():
        # what `exec(source)` inside dataclasses compiles: no inherited flags, file "<string>"
        assert code == compile(source, "<string>", "exec", dont_inherit=True), source
        assert code.co_filename == "<string>"


def test_a_corrupt_or_foreign_cache_file_is_ignored_and_replaced(tmp_path):
    clean = _run(tmp_path / "clean")
    folder = tmp_path / "bad" / "dockerlint"
    folder.mkdir(parents=True)
    name = _cache_file(tmp_path / "clean").name
    for junk in (b"", b"\x00garbage", marshal.dumps(["not", "a", "dict"])):
        (folder / name).write_bytes(junk)
        assert _run(tmp_path / "bad") == clean
        assert isinstance(marshal.loads((folder / name).read_bytes()), dict), "the bad file was not replaced"


def test_only_dockerlint_classes_use_the_cache():
    """Another library's dataclasses compile as they always did (nothing of theirs is stored)."""
    import dataclasses

    before = dict(codecache._codes)

    @dataclasses.dataclass
    class Outside:
        x: int = 1

    assert Outside().x == 1
    assert codecache._codes == before
