"""dockerlint.modulecache: dockerlint's plain modules executed from one cache file while their
sources are unchanged, imported the normal way (and kept again) once they change."""
import importlib
import os
import subprocess
import sys
import traceback

import pytest

from dockerlint import modulecache as mc


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """A package `mcprobe` whose modules the cache serves (as it serves dockerlint's), with a
    fresh, empty cache file of its own."""
    package = tmp_path / "mcprobe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    leaf = package / "leaf.py"
    leaf.write_text("VALUE = 1\n\n\ndef boom():\n    raise RuntimeError('from leaf')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(mc, "_OURS", "mcprobe.")
    monkeypatch.setattr(mc, "SETTLE_NS", 0)  # (its files were written a moment ago)
    monkeypatch.setattr(mc, "_file", lambda: str(tmp_path / "cache.bin"))
    for name, value in (("_index", {}), ("_code", memoryview(b"")), ("_missed", set()), ("_added", {}), ("_used", set())):
        monkeypatch.setattr(mc, name, value)
    monkeypatch.delitem(sys.modules, "mcprobe", raising=False)
    yield leaf
    for name in ("mcprobe.leaf", "mcprobe"):
        sys.modules.pop(name, None)


def _next_process():
    """What a new process sees: the cache file loaded again, the probe not imported yet."""
    mc._index, mc._code = mc._load(mc._file())
    sys.modules.pop("mcprobe.leaf", None)
    return importlib.import_module("mcprobe.leaf")


def test_an_unchanged_module_is_served_from_the_file_and_behaves_as_imported(probe):
    first = importlib.import_module("mcprobe.leaf")
    assert type(first.__spec__.loader) is not mc._Loader  # not kept yet: imported the normal way
    mc.save()
    assert str(probe) in mc._load(mc._file())[0]
    again = _next_process()
    assert type(again.__spec__.loader) is mc._Loader
    assert again.VALUE == 1 and again.__file__ == str(probe)
    try:
        again.boom()
    except RuntimeError as e:  # tracebacks name the real file and line
        frame = traceback.extract_tb(e.__traceback__)[-1]
        assert (frame.filename, frame.lineno, frame.line) == (str(probe), 5, "raise RuntimeError('from leaf')")
    assert importlib.reload(again).VALUE == 1


def test_an_edited_module_is_imported_the_normal_way_and_kept_again(probe, monkeypatch):
    importlib.import_module("mcprobe.leaf")
    mc.save()
    stat = os.stat(probe)
    probe.write_text("VALUE = 2\n\n\ndef boom():\n    raise RuntimeError('from leaf')\n")  # the same size
    os.utime(probe, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and mtime: only its ctime tells
    edited = _next_process()
    assert type(edited.__spec__.loader) is not mc._Loader and edited.VALUE == 2
    monkeypatch.setattr(mc, "SETTLE_NS", 60_000_000_000)
    mc.save()  # written moments ago: not kept (another write could keep its size and times)
    edited = _next_process()
    assert type(edited.__spec__.loader) is not mc._Loader and edited.VALUE == 2
    monkeypatch.setattr(mc, "SETTLE_NS", 0)
    mc.save()
    served = _next_process()
    assert type(served.__spec__.loader) is mc._Loader and served.VALUE == 2


def test_a_damaged_file_or_entry_costs_only_the_normal_import(probe, tmp_path):
    importlib.import_module("mcprobe.leaf")
    mc.save()
    path = mc._file()
    whole = open(path, "rb").read()
    for junk in (b"", b"\xff" * 64, whole[:20], (10**9).to_bytes(8, "little") + whole[8:]):
        open(path, "wb").write(junk)
        assert mc._load(path) == ({}, memoryview(b""))
        assert _next_process().VALUE == 1
    # an entry whose code is damaged: compiled from the source instead
    size = int.from_bytes(whole[:8], "little")
    damaged = whole[: 8 + size] + b"\x00" * (len(whole) - 8 - size)
    open(path, "wb").write(damaged)
    module = _next_process()
    assert type(module.__spec__.loader) is mc._Loader and module.VALUE == 1
    # an index entry of another shape, or pointing past the code (entries are checked when used)
    from dockerlint import framed, read_indexed

    index, region = read_indexed(path)
    (source, entry), = index.items()
    region = bytes(region)  # (the file is mapped: copied before it is written over in place)
    for bad in ((*entry[:3], 0, len(region) + 1), entry[:4], (*entry[:3], "0", entry[4])):
        open(path, "wb").write(b"".join(framed({source: bad, 7: "junk"}, [region])))
        module = _next_process()
        assert type(module.__spec__.loader) is not mc._Loader and module.VALUE == 1
        mc.save()  # kept again; the damaged entries are not copied
        assert read_indexed(path)[0].keys() == {source}
        mc._added.clear()


def test_the_command_line_keeps_and_then_serves_dockerlints_modules(tmp_path):
    """A real run keeps the rules it imported; the next run imports them from the file, with
    the same report."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    command = [sys.executable, "-m", "dockerlint", "check", "--no-cache", "--isolated", "--format", "json", "Dockerfile"]
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    (kept,) = list((tmp_path / "cache" / "dockerlint").glob("module-code-*.bin"))
    index, _ = mc._load(str(kept))
    rules = [source for source in index if os.path.basename(os.path.dirname(source)) == "rules"]
    assert len(rules) > 100 and any(source.endswith("dl3006_untagged_image.py") for source in rules)
    probe = ("import sys, dockerlint, dockerlint.rules.dl3006_untagged_image as m; "
             "print(type(m.__spec__.loader).__name__, m.__file__)")
    served = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    loader, where = served.stdout.split()
    assert loader == "_Loader" and where.endswith(os.path.join("rules", "dl3006_untagged_image.py"))
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert (second.stdout, second.returncode) == (first.stdout, first.returncode) and first.returncode == 1


def test_where_the_cache_cannot_be_written_nothing_is_read_again_for_it(probe, monkeypatch, tmp_path):
    """A cache folder that cannot be made (a read-only home, here a file in its way): the run
    goes on, and the code of the modules imported the normal way is not read again at exit."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setattr(mc, "_file", lambda: str(blocker / "dockerlint" / "module-code.bin"))
    importlib.import_module("mcprobe.leaf")
    assert "mcprobe.leaf" in mc._missed
    read = []
    real = mc.SourceFileLoader.get_code
    monkeypatch.setattr(mc.SourceFileLoader, "get_code", lambda self, name: read.append(name) or real(self, name))
    mc.save()
    assert read == [] and not mc._missed and not mc._added


def test_a_served_module_runs_as_a_script_with_python_dash_m(probe):
    """`python -m dockerlint.ruleset --write-index` (how the rule index is made): runpy asks the
    loader for the module's code and runs it as `__main__`."""
    import runpy

    probe.write_text("VALUE = 1\nif __name__ == '__main__':\n    RAN = 'as a script'\n")
    importlib.import_module("mcprobe.leaf")
    mc.save()
    _next_process()
    sys.modules.pop("mcprobe.leaf", None)
    assert type(importlib.util.find_spec("mcprobe.leaf").loader) is mc._Loader
    assert runpy.run_module("mcprobe.leaf", run_name="__main__")["RAN"] == "as a script"
