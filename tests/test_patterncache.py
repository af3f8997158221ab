"""Compiled regular expressions kept once per machine (dockerlint/patterncache.py): a pattern
served from the file is the Pattern `re` compiles (Patterns compare equal only when their
programs do), a bad file or entry means compiling as before, and the command line writes the
file and reads it in its next run."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

from dockerlint import patterncache

pytestmark = pytest.mark.skipif(sys.implementation.name != "cpython", reason="the cache is for CPython only")

PATTERNS = [
    (r"(?:^|[\s;&|(`{])(?:export\s+|local\s+)?([A-Za-z_][A-Za-z0-9_]*)\+?=", re.M),
    (r"(?P<name>[A-Za-z_]\w*)=(?:'(?P<single>[^']*)'|\"(?P<double>[^\"$`\\]*)\")", 0),
    (r"(?<![\w-])apt(?:-get)?\s+install\b", re.I),
    (r"^\s*#\s*(?:hadolint|dockerlint)\s+ignore=([\w,\s]+)$", re.M | re.I),
    (r"[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]", 0),
    (r"(a|b)*?c{2,5}(?=d)(?!e)\1", re.S | re.X),
    (r"(?i:latest)$|\$\{[^}]*\}", 0),
]
SAMPLES = ["export PATH=/x", "A='b' c", "RUN apt-get install -y curl", "# hadolint ignore=DL3008",
           "\x00text", "ababccd", "image:LATEST", "${VAR}", ""]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """The cache module with its file under tmp_path, and `re` as it was afterwards."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    saved = (dict(patterncache._entries), set(patterncache._used), patterncache._store)
    patterncache.uninstall()

    def fresh():
        patterncache.uninstall()
        patterncache._entries.clear()
        patterncache._used.clear()
        patterncache._store = None
        re.purge()
        patterncache.install()

    fresh()
    yield fresh
    patterncache.uninstall()
    re.purge()
    patterncache._entries.clear()
    patterncache._entries.update(saved[0])
    patterncache._used.clear()
    patterncache._used.update(saved[1])
    patterncache._store = saved[2]


def originals():
    return [patterncache._original(p, int(f)) for p, f in PATTERNS]


def test_a_pattern_from_the_file_is_the_one_re_compiles(cache, monkeypatch):
    first = [re.compile(p, f) for p, f in PATTERNS]
    patterncache.save()
    assert os.path.exists(patterncache._file())
    cache()  # a new process: reads the file
    assert all((p, int(f)) in patterncache._entries for p, f in PATTERNS)

    def no_parsing(*args, **kwargs):
        raise AssertionError("compiled again")

    monkeypatch.setattr(patterncache._parser, "parse", no_parsing)
    served = [re.compile(p, f) for p, f in PATTERNS]
    monkeypatch.undo()
    for got, was, want in zip(served, first, originals()):
        assert got == want and was == want  # same pattern, flags and program
        assert (got.groups, got.groupindex, got.flags) == (want.groups, want.groupindex, want.flags)
        for text in SAMPLES:
            found, expected = got.search(text), want.search(text)
            assert (found and (found.span(), found.groups())) == (expected and (expected.span(), expected.groups()))


def test_a_broken_file_or_entry_means_compiling(cache):
    os.makedirs(os.path.dirname(patterncache._file()))
    with open(patterncache._file(), "wb") as f:
        f.write(b"\x00not marshal")
    cache()
    assert patterncache._entries == {}
    pattern, flags = PATTERNS[0]
    patterncache._entries[(pattern, int(flags))] = (0, ["not", "code"], 0, {}, ())
    assert re.compile(pattern, flags) == originals()[0]
    assert patterncache._entries[(pattern, int(flags))][1] != ["not", "code"]


def test_errors_debug_and_bytes_are_res_own(cache, capsys):
    with pytest.raises(re.error):
        re.compile("(unclosed")
    assert re.compile(rb"\d+").search(b"a12").group() == b"12"
    re.compile("ab+", re.DEBUG)
    assert "LITERAL" in capsys.readouterr().out  # re's own debugging output
    assert set(patterncache._entries) == set()


def test_the_command_line_writes_the_file_and_reads_it_next_time(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl && echo $HOME\n")
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))

    def run():
        return subprocess.run([sys.executable, "-m", "dockerlint", "check", "Dockerfile", "--format", "json",
                               "--no-cache"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)

    first = run()
    files = list((tmp_path / "cache" / "dockerlint").glob("re-*.marshal"))
    assert len(files) == 1 and files[0].stat().st_size > 1000, first.stderr
    written = files[0].stat().st_mtime_ns
    second = run()
    assert (second.stdout, second.returncode) == (first.stdout, first.returncode) == (second.stdout, 1)
    assert json.loads(second.stdout)["findings"]
    assert files[0].stat().st_mtime_ns == written  # nothing new compiled: not written again
