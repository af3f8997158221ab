"""Compose fixes of DC002 (privileged), DC003 (unconfined security_opt) and DC004 (host
namespaces): CRLF files, neighbours' comments, several fixes in one service through the CLI,
and no fix where the offending value is shared with other services."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dockerlint.fix import fix_source
from dockerlint.model import Applicability
from helpers import lint, settings_for

ROOT = Path(__file__).resolve().parent.parent
CODES = ["DC002", "DC003", "DC004"]


def _text(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


def _fix(text: str, codes=CODES) -> str:
    outcome = fix_source(text, "compose.yaml", settings_for(codes), unsafe=True)
    assert outcome.converged
    return outcome.text


SERVICE = _text(
    """
    services:
      # the application
      app:
        image: example/app:1.0  # pinned by release
        network_mode: host
        ports:
          - "8080:8080"
        uts: "host"
        ipc: host
        security_opt:
          - seccomp:unconfined  # for strace
          - no-new-privileges:true
          - apparmor=unconfined
        restart: always  # keep running
      web:
        image: example/web:1.0
    """
)

SERVICE_FIXED = _text(
    """
    services:
      # the application
      app:
        image: example/app:1.0  # pinned by release
        ports:
          - "8080:8080"
        security_opt:
          - no-new-privileges:true
        restart: always  # keep running
      web:
        image: example/web:1.0
    """
)

# a host agent: privileged and in the host's PID and network namespaces on purpose
AGENT = _text(
    """
    services:
      agent:
        image: example/agent:1.0
        privileged: true
        network_mode: host
        pid: "host"
    """
)


@pytest.mark.parametrize(
    "code,before,after",
    [
        (
            "DC002",
            "services:\n  a:\n    image: x:1  # keep\n    privileged: true\n    restart: always  # too\n",
            "services:\n  a:\n    image: x:1  # keep\n    restart: always  # too\n",
        ),
        (
            "DC003",
            "services:\n  a:\n    image: x:1  # keep\n    security_opt:\n      - seccomp=unconfined\n"
            "      - no-new-privileges:true  # stays\n    restart: always\n",
            "services:\n  a:\n    image: x:1  # keep\n    security_opt:\n"
            "      - no-new-privileges:true  # stays\n    restart: always\n",
        ),
        (
            "DC003",
            "services:\n  a:\n    image: x:1  # keep\n    security_opt:\n      - apparmor:unconfined\n    restart: always\n",
            "services:\n  a:\n    image: x:1  # keep\n    restart: always\n",
        ),
        (
            "DC004",
            "services:\n  a:\n    image: x:1  # keep\n    network_mode: host\n    ports: [\"80:80\"]\n    restart: always  # too\n",
            "services:\n  a:\n    image: x:1  # keep\n    ports: [\"80:80\"]\n    restart: always  # too\n",
        ),
        (
            "DC004",  # the last line of a file without a final newline
            "services:\n  a:\n    image: x:1  # keep\n    pid: host",
            "services:\n  a:\n    image: x:1  # keep",
        ),
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_fix_keeps_newlines_and_neighbours(code, before, after, newline):
    before, after = before.replace("\n", newline), after.replace("\n", newline)
    assert _fix(before, [code]) == after


def test_fixes_are_unsafe():
    result = lint(SERVICE, CODES, filename="compose.yaml")
    assert {f.code for f in result.findings} == {"DC003", "DC004"}
    assert len(result.findings) == 5
    for f in result.findings:
        assert f.fix is not None and f.fix.applicability is Applicability.UNSAFE, f


def test_a_host_agent_keeps_its_privileges_and_namespaces():
    result = lint(AGENT, CODES, filename="compose.yaml")
    reasons = {(f.code, f.span.line): f.fix.description for f in result.findings}
    assert all(f.fix.applicability is Applicability.DISPLAY_ONLY for f in result.findings)
    assert "not applied because it sets pid: host" in reasons[("DC002", 4)]
    assert "not applied because it runs privileged" in reasons[("DC004", 5)]
    assert _fix(AGENT) == AGENT


def test_safe_fix_run_changes_nothing():
    outcome = fix_source(SERVICE, "compose.yaml", settings_for(CODES), unsafe=False)
    assert outcome.text == SERVICE


def test_several_fixes_in_one_service_compose():
    assert _fix(SERVICE) == SERVICE_FIXED
    assert _fix(SERVICE.replace("\n", "\r\n")) == SERVICE_FIXED.replace("\n", "\r\n")


def test_cli_fix_unsafe(tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_bytes(SERVICE.replace("\n", "\r\n").encode())
    proc = subprocess.run(
        [sys.executable, "-m", "dockerlint", "fix", "--isolated", "--unsafe-fixes", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr + proc.stdout
    assert path.read_bytes() == SERVICE_FIXED.replace("\n", "\r\n").encode()


def test_flow_service_several_fixes():
    text = 'services:\n  a: {image: "x:1", privileged: true, ipc: host, security_opt: [seccomp:unconfined]}\n'
    assert _fix(text) == 'services:\n  a: {image: "x:1"}\n'


def test_merged_in_values_get_no_fix():
    text = _text(
        """
        x-defaults: &defaults
          privileged: true
          pid: host
          security_opt:
            - seccomp:unconfined
        services:
          a:
            <<: *defaults
            image: x:1
          b:
            <<: *defaults
            image: y:1
        """
    )
    result = lint(text, CODES, filename="compose.yaml")
    assert result.findings and all(f.fix is None for f in result.findings)
    assert _fix(text) == text


def test_shared_security_opt_gets_no_fix():
    text = _text(
        """
        services:
          a:
            image: x:1
            security_opt: &opts
              - seccomp:unconfined
              - no-new-privileges:true
          b:
            image: y:1
            security_opt: *opts
        """
    )
    result = lint(text, ["DC003"], filename="compose.yaml")
    assert result.findings and all(f.fix is None for f in result.findings)


def test_latest_image_tag_gets_no_fix():
    result = lint("services:\n  a:\n    image: example/app:latest\n", ["DC001"], filename="compose.yaml")
    assert [f.code for f in result.findings] == ["DC001"]
    assert result.findings[0].fix is None
