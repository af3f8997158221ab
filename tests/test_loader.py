"""One loader for every front end: a file that cannot be read or parsed is a per-file error
with a position, in `check`, `fix`, `ast`, `pin`, `suggest` and the language server alike —
never a traceback. Run as a user would: a real `dockerlint` process."""
from __future__ import annotations

import subprocess
import sys

import pytest

from dockerlint.kinds import plugin
from dockerlint.loader import Loaded, load_path, load_text
from dockerlint.model import FileError, FileKind

BROKEN = {
    # name: (content, kind, the line the parse error is on)
    "Dockerfile": (b"FROM alpine\nRUN <<EOF\necho hi\n", FileKind.DOCKERFILE, 2),
    "deploy.yaml": (b"apiVersion: v1\nkind: Pod\nmetadata: {name: [\n", FileKind.KUBERNETES, 4),
    "compose.yaml": (b"services:\n  web:\n    image: 'nginx\n", FileKind.COMPOSE, None),
    "app.py": (b"from cdk8s import App, Chart\napp = App(\nchart = Chart(app, 'x'\n", FileKind.PYTHON, None),
}


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dockerlint", *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_load_text_parses_with_the_kinds_plugin():
    loaded = load_text("FROM alpine:3.20\nUSER 1000\n", "Dockerfile")
    assert isinstance(loaded, Loaded) and loaded.kind is FileKind.DOCKERFILE
    assert [i.keyword for i in loaded.model.instructions] == ["FROM", "USER"]
    assert load_text("just: some yaml\n", "values.yaml") is None


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_parse_errors_are_file_errors_with_a_position(tmp_path, name):
    data, kind, line = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(data)
    error = load_path(str(path))
    assert isinstance(error, FileError), error
    assert error.code == "E002" and error.kind is kind
    assert error.message.startswith("parse error: ")
    assert error.line is not None
    if line is not None:
        assert error.line == line


def test_unreadable_and_binary_files_are_file_errors(tmp_path):
    (tmp_path / "Dockerfile").write_bytes(b"FROM a\x00\x01")
    error = load_path(str(tmp_path / "Dockerfile"))
    assert isinstance(error, FileError) and error.code == "E001" and "binary" in error.message
    missing = load_path(str(tmp_path / "nope" / "Dockerfile"))
    assert isinstance(missing, FileError) and "no such file" in missing.message


@pytest.mark.parametrize("name", sorted(BROKEN))
@pytest.mark.parametrize("command", [["check"], ["fix"], ["ast"], ["pin", "--dry-run"], ["suggest", "multistage"]])
def test_every_front_end_reports_a_broken_file_without_a_traceback(tmp_path, name, command):
    if command[0] == "suggest" and BROKEN[name][1] is not FileKind.DOCKERFILE:
        pytest.skip("suggest multistage reads Dockerfiles only")
    if command[0] == "pin" and BROKEN[name][1] is FileKind.PYTHON:
        pytest.skip("pin edits Dockerfiles, manifests and Compose files")
    path = tmp_path / name
    path.write_bytes(BROKEN[name][0])
    proc = run(*command, str(path))
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode in (1, 2), (proc.returncode, proc.stderr)
    assert "parse error" in proc.stdout + proc.stderr
    assert path.read_bytes() == BROKEN[name][0]  # nothing written


@pytest.mark.parametrize("command", [["check"], ["fix"], ["ast"], ["pin", "--dry-run"], ["suggest", "multistage"]])
def test_every_front_end_reports_an_unreadable_file_with_exit_2(tmp_path, command):
    path = tmp_path / "Dockerfile"
    path.write_bytes(b"\xff\xfeF\x00R\x00O\x00M\x00\x00\xd8")  # UTF-16 with a lone surrogate
    proc = run(*command, str(path))
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "UTF-16" in proc.stdout + proc.stderr


def test_python_syntax_error_in_ast_is_reported_not_raised(tmp_path):
    path = tmp_path / "broken.py"
    path.write_text("import cdk8s\nx = (\n")
    proc = run("ast", str(path))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert f"{path}:" in proc.stderr and "parse error" in proc.stderr


def test_kinds_say_which_rules_run_and_how_many_documents_a_fix_keeps():
    assert plugin(FileKind.PYTHON).rule_kinds == {FileKind.KUBERNETES, FileKind.PYTHON}
    assert plugin(FileKind.DOCKERFILE).rule_kinds == {FileKind.DOCKERFILE}
    loaded = load_text("apiVersion: v1\nkind: Pod\n---\napiVersion: v1\nkind: Service\n", "a.yaml")
    assert loaded.plugin.document_count(loaded.model) == 2
    dockerfile = load_text("FROM a\n", "Dockerfile")
    assert dockerfile.plugin.document_count(dockerfile.model) is None


def test_engine_and_fix_engine_never_branch_on_a_kind():
    """The kinds are plug-ins: `FileKind.<X>` may appear in the engine only through them."""
    import inspect

    import dockerlint.engine
    import dockerlint.fix

    for module in (dockerlint.engine, dockerlint.fix):
        source = inspect.getsource(module)
        for kind in FileKind:
            assert f"FileKind.{kind.name}" not in source, (module.__name__, kind)


def test_library_code_never_imports_the_cli():
    import pathlib
    import re

    imports_cli = re.compile(r"^\s*(?:from dockerlint\.cli\b|import dockerlint\.cli\b|from dockerlint import .*\bcli\b)", re.M)
    root = pathlib.Path(__file__).resolve().parents[1]
    offenders = []
    for directory in ("dockerlint", "rules", "fixers"):
        for path in (root / directory).rglob("*.py"):
            if "cli" in path.relative_to(root).parts[:2] or path.name == "__main__.py":
                continue
            text = path.read_text(encoding="utf-8")
            if imports_cli.search(text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_no_rule_code_tables_outside_the_rules():
    """Rule-specific behaviour lives in the rule: no string literal naming a rule code in the
    library code around the rules (docstrings and comments may mention them)."""
    import ast
    import pathlib
    import re

    code = re.compile(r"^(?:DL|DF|KS|DC|EC)\d{3,4}$")  # SC codes: the ShellCheck provider is their rule table
    root = pathlib.Path(__file__).resolve().parents[1] / "dockerlint"
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                if code.match(node.value.strip()):
                    offenders.append(f"{path.relative_to(root)}:{node.lineno}: {node.value}")
    assert offenders == []
