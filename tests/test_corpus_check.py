"""Every corpus file (Dockerfiles, manifests, Compose) is linted with every rule: no crash,
no internal rule error, every finding inside its file, every Dockerfile parses."""
from __future__ import annotations

import pytest

from conftest import shared_path
from dockerlint.engine import lint_path
from dockerlint.model import FileKind
from dockerlint.settings import Settings

KINDS = {"dockerfiles": FileKind.DOCKERFILE, "kubernetes": None, "compose": FileKind.COMPOSE}


@pytest.mark.parametrize("folder", sorted(KINDS))
def test_corpus_never_crashes(folder, capsys):
    root = shared_path("corpus", folder)
    settings = Settings(select=["ALL"], ignore=["SC"])
    files = sorted(p for p in root.iterdir() if p.is_file())
    problems, parse_errors, findings, recognised = [], [], 0, 0
    for path in files:
        result = lint_path(str(path), settings, KINDS[folder])
        if result.error is not None:
            parse_errors.append((path.name, result.error.message))
            continue
        if result.kind is None:
            continue
        recognised += 1
        text_length = len(result.source.text)
        for f in result.findings:
            findings += 1
            if "internal error" in f.message:
                problems.append((path.name, f.code, f.message))
            elif not (0 <= f.span.start <= f.span.end <= text_length):
                problems.append((path.name, f.code, f"span {f.span} outside the file"))
    with capsys.disabled():
        print(f"\n{folder}: {len(files)} files, {recognised} linted, {findings} findings, {len(parse_errors)} parse errors")
    assert not problems, problems[:20]
    if folder == "dockerfiles":
        assert not parse_errors, parse_errors[:10]
        assert recognised == len(files)
    else:
        assert len(parse_errors) <= 10, parse_errors[:10]
