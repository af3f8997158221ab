"""The Kubernetes securityContext fixes together: several rules' fixes on one container compose
through the fix engine's passes into one well-formed securityContext per level."""
from __future__ import annotations

import textwrap

import yaml

from dockerlint.fix import fix_source
from dockerlint.model import Applicability
from dockerlint.parse.yaml import MappingNode, iter_nodes, load_documents
from dockerlint.model import SourceText
from dockerlint.settings import Settings
from helpers import run_cli

BARE = textwrap.dedent(
    """\
    # web front end
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
            - name: web
              image: nginxinc/nginx-unprivileged:1.27.0  # pinned
              ports:
                - containerPort: 8080
          # volumes below
          volumes:
            - name: tmp
              emptyDir: {}
    """
)

FIXED = textwrap.dedent(
    """\
    # web front end
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      template:
        metadata:
          labels:
            app: web
        spec:
          containers:
            - name: web
              image: nginxinc/nginx-unprivileged:1.27.0  # pinned
              ports:
                - containerPort: 8080
              securityContext:
                allowPrivilegeEscalation: false
                capabilities:
                  drop:
                    - ALL
          # volumes below
          volumes:
            - name: tmp
              emptyDir: {}
          securityContext:
            runAsNonRoot: true
            seccompProfile:
              type: RuntimeDefault
            appArmorProfile:
              type: RuntimeDefault
    """
)

SECURITY_RULES = ["KS002", "KS003", "KS004", "KS005", "KS006", "KS007", "KS008", "KS011"]


def _no_duplicate_keys(text: str) -> None:
    for doc in load_documents(SourceText(text)):
        for node in iter_nodes(doc.root):
            if type(node) is MappingNode:
                assert not node.duplicate_keys(), node.duplicate_keys()


def test_cli_unsafe_fixes_compose_into_one_security_context_per_level(tmp_path):
    path = tmp_path / "deploy.yaml"
    path.write_text(BARE)
    code, out, err = run_cli(["fix", "--unsafe-fixes", "--isolated", "--select", ",".join(SECURITY_RULES), str(path)])
    assert code == 0, (out, err)
    assert path.read_text() == FIXED
    _no_duplicate_keys(FIXED)
    code, out, err = run_cli(["check", "--isolated", "--select", ",".join(SECURITY_RULES), str(path), "--no-source"])
    # what is left is KS008, whose fix is shown, never applied: where nginx writes is not known
    assert [line.split()[1] for line in out.splitlines() if ": KS" in line] == ["KS008"], out
    assert "suggested change (shown only)" in out


def test_fixes_are_unsafe_and_idempotent():
    settings = Settings(select=SECURITY_RULES)
    safe_only = fix_source(BARE, "deploy.yaml", settings, unsafe=False)
    assert safe_only.text == BARE
    outcome = fix_source(BARE, "deploy.yaml", settings, unsafe=True)
    assert outcome.converged and outcome.text == FIXED
    assert dict(outcome.applied) == {"KS002": 1, "KS004": 1, "KS005": 1, "KS006": 1, "KS007": 1}
    assert fix_source(FIXED, "deploy.yaml", settings, unsafe=True).text == FIXED
    assert [(f.code, f.fix.applicability) for f in outcome.findings] == [("KS008", Applicability.DISPLAY_ONLY)]


def test_two_containers_crlf_and_privileged_first():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n"
        "    seccomp.security.alpha.kubernetes.io/pod: runtime/default\n"
        "spec:\n  containers:\n  - name: a\n    image: nginx:1.27\n    securityContext:\n      privileged: true\n"
        "  - name: b\n    image: busybox:1.36\n    securityContext: {}\n"
    ).replace("\n", "\r\n")
    outcome = fix_source(text, "pod.yaml", Settings(select=SECURITY_RULES), unsafe=True)
    assert outcome.converged
    fixed = outcome.text
    assert "\n" not in fixed.replace("\r\n", ""), "a bare LF in a CRLF file"
    _no_duplicate_keys(fixed)
    data = yaml.safe_load(fixed)
    a, b = data["spec"]["containers"]
    # nginx needs its default capabilities (KS007 display-only); readOnlyRootFilesystem is
    # never applied (KS008 display-only)
    assert a["securityContext"] == {"privileged": False, "allowPrivilegeEscalation": False}
    assert b["securityContext"] == {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    # neither image is known to run as non-root: runAsNonRoot is shown, not applied
    assert data["spec"]["securityContext"] == {
        "seccompProfile": {"type": "RuntimeDefault"},
        "appArmorProfile": {"type": "RuntimeDefault"},
    }
    left = [f for f in outcome.findings if f.code == "KS002"]
    assert len(left) == 2 and all(f.fix.applicability is Applicability.DISPLAY_ONLY for f in left)
    assert "not applied because dockerlint does not know a non-root user of busybox:1.36" in left[1].fix.description
    assert "annotations" not in data["metadata"]
    # the empty `{}` placeholder became a block like the rest of the file
    assert "    securityContext:\r\n      allowPrivilegeEscalation: false\r\n" in fixed


def test_four_space_file_keeps_its_indentation():
    text = textwrap.dedent(
        """\
        apiVersion: v1
        kind: Pod
        metadata:
            name: p
        spec:
            containers:
                -   name: a
                    image: example/app:1.0
        """
    )
    outcome = fix_source(text, "pod.yaml", Settings(select=["KS004", "KS007"]), unsafe=True)
    assert outcome.text == text + textwrap.indent(
        "securityContext:\n    allowPrivilegeEscalation: false\n    capabilities:\n        drop:\n"
        "            - ALL\n",
        " " * 12,
    )
