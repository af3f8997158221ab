"""What a new user hits on a first run (issue 17): discovery by name *and* content, the summary
lines, flags that must not traceback or silently do something else."""
from __future__ import annotations

import json

from helpers import run_cli


def _tree(tmp_path, files: dict[str, str]):
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


DOCKERFILE = "FROM alpine:3.22\nUSER 1000\n"


def test_code_and_docs_about_dockerfiles_are_not_linted_as_dockerfiles(tmp_path, monkeypatch):
    _tree(tmp_path, {
        "dockerfile.py": "import os\n\ndef parse(text):\n    return text\n",
        "Dockerfile.md": "# Dockerfile\n\nFROM is the first instruction.\n",
        "dockerfile.json": '{"from": "alpine"}\n',
        "pkg/dockerfile.go": "package dockerfile\n\nfunc Parse() {}\n",
        "Dockerfile": DOCKERFILE,
    })
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--isolated", "--format", "json", "--select", "DL3061,DL3006"])
    report = json.loads(out)
    assert report["summary"]["files"] == 1, report
    assert code == 0, (out, err)


def test_dockerfiles_named_by_a_convention_are_found_by_content(tmp_path, monkeypatch):
    _tree(tmp_path, {
        "docker/dockerfile-api": "FROM alpine\nUSER 1000\n",
        "docker/web.dockerfile-prod": "ARG V=3.20\nFROM alpine:${V}\nUSER 1000\n",
        "docker/dockerfile-notes": "Remember to pin the base images.\n",
    })
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--isolated", "--format", "json", "--select", "DL3006"])
    report = json.loads(out)
    assert report["summary"]["files"] == 2
    assert [(f["path"], f["code"], f["line"]) for f in report["findings"]] == [("docker/dockerfile-api", "DL3006", 1)]
    assert code == 1


def test_a_walk_that_recognises_nothing_says_so(tmp_path, monkeypatch):
    _tree(tmp_path, {"README.md": "hello\n", "ci/.gitlab-ci.yml": "stages: [test]\n"})
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--isolated"])
    assert code == 0 and out == ""
    assert "No files to lint" in err  # (a Helm chart in the tree is rendered and linted: tests/test_helm.py)


def test_select_of_an_off_by_default_rule_reports_at_its_documented_severity(tmp_path):
    path = _tree(tmp_path, {"Dockerfile": DOCKERFILE}) / "Dockerfile"
    code, out, _ = run_cli(["check", "--isolated", "--no-source", "--select", "DL3057", str(path)])
    assert "DL3057 [info]" in out and code == 1
    _, page, _ = run_cli(["rule", "DL3057"])
    assert "Default severity: **info** (off by default" in page


def test_output_file_in_a_missing_directory_is_a_usage_error(tmp_path):
    path = _tree(tmp_path, {"Dockerfile": DOCKERFILE}) / "Dockerfile"
    code, out, err = run_cli(["check", "--isolated", str(path), "-o", str(tmp_path / "missing" / "x.json")])
    assert code == 2
    assert "cannot write the report" in err and "Traceback" not in err


def test_stdin_filename_without_paths_reads_stdin(tmp_path, monkeypatch):
    _tree(tmp_path, {"Dockerfile": "FROM debian\n"})  # must not be linted: stdin is the input
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--isolated", "--no-source", "--select", "DL3025", "--stdin-filename", "Dockerfile"],
                           stdin="FROM alpine:3.22\nCMD run\n")
    assert out.splitlines()[0].startswith("Dockerfile:2:5: DL3025")
    assert code == 1


def test_rule_accepts_any_alias():
    for alias, code in (("CKV_DOCKER_3", "DF001"), ("AVD-DS-0002", "DF001"), ("DS017", "DF207"), ("CKV_K8S_41", "KS079")):
        status, out, _ = run_cli(["rule", alias])
        assert status == 0 and f"# {code} " in out, (alias, out[:200])
    status, _, err = run_cli(["rule", "NOPE_1"])
    assert status == 2 and "unknown rule" in err


def test_summary_lines(tmp_path):
    files = _tree(tmp_path, {
        "clean/Dockerfile": DOCKERFILE,
        "bad/Dockerfile": "FROM alpine:3.22\nRUN apt-get install curl\nUSER 1000\n",
        "broken/Dockerfile": "FROM alpine:3.22\nRUN <<EOF\n",
    })
    code, out, _ = run_cli(["check", "--isolated", str(files / "clean" / "Dockerfile")])
    assert (code, out) == (0, "All checks passed!\n")
    code, out, _ = run_cli(["check", "--isolated", "--select", "DL3014,DL3015",
                            str(files / "clean" / "Dockerfile"), str(files / "bad" / "Dockerfile"), str(files / "broken" / "Dockerfile")])
    assert code == 1
    lines = out.splitlines()
    assert lines[-2] == "Found 2 problems in 1 of 3 files linted; 1 file could not be parsed."
    assert lines[-1] == "1 fixable with `dockerlint fix` (1 more with `--unsafe-fixes`)."
    code, out, _ = run_cli(["check", "--isolated", str(files / "broken" / "Dockerfile")])
    assert code == 1 and out.splitlines()[-1] == "Found 0 problems; 1 file could not be parsed."


def test_check_fix_says_how_many_it_fixed(tmp_path):
    path = _tree(tmp_path, {"Dockerfile": "FROM alpine:3.22\nRUN apt-get install curl=8.9.1-r2\nUSER 1000\n"}) / "Dockerfile"
    code, out, err = run_cli(["check", "--isolated", "--select", "DL3014", "--fix", str(path)])
    assert "Fixed 1 problem in 1 file." in err
    assert path.read_text() == "FROM alpine:3.22\nRUN apt-get install -y curl=8.9.1-r2\nUSER 1000\n"


def test_fix_note_lines_align_with_two_digit_line_numbers(tmp_path):
    text = "FROM alpine:3.22\n" + "".join(f"LABEL l{i}=x\n" for i in range(9)) + "RUN apt-get install curl=1\nUSER 1000\n"
    path = _tree(tmp_path, {"Dockerfile": text}) / "Dockerfile"
    _, out, _ = run_cli(["check", "--isolated", "--select", "DL3014", str(path)])
    lines = out.splitlines()
    gutter = next(line for line in lines if line.startswith("11 |"))
    note = next(line for line in lines if "= fix available" in line)
    assert note.index("=") == gutter.index("|"), out
