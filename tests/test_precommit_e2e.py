"""The pre-commit hooks, run by the real pre-commit against this checkout.

The hook repository is a snapshot of the working tree (tracked and untracked, not ignored):
`pre-commit try-repo` on a dirty checkout only carries tracked changes, and a test must
exercise the code it sits beside. pre-commit installs dockerlint from it into its own
virtualenv, which needs PyPI (or the configured index) for the dependencies.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli

CHECKOUT = Path(__file__).resolve().parents[1]

DOCKERFILE = "FROM debian:12\nMAINTAINER Jane Doe <jane@example.com>\n"
FIXED_DOCKERFILE = 'FROM debian:12\nLABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"\n'
MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:latest
"""
WORKFLOW = "name: ci\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - run: echo ok\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _hooks() -> list[dict]:
    import yaml

    return yaml.safe_load((CHECKOUT / ".pre-commit-hooks.yaml").read_text())


def test_hook_files_pattern_covers_names_identify_misses():
    for hook in _hooks():
        files = re.compile(hook["files"])
        exclude = re.compile(hook["exclude"])
        picked = {
            name
            for name in (
                "Dockerfile", "docker/Dockerfile.dev", "app.dockerfile", "build.Dockerfile",
                "Containerfile", "Containerfile.prod", "img.containerfile", "k8s/deploy.yaml",
                "compose.yml", "Dockerfile.dockerignore", "README.md", "src/dockerfile_utils.py",
                "docker/dockerfile-api", "web.dockerfile-prod", "docs/Dockerfile.md", "dockerfile.json",
                "pkg/dockerfile.go", "dockerfile.py",
            )
            if files.search(name) and not exclude.search(name)
        }
        dockerfiles = {
            "Dockerfile", "docker/Dockerfile.dev", "app.dockerfile", "build.Dockerfile",
            "Containerfile", "Containerfile.prod", "img.containerfile",
        }
        if hook["id"] == "dockerlint-format":  # the formatter lays out Dockerfiles only
            assert picked == dockerfiles | {"docker/dockerfile-api", "web.dockerfile-prod"}, hook["id"]
            continue
        # Python files go through too: cdk8s/Pulumi/CDK programs are linted, other Python is
        # skipped quietly (test below).
        assert picked == {
            "Dockerfile", "docker/Dockerfile.dev", "app.dockerfile", "build.Dockerfile",
            "Containerfile", "Containerfile.prod", "img.containerfile", "k8s/deploy.yaml", "compose.yml",
            "src/dockerfile_utils.py", "docker/dockerfile-api", "web.dockerfile-prod", "dockerfile.py",
        }, hook["id"]
        # every excluded extension is one the name detection leaves to the content too
        from dockerlint.parse.detect import OTHER_LANGUAGE_EXTENSIONS

        listed = re.search(r"\[\.\]\(([a-z|0-9]+)\)\)\$$", hook["exclude"]).group(1).split("|")
        assert set(listed) <= OTHER_LANGUAGE_EXTENSIONS
        assert hook["language"] == "python"


def test_plain_python_named_explicitly_is_skipped_quietly(tmp_path):
    script = tmp_path / "dockerfile_utils.py"
    script.write_text("import os\nprint(os.getcwd())\n")
    proc = subprocess.run(
        [sys.executable, "-m", "dockerlint", "check", "--isolated", str(script)],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_unrelated_yaml_named_explicitly_is_skipped_quietly(tmp_path):
    ci = tmp_path / ".github" / "workflows" / "ci.yml"
    ci.parent.mkdir(parents=True)
    ci.write_text(WORKFLOW)
    values = tmp_path / "values.yaml"
    values.write_text("replicaCount: 2\nimage:\n  repository: nginx\n")
    for command in (["check"], ["fix", "--exit-non-zero-on-fix"]):
        code, out, err = run_cli([*command, str(ci), str(values), "--isolated"])
        assert code == 0
        assert "ci.yml" not in out + err and "values.yaml" not in out + err


# ---- the real pre-commit ------------------------------------------------------------------------

def _git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    ).stdout


def _snapshot_checkout(dest: Path) -> Path:
    """A committed git repo holding the checkout's working tree."""
    dest.mkdir()
    if (CHECKOUT / ".git").exists():
        listed = _git("ls-files", "-z", "--cached", "--others", "--exclude-standard", cwd=CHECKOUT)
        names = [n for n in listed.split("\0") if n]
    else:  # an unpacked source tree
        names = [str(p.relative_to(CHECKOUT)) for p in CHECKOUT.rglob("*") if p.is_file()]
    for name in names:
        source = CHECKOUT / name
        if not source.is_file() or "__pycache__" in source.parts or ".egg-info" in name:
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _git("init", "-q", cwd=dest)
    _git("add", "-A", cwd=dest)
    _git("commit", "-q", "-m", "snapshot", cwd=dest)
    return dest


@pytest.fixture(scope="module")
def precommit(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    try:
        subprocess.run([sys.executable, "-m", "pre_commit", "--version"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, FileNotFoundError):
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    base = tmp_path_factory.mktemp("precommit")
    hook_repo = _snapshot_checkout(base / "hooks")
    env = {**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1", "TERM": "dumb"}
    env.pop("PRE_COMMIT", None)

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", *args, "--color", "never"],
            cwd=cwd, env=env, capture_output=True, text=True, timeout=900,
        )

    return base, hook_repo, run


def _work_repo(path: Path) -> Path:
    path.mkdir()
    files = {
        ".dockerlint.toml": 'select = ["DL4000", "KS001"]\n',
        "Dockerfile": DOCKERFILE,
        "deploy/app.containerfile": DOCKERFILE,
        "k8s/deploy.yaml": MANIFEST,
        ".github/workflows/ci.yml": WORKFLOW,
    }
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text)
    _git("init", "-q", cwd=path)
    _git("add", "-A", cwd=path)
    return path


def test_precommit_hooks_end_to_end(precommit):
    base, hook_repo, run = precommit
    work = _work_repo(base / "work")

    # try-repo: the hooks as a user tries them before adding them to a config.
    checked = run("try-repo", str(hook_repo), "dockerlint", "--all-files", "--verbose", cwd=work)
    output = checked.stdout + checked.stderr
    assert checked.returncode == 1, output
    assert "DL4000" in output and "KS001" in output
    assert "app.containerfile" in output  # a name identify has no tag for
    assert "ci.yml" not in output and "skipped" not in output

    # The fix hook from a config, so both of its runs share one installed environment.
    rev = _git("rev-parse", "HEAD", cwd=hook_repo).strip()
    (work / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook_repo}\n  rev: {rev}\n  hooks:\n  - id: dockerlint-fix\n"
    )
    _git("add", "-A", cwd=work)
    first = run("run", "dockerlint-fix", "--all-files", cwd=work)
    assert first.returncode == 1, first.stdout + first.stderr
    assert "files were modified by this hook" in first.stdout
    assert (work / "Dockerfile").read_text() == FIXED_DOCKERFILE
    assert (work / "deploy/app.containerfile").read_text() == FIXED_DOCKERFILE
    assert (work / "k8s/deploy.yaml").read_text() == MANIFEST  # KS001 has no fix
    assert (work / ".github/workflows/ci.yml").read_text() == WORKFLOW

    _git("add", "-A", cwd=work)
    second = run("run", "dockerlint-fix", "--all-files", cwd=work)
    assert second.returncode == 0, second.stdout + second.stderr
