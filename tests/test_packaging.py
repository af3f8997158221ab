"""The built wheel holds only dockerlint/**: rules and fixers are mapped in, nothing else leaks."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contents(tmp_path):
    pytest.importorskip("build")
    # Build from a copy: setuptools writes build/ inside the source tree, and another build
    # (or a stale build/ from an older layout) must not leak into this wheel.
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".venv", "*.so"))
    proc = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(tmp_path), str(source)],
        capture_output=True, text=True, cwd=tmp_path,  # not the checkout: its build/ dir would shadow `build`
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    wheel = next(tmp_path.glob("dockerlint-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names}
    assert top <= {"dockerlint", f"dockerlint-{wheel.name.split('-')[1]}.dist-info"}, top
    assert "dockerlint/rules/dl3006_untagged_image.py" in names
    assert "dockerlint/fixers/__init__.py" in names
    assert "dockerlint/data/images.json" in names
    assert "dockerlint/data/eol.json" in names and "dockerlint/policies/loader.py" in names
    assert "dockerlint/format/document.py" in names  # an explicit package list must name every package
    if Path("/usr/include/yaml.h").is_file():  # the C YAML composer, built by the wheel's build (setup.py)
        assert any(n.startswith("dockerlint/parse/_yamlcompose.") and n.endswith(".so") for n in names), proc.stderr[-2000:]
    assert "dockerlint/parse/_yamlcompose.c" not in names  # its source is built, not installed
    assert not any(n.startswith("rules/") or n.startswith("tests/") for n in names)
