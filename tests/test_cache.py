"""The result cache: a run over unchanged files reuses the last results (and a change to the
file, its settings, or a file the rules read, such as .dockerignore, is linted afresh); broken
entries are ignored; concurrent runs are safe; the cache stays within its bound."""
from __future__ import annotations

import dataclasses
import glob
import json
import marshal
import os
import subprocess
import sys
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

from dockerlint.model import FileResult, Finding, Severity, Span
from dockerlint.state import cache


def dockerlint(cwd, *args):
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}  # the cache as users have it
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def packs(root, folder=".dockerlint_cache") -> list[str]:
    return sorted(glob.glob(os.path.join(root, folder, cache.FORMAT, "*" + cache.SUFFIX)))


def entries(root, folder=".dockerlint_cache") -> list[tuple[str, str]]:
    """(pack, key) of every cached result."""
    return [(p, k) for p in packs(root, folder) for k in read(p) if k != cache.STAMPS]


def read(pack):
    """A pack's entries, their report lines as strings (in the pack they point into its text)."""
    data, text = cache.load_pack(pack)
    for k, entry in data.items():
        json = entry[7] if k != cache.STAMPS and len(entry) > 7 else None
        if json is not None:
            start, length = json[1]
            data[k] = (*entry[:7], (json[0], str(text[start : start + length], "utf-8"), *json[2:]))
    return data


def write(pack, data):
    with open(pack, "wb") as f:
        for piece in cache.dump_pack(data):
            f.write(piece)


def framed(blob: bytes) -> bytes:
    """`blob` as a pack's entries (its length first), with no text."""
    return len(blob).to_bytes(8, "little") + blob


def test_second_run_reads_the_cache_and_says_the_same(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    first = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert len(entries(tmp_path)) == 1
    assert (tmp_path / ".dockerlint_cache" / ".gitignore").read_text().strip().endswith("*")
    second = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert second.stdout == first.stdout and second.returncode == first.returncode == 1
    # prove the second result came from the cache: doctor the entry and see it reported
    pack, key = entries(tmp_path)[0]
    data = read(pack)
    kind, documents, related, error, packed, path, written, (shown, lines, counts, fixable) = data[key]
    count, crc, blob = packed  # the findings packed: their count, the blob's crc32, the blob
    findings = marshal.loads(blob)
    assert count == len(findings) and crc == zlib.crc32(blob)
    assert shown == "Dockerfile" and lines.count('{"code": ') == len(findings)  # a JSON run stores its report's lines
    findings = (findings[0][:3] + ("from the cache",) + findings[0][4:], *findings[1:])
    lines = lines.replace('"message": "', '"message": "from the stored lines: ', 1)
    blob = marshal.dumps(findings)
    data[key] = (kind, documents, related, error, (count, zlib.crc32(blob), blob), path, written, (shown, lines, counts, fixable))
    write(pack, data)
    third = dockerlint(tmp_path, "check", ".", "--format", "json")
    assert "from the stored lines: " in third.stdout and json.loads(third.stdout)["summary"]["findings"] == len(findings)
    assert "from the cache" in dockerlint(tmp_path, "check", ".").stdout  # the text report writes the findings
    assert "from the" not in dockerlint(tmp_path, "check", ".", "--format", "json", "--no-cache").stdout


def test_a_changed_file_or_setting_is_linted_again(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    assert "DL3006" in dockerlint(tmp_path, "check", ".").stdout
    (tmp_path / "Dockerfile").write_text("FROM debian:12\n")
    assert "DL3006" not in dockerlint(tmp_path, "check", ".").stdout
    (tmp_path / ".dockerlint.toml").write_text('ignore = ["DF001"]\n')
    assert "DF001" not in dockerlint(tmp_path, "check", ".").stdout


def test_a_changed_dockerignore_invalidates_the_result(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nCOPY secrets.env /app/\nUSER 1000\n")
    assert "DF112" not in dockerlint(tmp_path, "check", ".", "--select", "DF112").stdout
    (tmp_path / ".dockerignore").write_text("*.env\n")
    assert "DF112" in dockerlint(tmp_path, "check", ".", "--select", "DF112").stdout


def test_corrupt_entries_are_ignored(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    first = dockerlint(tmp_path, "check", ".", "--format", "json").stdout
    (pack,) = packs(tmp_path)
    (key,) = read(pack)
    entry = read(pack)[key]
    shown, lines, counts, fixable = entry[7]
    junk = [
        framed(marshal.dumps({"truncated": [1, 2, 3]})[:-3]),  # cut short
        framed(marshal.dumps({key: entry}))[:-10],  # the entries' length says more than there is
        b"\xff" * 64,  # not a pack at all
        b"",
        framed(b"\xff" * 64),  # not marshal at all
        framed(marshal.dumps(["not", "a", "dict"])),
        framed(marshal.dumps({key: {"findings": "not a list", "kind": "dockerfile"}})),  # an entry of the wrong shape
        framed(marshal.dumps({key: ("dockerfile", None, {}, None, "not a tuple of findings", "Dockerfile", 0.0)})),
        framed(marshal.dumps({key: (*entry[:4], (("DL3006", 1),), *entry[5:])})),  # a finding cut short
        # report lines that point past the pack's text, or are not a place in it
        framed(marshal.dumps({key: (*entry[:7], (shown, (0, len(lines) + 1), counts, fixable))})) + lines.encode()[:-1],
        framed(marshal.dumps({key: (*entry[:7], (shown, (-1, 2), counts, fixable))})) + lines.encode(),
        framed(marshal.dumps({key: (*entry[:7], (shown, (0, 1, 2), counts, fixable))})) + lines.encode(),
    ]
    for payload in junk:
        open(pack, "wb").write(payload)
        again = dockerlint(tmp_path, "check", ".", "--format", "json")
        assert again.stdout == first and "Traceback" not in again.stderr


def test_concurrent_runs_agree(tmp_path):
    for i in range(30):
        (tmp_path / f"svc{i}").mkdir()
        (tmp_path / f"svc{i}" / "Dockerfile").write_text(f"FROM debian\nRUN echo {i}\n")
    expected = dockerlint(tmp_path, "check", ".", "--format", "json", "--no-cache").stdout
    with ThreadPoolExecutor(4) as pool:
        outputs = list(pool.map(lambda _: dockerlint(tmp_path, "check", ".", "--format", "json").stdout, range(4)))
    assert all(o == expected for o in outputs)
    assert len(entries(tmp_path)) == 30  # one pack per directory, each written whole
    assert len(packs(tmp_path)) == 30
    assert not glob.glob(os.path.join(tmp_path, ".dockerlint_cache", cache.FORMAT, ".tmp-*"))


def test_the_cache_is_bounded(tmp_path):
    directory = str(tmp_path / "cache")
    store = cache.Store()
    for i in range(50):  # fifty directories, one pack each
        result = FileResult(str(tmp_path / f"d{i}" / "Dockerfile"), None, [Finding("DL3006", "x", Severity.WARNING, "m" * 1000, Span(0, 1, 1, 1, 1, 2))])
        store.put(directory, f"{i:064x}", result)
    store.flush()
    assert len(glob.glob(os.path.join(directory, cache.FORMAT, "*" + cache.SUFFIX))) == 50
    removed = cache.prune(directory, max_bytes=20_000)
    left = glob.glob(os.path.join(directory, cache.FORMAT, "*" + cache.SUFFIX))
    assert removed > 0 and sum(os.path.getsize(p) for p in left) <= 20_000


def test_a_pack_keeps_the_latest_results_of_each_file(tmp_path):
    directory = str(tmp_path / "cache")
    path = str(tmp_path / "Dockerfile")
    for i in range(5):  # five versions of one file, one run each
        store = cache.Store()
        store.put(directory, f"{i:064x}", FileResult(path, None))
        store.flush()
    (pack,) = glob.glob(os.path.join(directory, cache.FORMAT, "*" + cache.SUFFIX))
    assert sorted(read(pack)) == [f"{i:064x}" for i in (3, 4)][: cache.PER_PATH]


def test_worker_processes_hand_their_entries_to_one_writer(tmp_path):
    for i in range(70):  # past the size where a run uses worker processes
        (tmp_path / f"{i}.Dockerfile").write_text(f"FROM debian\nRUN echo {i}\n")
    first = dockerlint(tmp_path, "check", ".", "--format", "json", "-j", "2")
    assert len(entries(tmp_path)) == 70 and len(packs(tmp_path)) == 1
    second = dockerlint(tmp_path, "check", ".", "--format", "json", "-j", "2")
    assert second.stdout == first.stdout


def test_findings_with_related_locations_come_back_whole(tmp_path):
    from dockerlint.model import Location, SourceText

    text = "FROM debian\n"
    finding = Finding("DL3006", "x", Severity.WARNING, "m", Span(0, 4, 1, 1, 1, 5), "Dockerfile",
                      related=(Location("values.yaml", 3, 5, "set here"),))
    store = cache.Store()
    store.put(str(tmp_path), "k" * 64, FileResult("Dockerfile", None, [finding], source=SourceText(text)))
    store.flush()
    (back,) = cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text).findings
    assert back == finding


def test_cache_dir_setting_and_no_cache(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    (tmp_path / ".dockerlint.toml").write_text('cache-dir = "build/lint-cache"\n')
    dockerlint(tmp_path, "check", ".")
    assert entries(tmp_path, os.path.join("build", "lint-cache"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "Dockerfile").write_text("FROM debian\n")
    dockerlint(tmp_path / "other", "check", ".", "--no-cache", "--isolated")
    assert not (tmp_path / "other" / ".dockerlint_cache").exists()


def test_encodings_and_unreadable_files_through_the_cache(tmp_path):
    """A cached run keys UTF-8 files by their bytes and decodes them only if a report needs the
    text: UTF-8 with a BOM, UTF-16 and invalid or binary files must come out as without the cache,
    in JSON and in text (which shows source lines)."""
    text = "FROM debian\nRUN apt-get install curl\n"
    (tmp_path / "utf8.Dockerfile").write_bytes(text.encode())
    (tmp_path / "bom.Dockerfile").write_bytes(b"\xef\xbb\xbf" + text.encode())
    (tmp_path / "utf16.Dockerfile").write_bytes(text.encode("utf-16"))
    (tmp_path / "latin1.Dockerfile").write_bytes("FROM debian\nLABEL a=\xe9\n".encode("latin-1"))
    (tmp_path / "binary.Dockerfile").write_bytes(b"FROM debian\n\x00\x01")
    for fmt in ("json", "text"):
        uncached = dockerlint(tmp_path, "check", ".", "--format", fmt, "--no-cache")
        first = dockerlint(tmp_path, "check", ".", "--format", fmt)
        second = dockerlint(tmp_path, "check", ".", "--format", fmt)
        assert first.stdout == second.stdout == uncached.stdout, fmt
        assert first.stderr == second.stderr == uncached.stderr, fmt
        assert "latin1.Dockerfile" in second.stdout + second.stderr and "binary.Dockerfile" in second.stdout + second.stderr
    assert len(entries(tmp_path)) >= 3  # the three readable files (per format's settings)


# Counts the reads of each file in one run (the real command, in a process of its own).
_COUNT_READS = """
import collections, sys
import dockerlint.files as files
reads = collections.Counter()
real = files.read_bytes
def counted(path, stats=None):
    reads[path] += 1
    return real(path, stats)
files.read_bytes = counted
from dockerlint.cli.main import main
code = main(sys.argv[1:])
sys.stdout.flush()
print("READS", dict(reads), file=sys.stderr)
sys.exit(code)
"""


def reads_of(cwd, *args) -> tuple[subprocess.CompletedProcess, dict]:
    env = {k: v for k, v in os.environ.items() if k != "DOCKERLINT_NO_CACHE"}
    done = subprocess.run([sys.executable, "-c", _COUNT_READS, *args], cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
    line = [l for l in done.stderr.splitlines() if l.startswith("READS ")][-1]
    return done, eval(line[len("READS "):])


def settle(*paths) -> None:
    """Wait until the files' last write is older than the cache's settling time."""
    newest = max(max(os.stat(p).st_mtime_ns, os.stat(p).st_ctime_ns) for p in paths)
    while time.time_ns() < newest + cache.SETTLE_NS + 50_000_000:
        time.sleep(0.1)


def test_a_file_unchanged_since_its_stamp_is_not_read_again(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    (tmp_path / "deploy.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n")
    settle(tmp_path / "Dockerfile", tmp_path / "deploy.yaml")
    first, reads = reads_of(tmp_path, "check", ".", "--format", "json")
    assert reads == {"./Dockerfile": 1, "./deploy.yaml": 1}  # the CRD pre-scan's read serves the cache lookup
    (pack,) = packs(tmp_path)
    assert sorted(read(pack)[cache.STAMPS]) == [str(tmp_path / "Dockerfile"), str(tmp_path / "deploy.yaml")]
    second, reads = reads_of(tmp_path, "check", ".", "--format", "json")
    assert reads == {} and second.stdout == first.stdout and second.returncode == first.returncode == 1
    # the text report shows source lines: the file is read for them, and only then
    text, reads = reads_of(tmp_path, "check", ".", "--format", "text")
    assert reads == {"./Dockerfile": 1, "./deploy.yaml": 1} and "apt-get install curl" in text.stdout


def test_a_rewrite_that_keeps_size_and_mtime_is_still_seen(tmp_path):
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM debian:12\n")
    settle(dockerfile)
    assert "DL3006" not in dockerlint(tmp_path, "check", ".").stdout
    before = os.stat(dockerfile)
    dockerfile.write_text("FROM  debian\n\n\n")  # the same size, and the old mtime put back (as `touch -r` would)
    os.utime(dockerfile, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(dockerfile)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)
    assert "DL3006" in dockerlint(tmp_path, "check", ".").stdout  # the ctime changed: read and linted again


def test_a_file_written_just_before_the_run_gets_no_stamp(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    dockerlint(tmp_path, "check", ".")
    (pack,) = packs(tmp_path)
    assert cache.STAMPS not in read(pack)  # another write within the same timestamp tick could go unseen
    _, reads = reads_of(tmp_path, "check", ".")
    assert reads == {"./Dockerfile": 1}


def test_a_fix_read_back_makes_its_edits_only_when_asked(tmp_path):
    from dockerlint.model import Applicability, Edit, Fix, SourceText, StoredFix
    from dockerlint.report import ReportOptions, render

    text = "FROM debian\nRUN apt-get install curl\n"
    fix = Fix((Edit(17, 28, "apt-get install -y --no-install-recommends"), Edit(0, 11, "FROM debian:12")),
              Applicability.UNSAFE, "pin and trim")
    finding = Finding("DL3008", "x", Severity.WARNING, "m", Span(12, 37, 2, 1, 2, 26), "Dockerfile", fix)
    original = FileResult("Dockerfile", None, [finding], source=SourceText(text, "Dockerfile"))
    store = cache.Store()
    store.put(str(tmp_path), "k" * 64, original)
    store.flush()
    back = cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text)
    stored = back.findings[0].fix
    assert type(stored) is StoredFix and "edits" not in stored.__dict__
    # the JSON report writes the stored edits as they are: no Edit is made for it
    assert render("json", [back], ReportOptions()) == render("json", [original], ReportOptions())
    assert "edits" not in stored.__dict__
    # asked for, they are the fix's own edits (in order), and the source knows their positions
    assert stored == fix and stored.edits == fix.edits
    assert [back.source.position(e.start) for e in stored.edits] == [(1, 1), (2, 6)]
    assert render("sarif", [back], ReportOptions()) == render("sarif", [original], ReportOptions())


def test_what_a_worker_sends_its_parent_keeps_the_whole_result():
    from dockerlint.model import Applicability, Edit, FileError, FileKind, Fix, SourceText

    text = "FROM debian\n"
    fix = Fix((Edit(5, 11, "debian:12"),), Applicability.SAFE, "pin")
    finding = Finding("DL3006", "x", Severity.WARNING, "m", Span(5, 11, 1, 6, 1, 12), "Dockerfile", fix,
                      ("hadolint:DL3006",), FileKind.DOCKERFILE, "FROM debian")
    result = FileResult("Dockerfile", FileKind.DOCKERFILE, [finding], source=SourceText(text, "Dockerfile"), documents=None)
    assert cache.encodable(result)
    back = cache.decode(cache.encode(result), "Dockerfile", text)
    assert back.findings == result.findings and back.kind is result.kind and back.source.text == text
    broken = FileResult("x.yaml", FileKind.KUBERNETES, error=FileError("x.yaml", "bad", 2, 3, code="E002", kind=FileKind.KUBERNETES))
    assert cache.decode(cache.encode(broken), "x.yaml", None).error == broken.error
    # what the encoding does not keep goes as it is: a fix's outcome, a finding in another file
    fixed = FileResult("Dockerfile", FileKind.DOCKERFILE, [], fixes_applied={"DL3006": 1})
    elsewhere = FileResult("chart/templates/a.yaml", FileKind.KUBERNETES, [Finding(
        "KS001", "x", Severity.WARNING, "m", Span(0, 1, 1, 1, 1, 2), "chart/values.yaml", kind=FileKind.KUBERNETES)])
    assert not cache.encodable(fixed) and not cache.encodable(elsewhere) and not cache.encodable(None)


def test_a_parallel_run_reports_what_one_process_reports(tmp_path):
    (tmp_path / "binary.Dockerfile").write_bytes(b"\x00\xff\xfe" * 10)
    (tmp_path / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: [\n")
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                                       "  - name: c\n    image: nginx:latest\n")
    for i in range(70):  # past the size where a run uses worker processes
        (tmp_path / f"{i}.Dockerfile").write_text(f"FROM debian\nRUN apt-get install curl && echo {i}\nCMD echo hi\n")
    outputs = {}
    for fmt in ("json", "text", "sarif"):
        one = dockerlint(tmp_path, "check", ".", "--format", fmt, "--no-cache", "-j", "1")
        two = dockerlint(tmp_path, "check", ".", "--format", fmt, "--no-cache", "-j", "2")
        assert (two.stdout, two.stderr, two.returncode) == (one.stdout, one.stderr, one.returncode), fmt
        outputs[fmt] = two.stdout
    report = json.loads(outputs["json"])
    # what crossed from the workers: fixes with their edits, errors, files of both kinds
    assert any(f["fix"] and f["fix"]["edits"] for f in report["findings"])
    assert {e["path"] for e in report["errors"]} >= {"binary.Dockerfile", "broken.yaml"}
    assert {"pod.yaml", "69.Dockerfile"} <= {f["path"] for f in report["findings"]}


def test_discovery_stats_each_walked_file_once_and_the_stamp_uses_it(tmp_path, monkeypatch):
    from dockerlint.discovery import discover

    (tmp_path / "Dockerfile").write_text("FROM debian\n")
    (tmp_path / "pod.yaml").write_text("kind: Pod\n")
    calls = []
    real_stat, real_lstat = os.stat, os.lstat
    monkeypatch.setattr(os, "stat", lambda p, *a, **k: (calls.append(("stat", os.fspath(p))), real_stat(p, *a, **k))[1])
    monkeypatch.setattr(os, "lstat", lambda p, *a, **k: (calls.append(("lstat", os.fspath(p))), real_lstat(p, *a, **k))[1])
    candidates, _ = discover([str(tmp_path)], [])
    monkeypatch.undo()
    by_name = {os.path.basename(c.path): c for c in candidates}
    walked = str(tmp_path / "Dockerfile")
    assert [c for c in calls if c[1] == walked] == [("lstat", walked)]  # one system call for a regular file
    assert by_name["Dockerfile"].stat.st_ino == os.stat(walked).st_ino
    assert by_name["pod.yaml"].stat is not None
    os.symlink("Dockerfile", tmp_path / "Dockerfile.link")
    linked = {os.path.basename(c.path): c for c in discover([str(tmp_path)], [])[0]}["Dockerfile.link"]
    assert linked.stat is None  # a link: stat'ed (through it) when its stamp is looked at
    named, _ = discover([walked], [])
    assert named[0].stat.st_ino == by_name["Dockerfile"].stat.st_ino
    # a stamp is compared with the stat it is given (a file unchanged since discovery's look is not stat'ed again)
    store, directory, content = cache.Store(), str(tmp_path / "cache"), cache.digest(b"FROM debian\n")
    store.note(directory, walked, (os.stat(walked), time.time_ns() + cache.SETTLE_NS * 2), content, False)
    store._read.update(store._new)
    assert store.unchanged(directory, walked, walked, by_name["Dockerfile"].stat) == (content, False)
    changed = os.stat_result((*by_name["Dockerfile"].stat[:6], by_name["Dockerfile"].stat.st_size + 1, *by_name["Dockerfile"].stat[7:]))
    assert store.unchanged(directory, walked, walked, changed) is None


def test_a_cached_result_makes_its_findings_only_when_asked(tmp_path):
    import pickle

    from dockerlint.model import Applicability, CachedResult, Edit, Fix, Location, SourceText
    from dockerlint.report import ReportOptions, render

    text = "FROM debian\nRUN apt-get install curl\n"
    fix = Fix((Edit(17, 28, "apt-get install -y"),), Applicability.DISPLAY_ONLY, "review")
    findings = [
        Finding("DL3006", "a", Severity.WARNING, "untagged", Span(5, 11, 1, 6, 1, 12), "Dockerfile", aliases=("hadolint:DL3006",)),
        Finding("DL3008", "b", Severity.ERROR, "pin", Span(12, 37, 2, 1, 2, 26), "Dockerfile", fix,
                related=(Location("other/values.yaml", 3, 5, "set here"),)),
    ]
    original = FileResult("Dockerfile", None, findings, source=SourceText(text, "Dockerfile"))
    store = cache.Store()
    store.put(str(tmp_path), "k" * 64, original)
    store.flush()
    back = cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text)
    assert type(back) is CachedResult and back.stored_findings is not None
    # the JSON report (findings, summary: severities, fixable) and the exit code read the stored tuples
    assert render("json", [back], ReportOptions()) == render("json", [original], ReportOptions())
    assert back.severities() == [Severity.WARNING, Severity.ERROR]
    assert back.stored_findings is not None
    # anything else asks for the findings, and gets them whole
    assert back.findings == findings and back.stored_findings is None
    same_source = dataclasses.replace(original, source=back.source)  # sources compare by identity
    assert back == same_source and same_source == back
    crossed = pickle.loads(pickle.dumps(back))  # as a plain FileResult
    assert type(crossed) is FileResult and crossed.findings == findings and crossed.source.text == text
    # a doctored entry is refused when read, not when its findings are made: packed findings
    # whose bytes no longer match their checksum, or unpacked ones of the wrong shape
    (pack,) = glob.glob(os.path.join(tmp_path, cache.FORMAT, "*" + cache.SUFFIX))
    data = read(pack)
    entry = data["k" * 64]
    count, crc, blob = entry[4]
    assert cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text) is not None
    data["k" * 64] = (*entry[:4], (count, crc, blob.replace(b"DL3008", b"DL3009")), *entry[5:])
    write(pack, data)
    assert cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text) is None
    stored = marshal.loads(blob)
    data["k" * 64] = (*entry[:4], ((*stored[0][:10], "not a tuple", *stored[0][11:]),), *entry[5:])
    write(pack, data)
    assert cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text) is None


def test_stored_report_lines_are_written_only_where_they_say_the_same(tmp_path):
    """A JSON run stores each result's report lines (cache._json_lines); a later run writes them
    only for the path they show: run from elsewhere, with a baseline, or after a text run that
    stored none, the report is what an uncached run writes."""
    (tmp_path / ".dockerlint.toml").write_text("")  # one cache, beside it, for both directories
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\nRUN cd /x && make\n")
    (tmp_path / "sub").mkdir()
    first = dockerlint(tmp_path, "check", "Dockerfile", "--format", "json")
    [(pack, key)] = entries(tmp_path)
    assert read(pack)[key][7][0] == "Dockerfile"
    from_sub = dockerlint(tmp_path / "sub", "check", "../Dockerfile", "--format", "json")
    assert {f["path"] for f in json.loads(from_sub.stdout)["findings"]} == {"../Dockerfile"}
    assert from_sub.stdout == dockerlint(tmp_path / "sub", "check", "../Dockerfile", "--format", "json", "--no-cache").stdout
    assert len(entries(tmp_path)) == 1  # the same entry served both

    dockerlint(tmp_path, "check", "Dockerfile", "--write-baseline", "baseline.json")
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\nRUN cd /x && make\nRUN apt-get install git\n")
    time.sleep(0.01)
    fresh = dockerlint(tmp_path, "check", "Dockerfile", "--format", "json", "--baseline", "baseline.json", "--no-cache")
    for _ in range(2):  # stored by the first, read back by the second
        cached = dockerlint(tmp_path, "check", "Dockerfile", "--format", "json", "--baseline", "baseline.json")
        assert (cached.stdout, cached.returncode) == (fresh.stdout, fresh.returncode)
    assert 0 < json.loads(cached.stdout)["summary"]["findings"] < json.loads(first.stdout)["summary"]["findings"] + 3

    (tmp_path / "other.Dockerfile").write_text("FROM ubuntu\nRUN apt-get install curl\n")
    dockerlint(tmp_path, "check", "other.Dockerfile")  # a text run: no lines stored
    stored = [read(p)[k] for p, k in entries(tmp_path) if read(p)[k][_PATH].endswith("other.Dockerfile")]
    assert stored and all(entry[7] is None for entry in stored)
    assert dockerlint(tmp_path, "check", "other.Dockerfile", "--format", "json").stdout == \
        dockerlint(tmp_path, "check", "other.Dockerfile", "--format", "json", "--no-cache").stdout


_PATH = cache._PATH


def test_a_json_run_never_unpacks_findings_whose_report_lines_were_stored(tmp_path):
    """A pack keeps each result's findings as one marshalled blob (cache._final): a cached JSON
    run writes the stored report lines and counts the severities from the stored counts, so the
    blob stays bytes; the text report (or anything else) unpacks it, and gets the same findings."""
    from dockerlint.model import CachedResult, SourceText
    from dockerlint.report import ReportOptions, render

    text = "FROM debian\nRUN apt-get install curl\n"
    findings = [
        Finding("DL3006", "a", Severity.WARNING, "untagged", Span(5, 11, 1, 6, 1, 12), "Dockerfile", aliases=("hadolint:DL3006",)),
        Finding("DL3008", "b", Severity.ERROR, "pin", Span(12, 37, 2, 1, 2, 26), "Dockerfile"),
    ]
    original = FileResult("Dockerfile", None, findings, source=SourceText(text, "Dockerfile"))
    store = cache.Store()
    store.json_lines = True
    store.put(str(tmp_path), "k" * 64, original)
    store.flush()
    back = cache.Store().get(str(tmp_path), "k" * 64, "Dockerfile", text)
    assert type(back) is CachedResult and type(back.__dict__["_stored"]) is bytes
    assert render("json", [back], ReportOptions()) == render("json", [original], ReportOptions())
    assert sorted(back.severities()) == sorted([Severity.WARNING, Severity.ERROR])
    assert type(back.__dict__["_stored"]) is bytes  # neither the report nor the exit code unpacked it
    assert render("text", [back], ReportOptions()) == render("text", [original], ReportOptions())
    assert type(back.__dict__["_stored"]) is tuple and back.findings == findings


def test_report_lines_live_in_the_packs_text_and_are_never_decoded(tmp_path):
    """A pack is its entries' length, the entries, then its text: the results' report lines as
    UTF-8, each entry pointing to its own (offset, length). Read back (mapped when the pack is
    large), the lines are a view of that text, rendered as the lines themselves; a merge keeps
    every entry's lines; lines that are not valid UTF-8 (a path with an undecodable byte) stay
    in their entry as a string."""
    from dockerlint.model import SourceText
    from dockerlint.report import ReportOptions, render

    text = "FROM debian\nRUN apt-get install curl\n"
    results = {}
    for i, path in enumerate(["Dockerfile", "caf\u00e9.Dockerfile", "bad\udcff.Dockerfile"]):
        findings = [Finding("DL3006", "a", Severity.WARNING, "untagged \u2713" * (1 + 60_000 * (i == 0)),
                            Span(5, 11, 1, 6, 1, 12), path)]
        results["%064x" % i] = FileResult(path, None, findings, source=SourceText(text, path))
    store = cache.Store()
    store.json_lines = True
    for k, result in list(results.items())[:2]:
        store.put(str(tmp_path), k, result)
    store.flush()
    store = cache.Store()  # a second run adds one, merged into the same pack
    store.json_lines = True
    k, result = list(results.items())[2]
    store.put(str(tmp_path), k, result)
    store.flush()
    (pack,) = glob.glob(os.path.join(tmp_path, cache.FORMAT, "*" + cache.SUFFIX))
    assert os.path.getsize(pack) > cache._MAP_FROM  # mapped, not read
    data, pack_text = cache.load_pack(pack)
    pointers = [data["%064x" % i][7][1] for i in range(2)]
    assert all(type(p) is tuple for p in pointers) and pointers[0][0] + pointers[0][1] == pointers[1][0]
    assert type(data["%064x" % 2][7][1]) is str and "\udcff" in data["%064x" % 2][7][1]  # kept as it was
    assert len(pack_text) == sum(p[1] for p in pointers)
    reader = cache.Store()
    for k, original in results.items():
        back = reader.get(str(tmp_path), k, original.path, text)
        lines = back.stored_json[1]
        assert type(lines) is (str if "\udcff" in original.path else memoryview)
        assert render("json", [back], ReportOptions()) == render("json", [original], ReportOptions())


def test_an_unchanged_crd_file_is_not_read_and_still_validates_a_changed_resource(tmp_path):
    """The CRD pre-scan's findings in a CRD file (its groups, whether it holds other kinds, its
    length and digest) are kept with its stamp: a cached run registers its CRDs without reading
    it, and a custom resource changed since is still checked against them (read then, as the
    schema is needed); the catalogue's digest, part of every key, is the same either way."""
    from test_schema_validation import CRD

    (tmp_path / "crd.yaml").write_text(CRD.lstrip("\n"))
    (tmp_path / "a.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\nspec: {size: small}\n")
    settle(tmp_path / "crd.yaml", tmp_path / "a.yaml")
    args = ("check", ".", "--select", "KS100,KS101,KS102", "--format", "json")
    first, reads = reads_of(tmp_path, *args)
    assert reads == {"./crd.yaml": 1, "./a.yaml": 1} and first.returncode == 0, first.stderr
    (pack,) = packs(tmp_path)
    groups, other_kinds, length, digest = read(pack)[cache.STAMPS][str(tmp_path / "crd.yaml")][5]
    assert groups == ("example.com",) and other_kinds is False and length == len(CRD.lstrip("\n"))
    second, reads = reads_of(tmp_path, *args)
    assert reads == {} and second.stdout == first.stdout  # nothing read: every key the same
    (tmp_path / "a.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\nspec: {size: huge}\n")
    third, reads = reads_of(tmp_path, *args)
    # the changed resource, and the CRD file once, by the catalogue, for the schema it needs now
    assert reads == {"./a.yaml": 1, "./crd.yaml": 1}
    assert [(f["path"], f["code"]) for f in json.loads(third.stdout)["findings"]] == [("a.yaml", "KS101")]


def test_cached_runs_and_crds_need_no_hashlib(tmp_path):
    """The cache's keys and the CRD digests are BLAKE2b from CPython's `_blake2`: a run that
    writes or reads the cache, or finds a CRD, does not load OpenSSL through hashlib (~4 ms)."""
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN apk add curl\n")
    (tmp_path / "crd.yaml").write_text(
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n"
        "spec:\n  group: example.com\n  names: {kind: Widget, plural: widgets}\n  scope: Namespaced\n  versions:\n"
        "  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema:\n        type: object\n"
        "        properties:\n          spec: {type: object, properties: {size: {type: integer}}}\n"
    )
    (tmp_path / "widget.yaml").write_text("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nspec:\n  size: big\n")
    probe = (
        "import contextlib, io, json, sys\n"
        "from dockerlint.cli.main import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    main(['check', '--format', 'json', '-j', '1', '.'])\n"
        "print(sorted({f['code'] for f in json.loads(out.getvalue())['findings'] if f['code'].startswith('KS10')}), 'hashlib' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "user-cache")}
    env.pop("DOCKERLINT_NO_CACHE", None)
    outputs = []
    for _ in range(2):  # the first run writes the cache, the second reads it
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.strip())
    assert outputs == ["['KS101'] False"] * 2
    assert glob.glob(os.path.join(tmp_path, ".dockerlint_cache", cache.FORMAT, "*" + cache.SUFFIX))
