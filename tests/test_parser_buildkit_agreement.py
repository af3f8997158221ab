"""Our Dockerfile parser against BuildKit's own, on the whole real-world corpus.

The oracle is the PyPI package `dockerfile` (BuildKit's Go parser behind a Python binding; the
installed 3.4.0 wraps BuildKit v0.12.5). For every file we compare, instruction by instruction:
the keyword (upper-cased), start and end line, the ONBUILD sub-command, the flags, exec (JSON)
form and its values, the joined logical line (Node.Original) and the heredocs (name and content).
A file BuildKit rejects must be rejected by us too.

Deliberate differences, none of which occurs in the corpus (they would show up below):
* JSON form: we follow current BuildKit (>= 0.15, json.Unmarshal), so `CMD ["a"] x` is shell
  form; v0.12.5 (json.Decoder) ignores the trailing `x`.
* `# check=...` is a parser directive for us (BuildKit >= 0.14); v0.12.5 stops looking for
  directives at it.
* `${var/pattern/replacement}` next to a heredoc word is lexed as current BuildKit does.
* ONBUILD heredocs: the binding does not report them (it reads them off the wrapped node); we
  still compare the lines they cover.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from dockerlint.parse.dockerfile import DockerfileParseError, parse_dockerfile

dockerfile = pytest.importorskip("dockerfile", reason="the BuildKit oracle (PyPI `dockerfile`) is not installed")

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "dockerfiles"

# file name -> why it cannot agree with BuildKit. Keep empty unless BuildKit is demonstrably wrong.
EXCEPTIONS: dict[str, str] = {}


def _flag_text(flag) -> str:
    return "--" + flag.name + ("" if flag.value is None else "=" + flag.value)


def disagreements(text: str) -> list[str]:
    try:
        theirs = dockerfile.parse_string(text)
        their_error = None
    except dockerfile.GoParseError as exc:
        theirs, their_error = None, str(exc)
    try:
        ours = parse_dockerfile(text)
        our_error = None
    except DockerfileParseError as exc:
        ours, our_error = None, f"{exc.message} (line {exc.line})"
    if their_error or our_error:
        if their_error and our_error:
            return []
        return [f"BuildKit error: {their_error!r}; ours: {our_error!r}"]

    out = []
    if len(theirs) != len(ours.instructions):
        out.append(f"{len(theirs)} instructions vs our {len(ours.instructions)}")
    for cmd, ins in zip(theirs, ours.instructions):
        diff = []
        keyword = (cmd.cmd or "").upper()
        if keyword != ins.keyword:
            diff.append(f"keyword {keyword!r} vs {ins.keyword!r}")
        if (cmd.start_line, cmd.end_line) != (ins.line, ins.end_line):
            diff.append(f"lines {cmd.start_line}-{cmd.end_line} vs {ins.line}-{ins.end_line}")
        if tuple(cmd.flags) != tuple(_flag_text(f) for f in ins.flags):
            diff.append(f"flags {cmd.flags} vs {[_flag_text(f) for f in ins.flags]}")
        if (cmd.original or "") != ins.original and not cmd.heredocs:
            diff.append(f"line {cmd.original!r} vs {ins.original!r}")
        target = ins
        if cmd.sub_cmd is not None or ins.inner is not None:
            target = ins.inner
            if (cmd.sub_cmd or "").upper() != (target.keyword if target else ""):
                diff.append(f"ONBUILD {cmd.sub_cmd!r} vs {target.keyword if target else None!r}")
        else:
            theirs_h = [(h.name, h.content) for h in cmd.heredocs]
            ours_h = [(h.name, h.raw_content) for h in ins.heredocs]
            if theirs_h != ours_h:
                diff.append(f"heredocs {theirs_h} vs {ours_h}")
            for h in ins.heredocs:
                if h.chomp and h.content != "\n".join(line.lstrip("\t") for line in h.raw_content.split("\n")):
                    diff.append(f"heredoc {h.name} not chomped like BuildKit's ChompHeredocContent")
        our_json = target.json if target is not None else None
        if cmd.json != (our_json is not None):
            diff.append(f"exec form {cmd.json} vs {our_json}")
        elif cmd.json:
            values = cmd.value[1:] if keyword == "HEALTHCHECK" else cmd.value
            if tuple(values) != tuple(our_json):
                diff.append(f"exec form {values} vs {our_json}")
        if diff:
            out.append(f"line {cmd.start_line}: " + "; ".join(diff))
    return out


def test_corpus_agrees_with_buildkit():
    if not CORPUS.is_dir():
        pytest.skip(f"{CORPUS} not found: the shared corpus lives beside the checkout (../shared)")
    files = sorted(p for p in CORPUS.iterdir() if p.is_file())
    assert files, f"{CORPUS} is empty"

    failures = {}
    ours_seconds = 0.0
    for path in files:
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        problems = disagreements(text)
        if path.name in EXCEPTIONS:
            continue
        if problems:
            failures[path.name] = problems[:5]
        start = time.perf_counter()
        try:
            parse_dockerfile(text, path.name)
        except DockerfileParseError:
            pass
        ours_seconds += time.perf_counter() - start

    compared = len(files) - len([f for f in files if f.name in EXCEPTIONS])
    agreeing = compared - len(failures)
    print(
        f"\nBuildKit agreement: {agreeing}/{compared} files ({100.0 * agreeing / compared:.2f}%), "
        f"{len(EXCEPTIONS)} listed exceptions; our parse time for the corpus {ours_seconds:.2f}s"
    )
    stale = sorted(set(EXCEPTIONS) - {p.name for p in files})
    assert not stale, f"EXCEPTIONS lists files not in the corpus: {stale}"
    assert not failures, "\n".join(f"{name}: {problems}" for name, problems in sorted(failures.items()))
