"""The Action, the GitLab job and the docs install and run what they say (issue 17)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
# `pip install dockerlint` (a bare name from a package index, where dockerlint is not published)
BARE_INSTALL = re.compile(r"pip[x]? install[^\n`\"';&|]*?(?<![/\w.-])dockerlint(?![\w./-])(?!-checkout)")


def _action() -> dict:
    return yaml.safe_load((REPO / "action.yml").read_text())


def test_nothing_installs_dockerlint_by_bare_name():
    for rel in ("action.yml", "ci/dockerlint.gitlab-ci.yml", "docs/ci.md", "docs/editors.md", "README.md"):
        text = (REPO / rel).read_text()
        # (the warning against it, "a bare `pip install dockerlint`", is not an install)
        hits = [m.group(0) for m in BARE_INSTALL.finditer(text) if not text[: m.start()].endswith("bare `")]
        assert not hits, f"{rel}: {hits}"


def test_action_installs_its_own_checkout():
    steps = _action()["runs"]["steps"]
    install = next(s for s in steps if "pip install" in s.get("run", ""))
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert '"$ACTION_PATH"' in install["run"]
    assert "version" not in _action()["inputs"]  # the version is the action ref


def test_a_failing_review_does_not_stop_the_sarif_upload(tmp_path):
    """Run the review step's script with a `dockerlint` that fails as on a fork (HTTP 403)."""
    steps = _action()["runs"]["steps"]
    review = next(s for s in steps if "dockerlint review" in s.get("run", ""))
    assert "continue-on-error" not in review or review["continue-on-error"] in (True, "true")
    fake = tmp_path / "bin" / "dockerlint"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'HTTP 403' >&2\nexit 2\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ['PATH']}", "DOCKERLINT_ARGS": "", "DOCKERLINT_PATHS": "."}
    proc = subprocess.run(["bash", "-e", "-c", review["run"]], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc
    assert "::warning" in proc.stdout
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert "review" not in str(upload.get("if", ""))


def test_permissions_are_documented():
    for rel in ("action.yml", "docs/ci.md"):
        text = (REPO / rel).read_text()
        for permission in ("contents: read", "pull-requests: write", "security-events: write", "actions: read"):
            assert permission in text, f"{rel} does not document {permission}"


def test_gitlab_job_installs_from_the_repository_archive():
    job = yaml.safe_load((REPO / "ci" / "dockerlint.gitlab-ci.yml").read_text())["dockerlint"]
    assert job["variables"]["DOCKERLINT_PIP_SPEC"].endswith(".tar.gz")
    assert '"$DOCKERLINT_PIP_SPEC"' in job["script"][0]
    docs = (REPO / "docs" / "ci.md").read_text()
    assert (REPO / "ci" / "dockerlint.gitlab-ci.yml").read_text() in docs, "docs/ci.md's copy of the GitLab job is stale"


def test_editors_doc_has_no_pipx_inject():
    assert "pipx inject" not in (REPO / "docs" / "editors.md").read_text()


def test_the_neovim_07_snippet_of_the_docs_gets_diagnostics(tmp_path):
    """The snippet for Neovim 0.7-0.10 in docs/editors.md, run as written in the Neovim found
    here (Debian 12's 0.7.2 in CI), with `dockerlint` on PATH."""
    nvim = shutil.which("nvim")
    if nvim is None:
        pytest.skip("nvim is not installed (apt-get install neovim)")
    doc = (REPO / "docs" / "editors.md").read_text()
    snippet = next(block for block in re.findall(r"```lua\n(.*?)```", doc, re.S) if "start_client" in block)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "dockerlint"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -m dockerlint \"$@\"\n")
    wrapper.chmod(0o755)
    (tmp_path / "Dockerfile").write_text("FROM debian\nRUN apt-get install curl\n")
    out = tmp_path / "result.json"
    init = tmp_path / "init.lua"
    init.write_text('vim.cmd("filetype on")\n' + snippet + textwrap.dedent(f"""
        vim.api.nvim_create_autocmd("VimEnter", {{
          callback = function()
            local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) > 0 end, 50)
            vim.wait(3000, function() return false end, 50)  -- settings may re-publish
            local codes = {{}}
            for _, d in ipairs(vim.diagnostic.get(0)) do table.insert(codes, d.code) end
            local f = io.open({json.dumps(str(out))}, "w")
            f:write(vim.fn.json_encode({{ ok = ok, codes = codes }}))
            f:close()
            vim.cmd("qa!")
          end,
        }})
    """))
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "PYTHONPATH": str(REPO),
           "XDG_STATE_HOME": str(tmp_path / "state"), "XDG_DATA_HOME": str(tmp_path / "data")}
    subprocess.run([nvim, "--headless", "-n", "-i", "NONE", "-u", str(init), "Dockerfile"],
                   cwd=tmp_path, env=env, timeout=60, capture_output=True, check=False)
    result = json.loads(out.read_text())
    assert result["ok"], result
    assert "DL3006" in result["codes"] and "DL3008" not in result["codes"]  # the snippet's ignore applies
