"""The `dockerlint format` command-line contract."""
from __future__ import annotations

import os
import stat

from helpers import run_cli

MESSY = "from alpine\nrun echo   a &&\\\n  echo b\n"
TIDY = "FROM alpine\nRUN echo a \\\n    && echo b\n"


def write(path, text, newline=""):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline=newline, encoding="utf-8") as f:
        f.write(text)
    return path


def test_rewrites_in_place_keeping_mode(tmp_path):
    df = write(tmp_path / "Dockerfile", MESSY)
    os.chmod(df, 0o640)
    code, out, err = run_cli(["format", "--isolated", str(df)])
    assert code == 0, err
    assert df.read_text() == TIDY
    assert stat.S_IMODE(os.stat(df).st_mode) == 0o640
    assert "1 file reformatted, 0 unchanged" in err


def test_check_lists_files_and_exits_1(tmp_path):
    messy = write(tmp_path / "a" / "Dockerfile", MESSY)
    tidy = write(tmp_path / "b" / "Dockerfile", TIDY)
    write(tmp_path / "b" / "compose.yaml", "services:\n  a:   {image: x}\n")
    code, out, err = run_cli(["format", "--check", "--isolated", str(tmp_path)])
    assert code == 1
    assert out.splitlines() == [f"Would reformat: {messy}"]
    assert "1 file would be reformatted, 1 already formatted" in err
    assert messy.read_text() == MESSY and tidy.read_text() == TIDY
    code, out, _ = run_cli(["format", "--check", "--isolated", str(tidy)])
    assert code == 0 and out == ""


def test_diff_writes_nothing(tmp_path):
    df = write(tmp_path / "Dockerfile", MESSY)
    code, out, _ = run_cli(["format", "--diff", "--isolated", str(df)])
    assert code == 1
    assert f"--- a/{df}" in out and "+RUN echo a \\" in out and "-run echo   a &&\\" in out
    assert df.read_text() == MESSY


def test_stdin_to_stdout():
    code, out, err = run_cli(["format", "-", "--stdin-filename", "Dockerfile", "--isolated"], stdin=MESSY)
    assert code == 0, err
    assert out == TIDY
    code, out, _ = run_cli(["format", "-", "--check", "--isolated"], stdin=MESSY)
    assert code == 1 and out == "Would reformat: -\n"


def test_unparsable_file_untouched_and_reported(tmp_path):
    bad = write(tmp_path / "Dockerfile", "FROM a\nRUN <<EOF\nx\n")
    good = write(tmp_path / "x.Dockerfile", MESSY)
    code, _, err = run_cli(["format", "--isolated", str(tmp_path)])
    assert code == 1
    assert f"{bad}:2: error: not formatted, it does not parse: unterminated heredoc" in err
    assert bad.read_text() == "FROM a\nRUN <<EOF\nx\n"
    assert good.read_text() == TIDY


def test_io_and_usage_errors_exit_2(tmp_path):
    code, _, err = run_cli(["format", str(tmp_path / "missing" / "Dockerfile")])
    assert code == 2 and "no such file" in err
    code, _, err = run_cli(["format", "-", str(tmp_path)])
    assert code == 2 and "stdin" in err
    code, _, err = run_cli(["format", "--config", str(tmp_path / "nope.toml"), str(tmp_path)])
    assert code == 2 and "--config" in err


def test_config_options_and_unknown_key(tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.dockerlint.format]\nindent-width = 2\noperator-position = "end"\n')
    df = write(tmp_path / "Dockerfile", MESSY)
    code, _, err = run_cli(["format", str(df)])
    assert code == 0, err
    assert df.read_text() == "FROM alpine\nRUN echo a && \\\n  echo b\n"
    write(tmp_path / "pyproject.toml", "[tool.dockerlint.format]\nsort-packages = true\n")
    write(tmp_path / "Dockerfile", "FROM a\nRUN apk add b a\n")
    code, _, err = run_cli(["format", str(df)])
    assert code == 0, err
    assert df.read_text() == "FROM a\nRUN apk add \\\n        a \\\n        b\n"
    write(tmp_path / "pyproject.toml", "[tool.dockerlint.format]\nsort-packages = 1\n")
    code, _, err = run_cli(["format", str(df)])
    assert code == 2 and "`format.sort-packages` must be true or false" in err
    write(tmp_path / "pyproject.toml", "[tool.dockerlint.format]\nindent = 2\n")
    code, _, err = run_cli(["format", str(df)])
    assert code == 2
    assert "pyproject.toml" in err and "`format.indent`: unknown option" in err


def test_crlf_file_stays_crlf(tmp_path):
    df = write(tmp_path / "Dockerfile", MESSY.replace("\n", "\r\n"))
    code, _, err = run_cli(["format", "--isolated", str(df)])
    assert code == 0, err
    assert df.read_bytes() == TIDY.replace("\n", "\r\n").encode()


def test_explicit_non_dockerfile_is_not_formatted(tmp_path):
    other = write(tmp_path / "notes.txt", "hello   world\n")
    compose = write(tmp_path / "compose.yaml", "services:\n  a:   {image: x}\n")
    code, _, err = run_cli(["format", "--isolated", str(other), str(compose)])
    assert code == 0
    assert f"{other}: not a Dockerfile" in err and other.read_text() == "hello   world\n"
    assert f"{compose}: not a Dockerfile" in err and compose.read_text() == "services:\n  a:   {image: x}\n"
    # walked, other YAML is skipped quietly
    code, _, err = run_cli(["format", "--isolated", str(tmp_path)])
    assert code == 0 and "not a Dockerfile" not in err


def test_written_in_place_through_links(tmp_path):
    target = write(tmp_path / "real" / "Dockerfile", MESSY)
    hard = tmp_path / "real" / "Dockerfile.hard"
    os.link(target, hard)
    (tmp_path / "app").mkdir()
    link = tmp_path / "app" / "Dockerfile"
    link.symlink_to(target)
    inode = os.stat(target).st_ino
    code, _, err = run_cli(["format", "--isolated", str(link)])
    assert code == 0, err
    assert link.is_symlink() and target.read_text() == TIDY
    assert os.stat(target).st_ino == inode and hard.read_text() == TIDY  # the same file, not a new one


def test_write_in_place_cuts_to_length_and_restores_on_failure(tmp_path, monkeypatch):
    from dockerlint import files

    p = tmp_path / "Dockerfile"
    p.write_bytes(b"0123456789")
    files.write_in_place(str(p), b"abc", b"0123456789")
    assert p.read_bytes() == b"abc"
    files.write_in_place(str(p), b"abcdefghijklmnop", b"abc")
    assert p.read_bytes() == b"abcdefghijklmnop"

    real_pwrite = os.pwrite
    calls = []

    def failing(fd, data, offset):  # the first write lands half, then the disk is full
        calls.append(len(data))
        if len(calls) == 1:
            return real_pwrite(fd, bytes(data[: len(data) // 2]), offset)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(files.os, "pwrite", failing)
    try:
        files.write_in_place(str(p), b"X" * 40, b"abcdefghijklmnop")
    except OSError as exc:
        assert exc.errno == 28
    else:
        raise AssertionError("the failed write was not reported")
    assert p.read_bytes() == b"abcdefghijklmnop"


def test_files_read_with_one_read_decode_and_fail_as_read_file(tmp_path, monkeypatch):
    """format (like check) reads a file with one open/fstat/read (files.read_bytes): the same
    bytes as Python's own read, the same errors as before, and a pipe named on the command line
    (a FIFO with a writer, as `<(...)` gives) is still read to its end."""
    from dockerlint.files import read_bytes, read_file
    from dockerlint.format import command

    messy_crlf = MESSY.replace("\n", "\r\n")
    (tmp_path / "utf8").write_bytes(("\ufeff" + MESSY).encode("utf-8"))
    (tmp_path / "crlf").write_bytes(messy_crlf.encode("utf-8"))
    (tmp_path / "utf16").write_bytes(MESSY.encode("utf-16"))
    (tmp_path / "latin1").write_bytes("FROM a\nLABEL x=\xe9\n".encode("latin-1"))
    (tmp_path / "nul").write_bytes(b"FROM a\x00\n")
    (tmp_path / "empty").write_bytes(b"")
    (tmp_path / "dir").mkdir()
    for name in ("utf8", "crlf", "utf16", "latin1", "nul", "empty"):
        path = str(tmp_path / name)
        data, error = read_bytes(path)
        assert error is None and data == (tmp_path / name).read_bytes()
        decoded, error = read_file(path)
        got = command._format_one(path, name, True, True, None, "check")
        if error is not None:
            assert got.messages == [f"{name}: error: {error.message}"] and got.status == 2
        else:
            assert decoded is not None and got.changed == (name != "empty")
            assert got.status == (1 if name == "empty" else 0)  # no instruction: reported, left alone
    assert read_bytes(str(tmp_path / "dir"))[1].message == "is a directory"
    assert "no such file" in read_bytes(str(tmp_path / "missing"))[1].message
    got = command._format_one(str(tmp_path / "dir"), "dir", True, True, None, "check")
    assert got.messages == ["dir: error: is a directory"] and got.status == 2
    r, w = os.pipe()  # what `dockerlint format <(cat Dockerfile)` names: /dev/fd/N, a pipe
    try:
        os.write(w, MESSY.encode() * 50)
        os.close(w)
        data, error = read_bytes(f"/dev/fd/{r}")
    finally:
        os.close(r)
    assert error is None and data == MESSY.encode() * 50
    monkeypatch.setattr("dockerlint.files.MAX_FILE_BYTES", 10)
    assert "over the 0 MiB limit" in read_bytes(str(tmp_path / "utf8"))[1].message
    got = command._format_one(str(tmp_path / "utf8"), "utf8", True, True, None, "check")
    assert got.status == 2 and "over the 0 MiB limit" in got.messages[0]
