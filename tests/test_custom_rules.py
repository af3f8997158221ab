"""Native custom rules in CEL (`custom-rules`): every kind, messages with `{expressions}`,
fixes, selection and suppression, `dockerlint rules` / `rule XNNN`, and config errors that name
the file, line and column."""
from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("cel_expr_python", reason="the `cel` extra (cel-expr-python) is not installed")

from dockerlint.config import ConfigError  # noqa: E402
from dockerlint.fix import fix_source  # noqa: E402
from dockerlint.model import Applicability, Severity  # noqa: E402
from helpers import lint, run_cli, settings_for  # noqa: E402

RULES = textwrap.dedent(
    """\
    rules:
      - code: X001
        name: replicas-at-least-two
        kinds: [kubernetes]
        severity: error
        message: "{object.kind} {object.metadata.name} runs {object.spec.replicas} replica(s); run at least 2"
        match: "object.kind == 'Deployment' && has(object.spec.replicas)"
        assert: "object.spec.replicas >= 2"
        fix:
          set: {spec.replicas: 2}
      - code: X002
        name: memory-limit-at-most-2gi
        kinds: [kubernetes]
        message: "container memory limit above 2Gi"
        match: "has(object.spec.template)"
        assert: >-
          object.spec.template.spec.containers.all(c, !has(c.resources) || !has(c.resources.limits)
            || !has(c.resources.limits.memory) || !quantity(c.resources.limits.memory).isGreaterThan(quantity('2Gi')))
      - code: X003
        name: compose-restart-policy
        kinds: [compose]
        message: "service {name} needs a restart policy"
        assert: "has(service.restart)"
        fix:
          set: {restart: unless-stopped}
      - code: X007
        name: no-privileged-services
        kinds: [compose]
        message: "service {name} is privileged"
        assert: "!has(service.privileged) || service.privileged == false"
        fix:
          remove: [privileged]
      - code: X004
        name: no-curl-pipe-sh
        kinds: [dockerfile]
        severity: error
        message: "stage {stage.index} pipes a download into a shell"
        match: "instruction.keyword == 'RUN'"
        assert: "!instruction.args.matches('curl[^|]*[|][ ]*(ba)?sh')"
      - code: X005
        name: final-stage-has-healthcheck
        kinds: [dockerfile]
        message: "the final stage {stage.name == null ? string(stage.index) : stage.name} has no HEALTHCHECK"
        match: "instruction.keyword == 'FROM' && stage.final"
        assert: "stage.instructions.exists(i, i.keyword == 'HEALTHCHECK')"
      - code: X006
        name: labels-everywhere
        kinds: [kubernetes, compose]
        message: "no team label"
        assert: "object != null ? has(object.metadata.labels) && 'team' in object.metadata.labels : has(service.labels)"
    """
)


@pytest.fixture
def rules_file(tmp_path):
    path = tmp_path / "policies" / "acme.yaml"
    path.parent.mkdir()
    path.write_text(RULES)
    return path


def run(text, filename, rules_file, codes=("X",), **config):
    return lint(text, list(codes), filename=filename, config={"custom-rules": [str(rules_file)], **config})


DEPLOYMENT = textwrap.dedent(
    """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      labels:
        team: shop
    spec:
      replicas: 1  # scale later
      template:
        spec:
          containers:
          - name: web
            image: nginx:1.30
            resources:
              limits:
                memory: 3Gi
    """
)


def test_kubernetes_rules_message_position_and_fix(rules_file):
    result = run(DEPLOYMENT, "deploy.yaml", rules_file)
    assert [(f.code, f.span.line, f.span.col, f.severity, f.message) for f in result.findings] == [
        ("X001", 2, 1, Severity.ERROR, "Deployment web runs 1 replica(s); run at least 2"),
        ("X002", 2, 1, Severity.WARNING, "container memory limit above 2Gi"),
    ]
    assert result.findings[0].fix.applicability is Applicability.UNSAFE
    out = fix_source(DEPLOYMENT, "deploy.yaml", settings_for(["X001"], {"custom-rules": [str(rules_file)]}), unsafe=True)
    assert "  replicas: 2  # scale later\n" in out.text and out.converged


def test_compose_rules_and_fix(rules_file):
    text = "services:\n  web:\n    image: nginx:1.30\n    privileged: true\n  db:\n    image: postgres:17\n    restart: always\n    labels: {team: data}\n"
    result = run(text, "compose.yaml", rules_file)
    assert [(f.code, f.span.line, f.span.col, f.message) for f in result.findings] == [
        ("X003", 2, 3, "service web needs a restart policy"),
        ("X006", 2, 3, "no team label"),
        ("X007", 2, 3, "service web is privileged"),
    ]
    out = fix_source(text, "compose.yaml", settings_for(["X003", "X007"], {"custom-rules": [str(rules_file)]}), unsafe=True)
    assert out.text == "services:\n  web:\n    image: nginx:1.30\n    restart: unless-stopped\n  db:\n    image: postgres:17\n    restart: always\n    labels: {team: data}\n"


def test_dockerfile_rules_see_instructions_and_stages(rules_file):
    text = "FROM alpine:3.23 AS build\nRUN curl -fsSL https://x.example/i.sh | sh\nFROM alpine:3.23\nCOPY --from=build /x /x\n"
    result = run(text, "Dockerfile", rules_file)
    assert [(f.code, f.span.line, f.span.col, f.message) for f in result.findings] == [
        ("X004", 2, 1, "stage 0 pipes a download into a shell"),
        ("X005", 3, 1, "the final stage 1 has no HEALTHCHECK"),
    ]
    assert run(text + "HEALTHCHECK CMD true\n", "Dockerfile", rules_file, codes=["X005"]).findings == []


def test_python_iac_objects_are_judged_too(rules_file):
    program = textwrap.dedent(
        """\
        import pulumi_kubernetes as k8s

        k8s.apps.v1.Deployment("web", metadata={"name": "web"}, spec={"replicas": 1, "template": {"spec": {"containers": []}}})
        """
    )
    result = run(program, "main.py", rules_file, codes=["X001"])
    assert [(f.code, f.span.line) for f in result.findings] == [("X001", 3)]
    assert result.findings[0].fix is None  # YAML edits do not apply to a program


def test_selection_ignore_severity_and_suppression(rules_file):
    assert [f.code for f in run(DEPLOYMENT, "d.yaml", rules_file, codes=["DEFAULT"]).findings if f.code.startswith("X")] == ["X001", "X002"]
    assert [f.code for f in run(DEPLOYMENT, "d.yaml", rules_file, codes=["X"], ignore=["memory-limit-at-most-2gi"]).findings] == ["X001"]
    assert [f.severity for f in run(DEPLOYMENT, "d.yaml", rules_file, codes=["X001"], severity={"X001": "info"}).findings] == [Severity.INFO]
    suppressed = DEPLOYMENT.replace("kind: Deployment\n", "kind: Deployment  # dockerlint: ignore=replicas-at-least-two\n")
    assert [f.code for f in run(suppressed, "d.yaml", rules_file, codes=["X001", "X002"]).findings] == ["X002"]


def test_an_evaluation_error_is_reported_with_the_error(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("rules:\n- code: X010\n  name: needs-guard\n  kinds: [kubernetes]\n  message: m\n  assert: object.spec.replicas > 0\n")
    [f] = lint("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n", ["X010"], filename="c.yaml", config={"custom-rules": [str(path)]}).findings
    assert f.message.startswith("needs-guard: `assert` or `match` could not be evaluated:") and "spec" in f.message


@pytest.mark.parametrize(
    "rule,where,fragment",
    [
        ("  assert: 'object.spec.('\n", "6:24", "CEL: Syntax error"),
        ("  assert: object.spec.replicas >\n", "6:33", "CEL: Syntax error"),
        ("  assert: nosuch(object)\n", "6:17", "undeclared reference to 'nosuch'"),
        ("  assert: 'true'\n  colour: red\n", "7:3", "unknown rule field `colour`"),
        ("  assert: 'true'\n  fix: {set: {a: [1]}}\n", "7:18", "`fix.set` values are scalars"),
        ("  assert: 'true'\n  fix: {set: {[a]: 1}}\n", "7:15", "`fix.set` keys are dotted field paths"),  # was dropped
    ],
)
def test_config_errors_name_file_line_and_column(tmp_path, rule, where, fragment):
    path = tmp_path / "r.yaml"
    path.write_text("rules:\n- code: X001\n  name: a-rule\n  kinds: [kubernetes]\n  message: m\n" + rule)
    with pytest.raises(ConfigError) as e:
        settings_for(["X"], {"custom-rules": [str(path)]})
    assert str(e.value).startswith(f"{path}:{where}: ") and fragment in str(e.value), str(e.value)


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("rules:\n- code: DL001\n  name: a\n  kinds: [kubernetes]\n  message: m\n  assert: 'true'\n", "start with X"),
        ("rules:\n- code: X1\n  name: Bad_Name\n  kinds: [kubernetes]\n  message: m\n  assert: 'true'\n", "kebab-case"),
        ("rules:\n- code: X1\n  name: a\n  kinds: [helm]\n  message: m\n  assert: 'true'\n", "unknown kind 'helm'"),
        ("rules:\n- code: X1\n  name: a\n  kinds: [kubernetes]\n  message: 'x {object.kind'\n  assert: 'true'\n", "unclosed `{`"),
        ("rules:\n- code: X1\n  name: a\n  kinds: [kubernetes]\n  message: m\n", "lacks `assert`"),
        ("rules:\n- code: X1\n  name: latest-image-tag\n  kinds: [kubernetes]\n  message: m\n  assert: 'true'\n", "name of a built-in rule"),
        ("rules:\n- {code: X1, name: a, kinds: [kubernetes], message: m, assert: 'true'}\n- {code: X1, name: b, kinds: [kubernetes], message: m, assert: 'true'}\n", "already defined"),
        ("rules: [\n", "invalid YAML"),
        ("kind: Pod\n", "expected `rules:`"),
    ],
)
def test_rule_file_errors(tmp_path, text, fragment):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as e:
        settings_for(["X"], {"custom-rules": [str(path)]})
    assert str(e.value).startswith(str(path)) and fragment in str(e.value), str(e.value)


def test_cli_lists_and_explains_custom_rules_and_exits_2_on_a_broken_file(tmp_path, rules_file, monkeypatch):
    (tmp_path / ".dockerlint.toml").write_text('custom-rules = ["policies/*.yaml"]\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["rules"])
    assert code == 0 and any(line.startswith("X003     compose-restart-policy") for line in out.splitlines())
    code, out, _ = run_cli(["rule", "X004"])
    assert code == 0 and out.startswith("X004") or "no-curl-pipe-sh" in out
    assert "instruction.keyword == 'RUN'" in out
    (tmp_path / "deploy.yaml").write_text(DEPLOYMENT)
    code, out, _ = run_cli(["check", "--select", "X001", "deploy.yaml"])
    assert code == 1 and "deploy.yaml:2:1: X001" in out
    rules_file.write_text(RULES.replace("object.spec.replicas >= 2", "object.spec.replicas >="))
    code, out, err = run_cli(["check", "deploy.yaml"])
    assert code == 2 and "acme.yaml:8:" in err and "Traceback" not in err


def test_missing_cel_extra_is_a_config_error(tmp_path, rules_file, monkeypatch):
    from dockerlint.policies import cel_runtime

    def unavailable():
        raise cel_runtime.CelUnavailable("custom rules need the CEL runtime: the cel extra: pip install cel-expr-python")

    monkeypatch.setattr(cel_runtime, "cel_module", unavailable)
    from dockerlint.policies import loader

    loader._CACHE.clear()
    with pytest.raises(ConfigError) as e:
        settings_for(["X"], {"custom-rules": [str(rules_file)]})
    assert "the cel extra: pip install cel-expr-python" in str(e.value)


def test_the_cel_runtime_is_not_imported_without_custom_rules(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.13-slim\n")
    code = ("import sys; from dockerlint.cli.main import main; main(['check', '--isolated', sys.argv[1]]); "
            "print('cel_expr_python' in sys.modules, 'dockerlint.policies.loader' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "Dockerfile")], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_unfixable_and_extend_safe_fixes_apply_to_custom_rules(rules_file):
    config = {"custom-rules": [str(rules_file)]}
    out = fix_source(DEPLOYMENT, "d.yaml", settings_for(["X001"], {**config, "extend-safe-fixes": ["X001"]}))
    assert "replicas: 2" in out.text  # promoted to safe: applied without --unsafe-fixes
    out = fix_source(DEPLOYMENT, "d.yaml", settings_for(["X001"], {**config, "unfixable": ["replicas-at-least-two"]}), unsafe=True)
    assert out.text == DEPLOYMENT
