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


def _entries(path) -> dict:
    """The cache file's entries, text -> code (`codecache._load`, each entry unmarshalled)."""
    index, region = codecache._load(str(path))
    out = {}
    for key, (start, length) in index.items():
        text, code = marshal.loads(region[start : start + length])
        assert codecache._key(text) == key
        out[text] = code
    return out


def _cache_file(cache_home):
    folder = cache_home / "dockerlint"
    files = [p for p in folder.iterdir() if p.name.startswith("dataclass-code-")] if folder.exists() else []
    return files[0] if files else None


def test_first_run_writes_the_cache_and_the_next_reads_it_with_the_same_behaviour(tmp_path):
    first = _run(tmp_path)
    path = _cache_file(tmp_path)
    assert path is not None, "the first run wrote no cache file"
    codes = _entries(path)
    assert len(codes) > 20 and all(isinstance(s, str) and s.startswith("def __create_fn__") for s in codes)
    stamp = path.stat().st_mtime_ns
    second = _run(tmp_path)
    assert second == first
    assert path.stat().st_mtime_ns == stamp, "a run that compiled nothing new rewrote the file"


def test_cached_code_is_what_dataclasses_compiles(tmp_path):
    _run(tmp_path)
    codes = _entries(_cache_file(tmp_path))
    for source, code in codes.items():
        # what `exec(source)` inside dataclasses compiles: no inherited flags, file "<string>"
        assert code == compile(source, "<string>", "exec", dont_inherit=True), source
        assert code.co_filename == "<string>"


def test_a_corrupt_or_foreign_cache_file_is_ignored_and_replaced(tmp_path):
    clean = _run(tmp_path / "clean")
    folder = tmp_path / "bad" / "dockerlint"
    folder.mkdir(parents=True)
    name = _cache_file(tmp_path / "clean").name
    good = (tmp_path / "clean" / "dockerlint" / name).read_bytes()
    size = int.from_bytes(good[:8], "little")
    wrong_text = marshal.dumps(("def __create_fn__(): pass", compile("x = 1", "<string>", "exec")))
    for junk in (b"", b"\x00garbage", marshal.dumps(["not", "a", "dict"]),
                 good[: 8 + size] + good[8 + size :][::-1],  # every entry damaged
                 good[: 8 + size] + wrong_text * (len(good) // len(wrong_text) + 1)):  # entries of other texts
        (folder / name).write_bytes(junk)
        assert _run(tmp_path / "bad") == clean
        assert _entries(folder / name), "the bad file was not replaced"
        index, region = codecache._load(str(folder / name))
        assert sum(length for _, length in index.values()) == len(region), "entries replaced, their old bytes kept"


def test_only_dockerlint_classes_use_the_cache():
    """Another library's dataclasses compile as they always did (nothing of theirs is stored)."""
    import dataclasses

    before = dict(codecache._codes)

    @dataclasses.dataclass
    class Outside:
        x: int = 1

    assert Outside().x == 1
    assert codecache._codes == before


def test_inspect_is_imported_only_when_dataclasses_first_uses_it(tmp_path):
    """`dataclasses` gets `inspect` on its first use of it: linting imports no `inspect`, a class
    without a docstring still gets the signature dataclasses writes, and `import inspect`
    elsewhere gives the real module."""
    (tmp_path / "Dockerfile").write_text("FROM alpine:3.20\nRUN apk add curl\n")
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx:1.27\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n")
    probe = textwrap.dedent(f"""
        import contextlib, io, sys
        from dockerlint.cli.main import main
        with contextlib.redirect_stdout(io.StringIO()):
            main(["check", "--isolated", "--no-cache", "-j", "1", {str(tmp_path)!r}])
        print("after a run", "inspect" in sys.modules)
        import dataclasses
        @dataclasses.dataclass
        class Point:
            x: int
            y: int = 0
        print(Point.__doc__, "inspect" in sys.modules)
        import inspect
        print(inspect.signature(Point) is not None, type(inspect) is type(sys), inspect.isclass(Point))
    """)
    done = subprocess.run([sys.executable, "-c", probe], env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # Python 3.12 and later read every class's annotations with `inspect`: there it comes with the first class
    deferred = sys.version_info < (3, 12)
    assert done.stdout.splitlines() == [f"after a run {not deferred}", "Point(x: int, y: int = 0) True", "True True True"]


def test_every_dockerlint_dataclass_has_a_docstring():
    """A dataclass without one makes dataclasses import `inspect` (and ast, dis, tokenize) to
    write it: ~7 ms of a cold start."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    missing = []
    for directory in ("dockerlint", "rules", "fixers"):
        for path in sorted((root / directory).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ClassDef) and ast.get_docstring(node) is None and any(
                    "dataclass" in ast.unparse(d) for d in node.decorator_list
                ):
                    missing.append(f"{path.relative_to(root)}:{node.lineno} {node.name}")
    assert missing == []
