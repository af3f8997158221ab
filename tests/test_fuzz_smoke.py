"""A short, bounded run of every atheris target (fuzz/fuzz_*.py): a few thousand inputs or
about 10 seconds each, seeded from the shared corpus. Skipped without atheris
(`pip install -e '.[fuzz]'`). The long runs are bench/fuzz_long.py."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("atheris", reason="the fuzz targets need atheris: pip install -e '.[fuzz]'")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
from child_process import run_child  # noqa: E402
from fuzz_long import TARGETS, executed_units, fuzz_command  # noqa: E402

RUNS = 3000
SECONDS = 10


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seeds")
    subprocess.run([sys.executable, str(ROOT / "fuzz" / "build_seeds.py"), "--out", str(out), "--max", "25"],
                   check=True, cwd=ROOT, capture_output=True, timeout=300)
    return out


@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_target_briefly(target, seeds, tmp_path):
    corpus, artifacts = tmp_path / "corpus", tmp_path / "crashes"
    corpus.mkdir()
    artifacts.mkdir()
    command = fuzz_command(target, SECONDS, corpus, seeds / target, artifacts, runs=RUNS)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    # through run_child: libFuzzer's -rss_limit_mb reads the peak RSS, which a plain fork would
    # inherit from this test process
    proc = run_child(command, cwd=str(ROOT), timeout=SECONDS * 12 + 120, env=env)
    log = proc.out + proc.err
    crashes = sorted(p.name for p in artifacts.iterdir())
    assert proc.code == 0 and not crashes, (
        f"{target}: exit {proc.code}, saved {crashes}; reproduce with "
        f"`python fuzz/fuzz_{target}.py <file>`\n" + "\n".join(log.splitlines()[-40:])
    )
    iterations = executed_units(log)
    assert iterations > 0 or re.search(r"INITED", log), log[-2000:]
