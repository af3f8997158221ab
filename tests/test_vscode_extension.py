"""The VS Code extension (editors/vscode): its version follows the project's, the .vsix builds
with one command, and — in a real VS Code (code-server: VS Code's own server and workbench),
driven by headless Chromium — it shows dockerlint's diagnostics in the Problems view, applies a
quick fix and "Fix all", and opens a rule's documentation.

The real-editor test needs what editors/vscode/scripts/ci-setup.sh installs (Debian's chromium,
code-server and playwright-core from npm); .ci/run runs it. Without those it skips, saying
which is missing. Screenshots go to build/test-output/vscode-e2e/.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "editors" / "vscode"
BUILT = ROOT / "build" / "vscode-extension"  # where scripts/package.sh compiles
E2E = ROOT / "build" / "vscode-e2e"  # where scripts/ci-setup.sh installs code-server
CODE_SERVER = E2E / "node_modules" / "code-server" / "out" / "node" / "entry.js"
OUTPUT = ROOT / "build" / "test-output" / "vscode-e2e"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")

BAD_DOCKERFILE = "FROM debian:latest\nRUN apt-get update && apt-get install curl\n"
BAD_MANIFEST = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: web
      image: nginx:latest
      securityContext:
        privileged: true
"""


def project_version() -> str:
    text = (ROOT / "pyproject.toml").read_text()
    return re.search(r'^version\s*=\s*"([^"]+)"', text, re.M).group(1)


def test_extension_version_follows_the_project():
    manifest = json.loads((EXT / "package.json").read_text())
    assert manifest["version"] == project_version()
    lock = json.loads((EXT / "package-lock.json").read_text())
    assert lock["version"] == project_version()


def test_extension_settings_mirror_the_servers():
    """What the extension declares under `dockerlint.` and passes on through
    workspace/configuration is what the server reads (dockerlint/lsp/config.py)."""
    props = json.loads((EXT / "package.json").read_text())["contributes"]["configuration"]["properties"]
    server_side = {"dockerlint.select", "dockerlint.ignore", "dockerlint.unsafeFixes", "dockerlint.baselineFindings"}
    assert server_side <= set(props)
    assert props["dockerlint.select"]["type"] == props["dockerlint.ignore"]["type"] == "array"
    assert props["dockerlint.unsafeFixes"]["type"] == "boolean"
    from dockerlint.lsp.config import WorkspaceSettings

    # What VS Code answers workspace/configuration for the section "dockerlint" with: every
    # dockerlint.* setting, dotted names nested. The defaults must mean "as the config says".
    section: dict = {}
    for name, spec in props.items():
        *parents, leaf = name.split(".")[1:]
        node = section
        for parent in parents:
            node = node.setdefault(parent, {})
        node[leaf] = spec["default"]
    settings, problems = WorkspaceSettings.from_client(section)
    assert problems == []
    assert settings == WorkspaceSettings(select=None, ignore=[], unsafe_fixes=False, baseline_findings="hidden")
    settings, problems = WorkspaceSettings.from_client({**section, "ignore": ["DL3008"], "unsafeFixes": True})
    assert (settings.ignore, settings.unsafe_fixes, problems) == (["DL3008"], True, [])


def _node_tools() -> str | None:
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} not installed" if missing else None


@pytest.fixture(scope="module")
def vsix() -> Path:
    """editors/vscode/scripts/package.sh, the one command that builds the .vsix."""
    if why := _node_tools():
        pytest.skip(f"building the .vsix needs Node.js and npm: {why}")
    run = subprocess.run(
        ["bash", str(EXT / "scripts" / "package.sh")], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    path = EXT / "dist" / f"dockerlint-{project_version()}.vsix"
    assert path.is_file(), run.stdout[-2000:]
    return path


def test_vsix_contents(vsix: Path):
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        manifest = json.loads(z.read("extension/package.json"))
        vsixmanifest = z.read("extension.vsixmanifest").decode()
    assert manifest["version"] == project_version()
    assert f'Version="{project_version()}"' in vsixmanifest
    assert {"extension/out/extension.js", "extension/out/findServer.js", "extension/readme.md",
            "extension/changelog.md"} <= names
    assert "extension/node_modules/vscode-languageclient/package.json" in names
    # Sources, the test rig and dev dependencies stay out of the package.
    assert not [n for n in names if n.startswith(("extension/src/", "extension/e2e/", "extension/node_modules/typescript/",
                                                   "extension/node_modules/@vscode/vsce/"))]
    commands = {c["command"] for c in manifest["contributes"]["commands"]}
    assert {"dockerlint.fixAll", "dockerlint.format", "dockerlint.showRuleDocumentation", "dockerlint.restart"} <= commands


def test_find_server_order_and_misses(vsix: Path, tmp_path: Path):
    """The compiled lookup (out/findServer.js): dockerlint.path, then the interpreter's
    environment, then PATH; a wrong setting is reported, not silently replaced."""
    def exe(path: Path) -> str:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return str(path)

    explicit = exe(tmp_path / "tools" / "dockerlint")
    venv_python = tmp_path / "venv" / "bin" / "python"
    exe(venv_python)
    in_venv = exe(tmp_path / "venv" / "bin" / "dockerlint")
    on_path = exe(tmp_path / "path" / "dockerlint")
    (tmp_path / "noexec").mkdir()
    (tmp_path / "noexec" / "dockerlint").write_text("not executable")
    cases = [
        {"setting": "${workspaceFolder}/tools/dockerlint", "interpreter": str(venv_python), "workspaceFolder": str(tmp_path),
         "envPath": str(tmp_path / "path")},
        {"setting": "", "interpreter": str(venv_python), "envPath": str(tmp_path / "path")},
        {"setting": "", "interpreter": str(tmp_path / "elsewhere" / "python"),
         "envPath": os.pathsep.join([str(tmp_path / "noexec"), str(tmp_path / "path")])},
        {"setting": "", "envPath": str(tmp_path / "noexec")},
        {"setting": "tools/missing", "workspaceFolder": str(tmp_path), "envPath": str(tmp_path / "path")},
    ]
    script = (
        "const {findServer} = require(process.argv[1]);"
        "console.log(JSON.stringify(JSON.parse(process.argv[2]).map(findServer)));"
    )
    out = subprocess.run(["node", "-e", script, str(BUILT / "out" / "findServer.js"), json.dumps(cases)],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    found = json.loads(out)
    assert found[0] == {"command": explicit, "source": "setting"}
    assert found[1] == {"command": in_venv, "source": "interpreter"}
    assert found[2] == {"command": on_path, "source": "PATH"}
    assert found[3] == {"tried": ["PATH"]}
    assert found[4] == {"tried": [str(tmp_path / "tools" / "missing")], "badSetting": str(tmp_path / "tools" / "missing")}


def _e2e_missing() -> list[str]:
    missing = []
    if why := _node_tools():
        missing.append(why)
    if not Path(CHROMIUM).exists():
        missing.append(f"{CHROMIUM} not found (apt-get install chromium)")
    if not CODE_SERVER.is_file():
        missing.append(f"code-server not installed in {E2E.relative_to(ROOT)}")
    if not (E2E / "node_modules" / "playwright-core").is_dir():
        missing.append(f"playwright-core not installed in {E2E.relative_to(ROOT)}")
    return missing


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def code_server(vsix: Path, tmp_path: Path):
    """A real VS Code: code-server on loopback, auth none, no telemetry or update checks, with
    only the .vsix under test installed and settings that point it at this venv's Python."""
    if missing := _e2e_missing():
        pytest.skip("the real-editor test needs what editors/vscode/scripts/ci-setup.sh installs: " + "; ".join(missing))
    home, user_data, extensions = tmp_path / "home", tmp_path / "user-data", tmp_path / "extensions"
    for d in (home, user_data / "User", extensions):
        d.mkdir(parents=True)
    env = {
        "PATH": "/usr/bin:/bin",  # no dockerlint here: the extension must find it by the interpreter
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": "C.UTF-8",
        # No marketplace: nothing to reach, nothing else to install.
        "EXTENSIONS_GALLERY": "{}",
    }
    port = _free_port()
    config = tmp_path / "code-server.yaml"
    config.write_text(f"bind-addr: 127.0.0.1:{port}\nauth: none\ncert: false\n")
    common = [sys_node(), str(CODE_SERVER), "--config", str(config), "--user-data-dir", str(user_data),
              "--extensions-dir", str(extensions)]
    install = subprocess.run(common + ["--install-extension", str(vsix)], env=env, capture_output=True, text=True, timeout=120)
    assert install.returncode == 0 and "successfully installed" in install.stdout, install.stdout + install.stderr
    (user_data / "User" / "settings.json").write_text(json.dumps({
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "extensions.autoUpdate": False,
        "extensions.autoCheckUpdates": False,
        "extensions.ignoreRecommendations": True,
        "workbench.enableExperiments": False,
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": False,
        "workbench.editor.enablePreview": False,
        "workbench.welcomePage.walkthroughs.openOnInstall": False,
        "security.workspace.trust.enabled": False,
        "chat.commandCenter.enabled": False,
        # The selected interpreter's environment is where the extension finds `dockerlint`.
        "python.defaultInterpreterPath": sys.executable,
        # One restart after a crash, so that the test sees both the restart and the bound.
        "dockerlint.server.maxRestarts": 1,
        # Passed to the server as workspace configuration: DL3008 must not show up.
        "dockerlint.ignore": ["DL3008"],
    }, indent=1))
    log = open(tmp_path / "code-server.log", "w")
    proc = subprocess.Popen(
        common + ["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                  "--disable-getting-started-override", "--ignore-last-opened"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).read()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("code-server did not start:\n" + (tmp_path / "code-server.log").read_text()[-3000:])
                time.sleep(0.3)
        yield url, proc.pid
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def sys_node() -> str:
    return shutil.which("node") or "node"


def test_real_vscode_diagnostics_quick_fix_fix_all_rule_docs_and_restarts(code_server, tmp_path: Path):
    url, pgid = code_server
    if Path(sys.executable).parent.joinpath("dockerlint").is_file() is False:
        pytest.skip(f"dockerlint is not installed next to {sys.executable} (pip install -e .)")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    (workspace / "Dockerfile").write_text(BAD_DOCKERFILE)
    (workspace / "pod.yaml").write_text(BAD_MANIFEST)
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    # The driver runs beside the node_modules it imports (playwright-core).
    shutil.copy2(EXT / "e2e" / "drive.mjs", E2E / "drive.mjs")
    run = subprocess.run(
        [sys_node(), str(E2E / "drive.mjs"), url, str(workspace), str(OUTPUT)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "CHROMIUM": CHROMIUM, "CODE_SERVER_PGID": str(pgid)},
    )
    lines = run.stdout.strip().splitlines()
    assert lines, f"drive.mjs printed nothing (exit {run.returncode}):\n{run.stderr[-3000:]}"
    result = json.loads(lines[-1])
    (OUTPUT / "result.json").write_text(json.dumps(result, indent=1))
    assert result["ok"], f"{result.get('error')}\nsteps: {[s['name'] for s in result['steps']]}\n" \
                         f"screenshot: {result.get('failureScreenshot')}\n{run.stderr[-2000:]}"

    # Diagnostics from both files reached VS Code's Problems view, attributed to dockerlint.
    problems = result["problems"]
    for code in ("DL3014", "DL3007", "DL3009", "KS003", "KS001"):
        assert code in problems, problems
    assert "dockerlint" in problems
    assert "container \"web\" runs privileged" in problems
    assert "DL3008" not in problems  # dockerlint.ignore, from the user's settings

    # The quick fix the menu offered, applied, reached the file on disk; then "Fix all".
    assert "Fix DL3014: Add -y to `apt-get install`" in result["quickFixMenu"]
    assert "(unsafe) Fix DL3015" in result["quickFixMenu"]
    # (drive.mjs read these from disk; the line it types later may be saved too.)
    assert (workspace / "Dockerfile").read_text().startswith(result["afterFixAll"])
    assert result["afterQuickFix"] == "FROM debian:latest\nRUN apt-get update && apt-get install -y curl\n"
    assert result["afterFixAll"] == (
        "FROM debian:latest\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
    )
    # Fixed problems left the Problems view; the others stayed.
    final = result["finalProblems"]
    assert "DL3014" not in final and "DL3009" not in final and "DL3007" in final and "KS003" in final, final

    # Rule documentation for the diagnostic under the cursor, chosen among those there.
    assert {"DF001", "DL3007"} <= set(result["ruleChoices"].split()), result["ruleChoices"]
    assert "DL3007" in result["ruleDocTab"]

    # A crashed server is restarted once (maxRestarts 1), and the new one lints edits; the
    # second crash within 3 minutes is not, and the error's "Restart" brings it back.
    first, second = next(s for s in result["steps"] if s["name"] == "server restarted after a crash")["first"], \
        next(s for s in result["steps"] if s["name"] == "server restarted after a crash")["second"]
    assert first != second
    assert "DL3014" in result["problemsAfterRestart"]
    assert "stopped 2 times in 3 minutes and was not restarted" in result["crashNotice"], result["crashNotice"]
    assert result["serversAfterGivingUp"] == 0
    assert result["third"] not in (first, second)
    assert "DL3014" in result["problemsAfterManualRestart"] and "KS003" in result["problemsAfterManualRestart"]

    # A dockerlint.path that is no executable: said plainly, no server, "Open Setting" works.
    assert 'dockerlint.path is set to "/nonexistent/bin/dockerlint", which is not an executable file' in result["missingNotice"]
    assert "Open Setting" in result["missingNotice"]
    assert result["serversWithBadPath"] == 0
    assert "Dockerlint: Path" in result["settingShown"], result["settingShown"]

    shot = Path(result["screenshot"])
    assert shot.is_file() and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000
