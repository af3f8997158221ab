"""Helm charts: rendered in-process, linted with the Kubernetes rules, reported at the template
and values lines people edit (issue 18)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli

pytest.importorskip("helm_python", reason="the [helm] extra (helm-python-sdk) is not installed")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-demo
spec:
  selector:
    matchLabels:
      app: demo
  template:
    metadata:
      labels:
        app: demo
    spec:
      containers:
        - name: demo
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
          securityContext:
            {{- toYaml .Values.securityContext | nindent 12 }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"""

VALUES = """\
image:
  repository: nginx
  tag: "1.25"
securityContext:
  privileged: true
resources: {}
"""


def make_chart(root: Path, name: str = "demo", *, values: str = VALUES, templates: dict[str, str] | None = None, chart_yaml: str | None = None) -> Path:
    chart = root / name
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text(chart_yaml or f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text(values)
    for rel, text in (templates if templates is not None else {"deployment.yaml": DEPLOYMENT}).items():
        (chart / "templates" / rel).parent.mkdir(parents=True, exist_ok=True)
        (chart / "templates" / rel).write_text(text)
    return chart


def check_json(*args: str) -> tuple[int, dict]:
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "--format", "json", *args])
    return code, json.loads(out)


def by_code(doc: dict, code: str) -> list[dict]:
    return [f for f in doc["findings"] if f["code"] == code]


def test_a_chart_is_linted_at_its_template_and_values_lines(tmp_path, monkeypatch):
    chart = make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003,KS022,KS002")
    assert code == 1
    assert doc["errors"] == []
    [privileged] = by_code(doc, "KS003")
    # a fix would go into the values: the finding is there, the template line related
    # (`{{- toYaml .Values.securityContext | nindent 12 }}` is line 18, column 13)
    assert (privileged["path"], privileged["line"], privileged["column"]) == ("demo/values.yaml", 5, 3)
    assert "runs privileged" in privileged["message"]
    assert privileged["related"] == [
        {"path": "demo/templates/deployment.yaml", "line": 18, "column": 13, "message": "in the rendered template at"}
    ]
    [memory] = by_code(doc, "KS022")
    assert (memory["line"], memory["column"]) == (19, 11)  # the literal `resources:` key
    assert memory["related"][0]["path"] == "demo/values.yaml" and memory["related"][0]["line"] == 6
    [root] = by_code(doc, "KS002")
    assert (root["line"], root["column"]) == (15, 11)  # `- name: demo`, the container
    assert "related" not in root
    assert chart.is_dir()


def test_sarif_carries_the_values_key_as_a_related_location(tmp_path, monkeypatch):
    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--isolated", "--no-progress", "--format", "sarif", "--select", "KS022", "demo"])
    assert code == 1
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "demo/templates/deployment.yaml"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 19
    [related] = result["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "demo/values.yaml"
    assert related["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 1}
    assert related["message"]["text"] == "value of resources"


def test_templates_are_never_linted_as_plain_yaml_and_a_chart_never_passes_silently(tmp_path, monkeypatch):
    make_chart(tmp_path, values=VALUES.replace("privileged: true", "privileged: false"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "--select", "KS003,KS022", "."])
    assert code == 1, (out, err)
    assert "parse error" not in out + err
    assert "demo/templates/deployment.yaml:19:11: KS022" in out
    assert "KS003" not in out


def test_text_output_names_the_values_key(tmp_path, monkeypatch):
    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["check", "--isolated", "--no-progress", "--no-source", "--select", "KS022", "demo"])
    assert code == 1
    assert "demo/templates/deployment.yaml:19:11: KS022" in out
    assert "= value of resources: demo/values.yaml:6:1" in out


def test_helm_values_override_moves_the_finding_and_its_values_location(tmp_path, monkeypatch):
    make_chart(tmp_path, values=VALUES.replace("privileged: true", "privileged: false"))
    (tmp_path / "prod.yaml").write_text("securityContext:\n  privileged: true\n")
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003")
    assert code == 0 and doc["findings"] == []
    code, doc = check_json("demo", "--select", "KS003", "--helm-values", "prod.yaml")
    assert code == 1
    [f] = doc["findings"]
    assert (f["path"], f["line"], f["column"]) == ("prod.yaml", 2, 3)
    assert f["related"] == [{"path": "demo/templates/deployment.yaml", "line": 18, "column": 13, "message": "in the rendered template at"}]


def test_a_values_matrix_reports_a_template_line_once_naming_the_sets(tmp_path, monkeypatch):
    chart = make_chart(tmp_path)
    (chart / "values-prod.yaml").write_text("image:\n  tag: \"1.26\"\n")
    (chart / "values-dev.yaml").write_text("securityContext:\n  privileged: false\n")
    (tmp_path / ".dockerlint.toml").write_text('[helm]\nvalues-matrix = { prod = ["values-prod.yaml"], dev = ["values-dev.yaml"] }\n')
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--no-progress", "--format", "json", "--select", "KS003,KS022", "demo"])
    doc = json.loads(out)
    [privileged] = by_code(doc, "KS003")
    assert privileged["message"].endswith("[values: default, prod]")
    [memory] = by_code(doc, "KS022")
    assert memory["message"].endswith("[values: default, prod, dev]")


def test_unknown_helm_config_key_is_an_error_naming_it(tmp_path, monkeypatch):
    make_chart(tmp_path)
    (tmp_path / ".dockerlint.toml").write_text('[helm]\nvalue = ["x.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    code, _, err = run_cli(["check", "--no-progress", "demo"])
    assert code == 2
    assert "unknown key `helm.value`" in err


def test_a_missing_values_file_is_a_per_chart_error(tmp_path, monkeypatch):
    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--helm-values", "nope.yaml")
    assert code == 2
    [error] = doc["errors"]
    assert "values file not found" in error["message"] and "nope.yaml" in error["message"]


def test_without_the_helm_extra_a_chart_is_an_error_saying_how_to_install_it(tmp_path, monkeypatch):
    import builtins

    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    real_import = builtins.__import__

    def no_helm(name, *args, **kwargs):
        if name == "helm_python" or name.startswith("helm_python."):
            raise ImportError("No module named 'helm_python'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_helm)
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "demo"])
    assert code == 2
    assert "demo/Chart.yaml: error: Helm chart not linted: the Helm SDK is not installed (the helm extra: pip install helm-python-sdk)" in out


def test_missing_dependencies_are_named(tmp_path, monkeypatch):
    make_chart(
        tmp_path,
        chart_yaml="apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: redis\n    version: 1.2.3\n    repository: https://example.invalid\n",
    )
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo")
    assert code == 1
    [error] = doc["errors"]
    assert error["path"] == "demo/Chart.yaml"
    assert "dependencies missing under charts/: redis 1.2.3" in error["message"]


def test_a_render_error_points_at_the_template_line(tmp_path, monkeypatch):
    make_chart(tmp_path, templates={"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: {{ required \"a is required\" .Values.missing }}\n"})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo")
    assert code == 1
    [error] = doc["errors"]
    assert error["path"] == "demo/templates/cm.yaml" and error["line"] == 6
    assert "a is required" in error["message"]


def test_vendored_subchart_is_rendered_with_parent_values(tmp_path, monkeypatch):
    chart = make_chart(tmp_path, values="sub:\n  securityContext:\n    privileged: true\n", templates={})
    sub = make_chart(chart / "charts", "sub", values="image:\n  repository: nginx\n  tag: \"1.25\"\nsecurityContext: {}\nresources: {}\n")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n")
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003")
    assert code == 1, doc
    [f] = doc["findings"]
    assert (f["path"], f["line"]) == ("demo/values.yaml", 3)  # `sub.securityContext.privileged` in the parent
    assert (f["related"][0]["path"], f["related"][0]["line"]) == ("demo/charts/sub/templates/deployment.yaml", 18)
    assert sub.is_dir()


def test_test_hooks_are_rendered_and_linted_unless_skipped(tmp_path, monkeypatch):
    pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\nspec:\n  containers:\n    - name: t\n      image: busybox:1.36\n      securityContext:\n        privileged: true\n"
    make_chart(tmp_path, templates={"tests/test-connection.yaml": pod})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003")
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("demo/templates/tests/test-connection.yaml", 12)]
    (tmp_path / ".dockerlint.toml").write_text("[helm]\nskip-tests = true\n")
    code, out, _ = run_cli(["check", "--no-progress", "--format", "json", "--select", "KS003", "demo"])
    assert json.loads(out)["findings"] == []


@pytest.mark.parametrize(
    "pragma_line",
    [
        "          {{- /* dockerlint: ignore=KS003 */}}\n",
        "          # dockerlint: ignore=KS003\n",
    ],
)
def test_pragmas_in_templates(tmp_path, monkeypatch, pragma_line):
    lines = DEPLOYMENT.splitlines(keepends=True)
    lines.insert(17, pragma_line)  # above the toYaml line
    make_chart(tmp_path, templates={"deployment.yaml": "".join(lines)})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003,KS022")
    assert [f["code"] for f in doc["findings"]] == ["KS022"]


def test_pragma_in_the_values_file(tmp_path, monkeypatch):
    make_chart(tmp_path, values=VALUES.replace("  privileged: true", "  # dockerlint: ignore=KS003\n  privileged: true"))
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003,KS022")
    assert [f["code"] for f in doc["findings"]] == ["KS022"]


def test_annotations_on_the_rendered_object_suppress(tmp_path, monkeypatch):
    annotated = DEPLOYMENT.replace("  name: {{ .Release.Name }}-demo\n", "  name: {{ .Release.Name }}-demo\n  annotations:\n    dockerlint.io/ignore: KS003\n")
    make_chart(tmp_path, templates={"deployment.yaml": annotated})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003,KS022")
    assert [f["code"] for f in doc["findings"]] == ["KS022"]


def test_a_changed_template_or_values_file_lints_its_chart(tmp_path, monkeypatch):
    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    for named in ("demo/templates/deployment.yaml", "demo/values.yaml"):
        code, doc = check_json(named, "--select", "KS022")
        assert code == 1
        assert [(f["path"], f["line"]) for f in doc["findings"]] == [("demo/templates/deployment.yaml", 19)], named


def test_a_fix_of_a_template_literal_is_shown_at_the_template_line_never_applied(tmp_path, monkeypatch):
    chart = make_chart(tmp_path, templates={"deployment.yaml": DEPLOYMENT.replace(
        "          securityContext:\n            {{- toYaml .Values.securityContext | nindent 12 }}\n", "")})
    before = {p: p.read_text() for p in chart.rglob("*") if p.is_file()}
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS004", "demo"])
    assert {p: p.read_text() for p in chart.rglob("*") if p.is_file()} == before
    code, doc = check_json("demo", "--select", "KS004")
    [f] = doc["findings"]
    assert f["fix"]["applicability"] == "display-only"
    assert "demo/templates/deployment.yaml:15" in f["fix"]["description"]


# ---- the template reader ---------------------------------------------------------------------


def test_line_map_survives_trim_markers_and_defines():
    from dockerlint.parse.helm_template import instrument, line_map, read_template

    template = '{{- define "x" -}}\nname: a\n{{- end }}\n{{- if true -}}\nkind: A\n{{- end }}\nb: {{ include "x" . }}\n'
    info = read_template(template)
    marked = instrument(info)
    assert "\x1e2\x1f" not in marked  # inside the define: its text is captured by include
    plain = "kind: A\nb: name: a\n"
    rendered_marked = "\x1e4\x1fkind: A\x1e5\x1f\x1e6\x1f\nb: name: a\x1e7\x1f\n"
    lines = line_map(plain, rendered_marked)
    assert lines[plain.index("kind")] == 5
    assert lines[plain.index("b:")] == 7
    assert line_map(plain, rendered_marked.replace("kind", "kinx!")) is None


def test_values_read_by_each_line():
    from dockerlint.parse.helm_template import read_template

    info = read_template(
        "a: {{ .Values.x.y | quote }}\n{{- with .Values.pod }}\nb:\n  {{- toYaml . | nindent 2 }}\n{{- end }}\nc: {{ index .Values \"d\" \"e\" }}\n"
    )
    assert info.values_by_line == {1: [("x", "y")], 4: [("pod",)], 6: [("d", "e")]}


# ---- the corpus ------------------------------------------------------------------------------

CORPUS_CHARTS = ["aerospike", "weave-scope", "atlantis", "kiam"]


@pytest.mark.parametrize("name", CORPUS_CHARTS)
def test_corpus_chart_findings_equal_its_rendered_output_at_real_lines(name):
    """The oracle: the same render printed as `helm template` prints it, linted as a plain
    manifest. Same codes and counts; every location a real line of a file in the chart."""
    import collections
    import os

    from conftest import shared_path
    from dockerlint.engine import lint_source
    from dockerlint.helm.chart import _stream, chart_settings, lint_chart
    from dockerlint.helm.render import render_chart
    from dockerlint.settings import Settings

    chart = str(shared_path("corpus", "helm", name))
    settings = Settings()
    results = lint_chart(chart, settings)
    assert all(r.error is None for r in results)
    mine = collections.Counter(f.code for r in results for f in r.findings)
    _, options = chart_settings(chart, settings)
    text, _ = _stream(render_chart(chart, options).templates)
    oracle = collections.Counter(f.code for f in lint_source(text, "rendered.yaml", settings).findings)
    assert mine == oracle and sum(mine.values()) > 0
    for r in results:
        for f in r.findings:
            for path, line in [(f.path, f.span.line)] + [(loc.path, loc.line) for loc in f.related]:
                assert os.path.abspath(path).startswith(os.path.abspath(chart) + os.sep)
                with open(path, encoding="utf-8") as fh:
                    assert 1 <= line <= len(fh.read().split("\n")), (path, line)


# ---- fixes -----------------------------------------------------------------------------------


def test_a_values_driven_finding_is_reported_and_fixed_in_the_values_file(tmp_path, monkeypatch):
    chart = make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003,KS004")
    privileged = by_code(doc, "KS003")[0]
    assert (privileged["path"], privileged["line"], privileged["column"]) == ("demo/values.yaml", 5, 3)
    assert privileged["related"][0] == {"path": "demo/templates/deployment.yaml", "line": 18, "column": 13, "message": "in the rendered template at"}
    assert privileged["fix"]["edits"] == [{"content": "false", "line": 5, "column": 15, "end_line": 5, "end_column": 19}]
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS003,KS004", "demo"])
    assert code == 0, err
    assert "Fixed 2 problems in 1 file; 0 remaining." in err  # KS004's fix follows KS003's, in a second pass
    assert (chart / "values.yaml").read_text() == VALUES.replace(
        "  privileged: true\n", "  privileged: false\n  allowPrivilegeEscalation: false\n"
    )
    assert (chart / "templates" / "deployment.yaml").read_text() == DEPLOYMENT


def test_values_fix_turns_an_empty_flow_mapping_into_a_block(tmp_path, monkeypatch):
    chart = make_chart(tmp_path, values=VALUES.replace("securityContext:\n  privileged: true\n", "securityContext: {}\n"))
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS004", "--diff", "demo"])
    assert code == 1
    assert "-securityContext: {}\n+securityContext:\n+  allowPrivilegeEscalation: false\n" in out
    assert "securityContext: {}" in (chart / "values.yaml").read_text()  # --diff writes nothing


def test_a_values_fix_goes_to_the_override_file_that_set_the_value(tmp_path, monkeypatch):
    chart = make_chart(tmp_path, values=VALUES.replace("privileged: true", "privileged: false"))
    (tmp_path / "prod.yaml").write_text("# production\nsecurityContext:\n  privileged: true\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["fix", "--isolated", "--no-progress", "--unsafe-fixes", "--select", "KS003", "--helm-values", "prod.yaml", "demo"])
    assert code == 0, err
    assert (tmp_path / "prod.yaml").read_text() == "# production\nsecurityContext:\n  privileged: false\n"
    assert "privileged: false" in (chart / "values.yaml").read_text()


# ---- the language server -------------------------------------------------------------------


def test_language_server_diagnostics_in_templates_and_values_follow_unsaved_values(tmp_path):
    from dockerlint.lsp.config import ConfigCache
    from dockerlint.lsp.features import analyze

    chart = make_chart(tmp_path)
    template, values = chart / "templates" / "deployment.yaml", chart / "values.yaml"
    configs = ConfigCache()
    snap = analyze(values.as_uri(), 1, VALUES, "yaml", configs)
    assert [(d.code, d.range.start.line) for d in snap.diagnostics if d.code == "KS003"] == [("KS003", 4)]  # 0-based line 5
    snap = analyze(template.as_uri(), 1, DEPLOYMENT, "helm", configs)
    assert ("KS022", 18) in [(d.code, d.range.start.line) for d in snap.diagnostics]
    assert "KS003" not in [d.code for d in snap.diagnostics]  # it is in the values file
    # the editor's unsaved values text re-renders the template: resources set -> no KS022
    unsaved = VALUES.replace("resources: {}", "resources:\n  limits:\n    memory: 128Mi\n    cpu: 100m\n  requests:\n    memory: 64Mi\n    cpu: 50m")
    snap = analyze(template.as_uri(), 2, DEPLOYMENT, "helm", configs, chart_texts={str(values): unsaved})
    assert "KS022" not in [d.code for d in snap.diagnostics]
    # an unsaved template edit is rendered too, and a template that no longer renders is an error there
    broken = DEPLOYMENT.replace("{{ .Release.Name }}", "{{ .Release.Name ")
    snap = analyze(template.as_uri(), 3, broken, "helm", configs)
    assert snap.error is not None and snap.diagnostics[0].severity == 1


# ---- the review bot --------------------------------------------------------------------------


def test_review_of_a_values_change_comments_on_the_values_line_with_a_suggestion(tmp_path, monkeypatch):
    import subprocess

    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    make_chart(tmp_path, values=VALUES.replace("privileged: true", "privileged: false"))
    git("init", "-q", "-b", "main")
    git("config", "user.email", "dev@example.com")
    git("config", "user.name", "dev")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    git("checkout", "-q", "-b", "feature")
    (tmp_path / "demo" / "values.yaml").write_text(VALUES)
    git("commit", "-q", "-am", "privileged")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GITHUB_API_URL", "http://127.0.0.1:9")  # nothing listens: the dry run is offline
    for name in ("GITHUB_TOKEN", "GITHUB_EVENT_PATH", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)
    code, out, err = run_cli(["review", "--repo", "octo/app", "--pr", "7", "--select", "KS003,KS022", "--isolated", "--base", "main", "--dry-run"])
    assert code == 0, err
    body = json.loads(out)
    [comment] = body["comments"]
    assert (comment["path"], comment["line"]) == ("demo/values.yaml", 5)
    assert comment["body"].startswith("**KS003**")
    assert "```suggestion\n  privileged: false\n```" in comment["body"]


def test_a_template_whose_output_is_not_yaml_is_an_error_there_and_the_others_are_linted(tmp_path, monkeypatch):
    bad = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: [unclosed\n"
    make_chart(tmp_path, templates={"deployment.yaml": DEPLOYMENT, "bad.yaml": bad})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS022")
    [error] = doc["errors"]
    assert error["path"] == "demo/templates/bad.yaml" and "rendered output does not parse" in error["message"]
    assert [f["path"] for f in doc["findings"]] == ["demo/templates/deployment.yaml"]


def test_the_release_namespace_is_not_the_default_namespace(tmp_path, monkeypatch):
    """`helm template` renders `.Release.Namespace` (and an unset namespace) as `default`; the
    real namespace is chosen at install time. A namespace written in the chart is still checked."""
    released = DEPLOYMENT.replace("  name: {{ .Release.Name }}-demo\n", "  name: {{ .Release.Name }}-demo\n  namespace: {{ .Release.Namespace }}\n")
    literal = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata: {}\n"
    unset = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\ndata: {}\n"
    make_chart(tmp_path, templates={"deployment.yaml": released, "cm.yaml": literal, "unset.yaml": unset})
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS027")
    assert [(f["path"], f["line"]) for f in doc["findings"]] == [("demo/templates/cm.yaml", 5)]


def test_a_bug_while_linting_a_chart_is_an_error_of_that_chart_not_a_traceback(tmp_path, monkeypatch):
    import dockerlint.helm.chart as chart_module

    make_chart(tmp_path)
    monkeypatch.chdir(tmp_path)

    def broken(*args, **kwargs):
        raise KeyError("boom")

    monkeypatch.setattr(chart_module, "lint_chart", broken)
    code, out, err = run_cli(["check", "--isolated", "--no-progress", "demo"])
    assert code == 2
    assert "demo/Chart.yaml: error: internal error linting this Helm chart (KeyError: 'boom'); please report it" in out
    assert "Traceback" not in err


def test_a_packaged_subchart_is_rendered_and_its_findings_name_it(tmp_path, monkeypatch):
    import tarfile

    chart = make_chart(tmp_path, values="{}\n", templates={})
    sub = make_chart(tmp_path / "src", "sub")
    (chart / "charts").mkdir()
    with tarfile.open(chart / "charts" / "sub-0.1.0.tgz", "w:gz") as tar:
        tar.add(sub, arcname="sub")
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: 0.1.0\n")
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003")
    assert code == 1 and doc["errors"] == []
    [f] = doc["findings"]
    assert f["path"] == "demo/Chart.yaml"
    assert "(in demo/charts/sub/templates/deployment.yaml, rendered from a packaged subchart)" in f["message"]


def test_a_clean_chart_counts_as_one_linted_file(tmp_path, monkeypatch):
    make_chart(tmp_path, values=VALUES.replace("privileged: true", "privileged: false"))
    monkeypatch.chdir(tmp_path)
    code, doc = check_json("demo", "--select", "KS003")
    assert code == 0 and doc["findings"] == [] and doc["summary"]["files"] == 1
