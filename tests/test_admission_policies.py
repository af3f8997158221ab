"""KS900: ValidatingAdmissionPolicies evaluated offline, on the Kubernetes documentation's
examples and a Kyverno policy library port (tests/fixtures/admission, see its README for the
sources, licences and how each expected verdict is known)."""
from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("cel_expr_python", reason="the `cel` extra (cel-expr-python) is not installed")

from dockerlint.config import ConfigError  # noqa: E402
from dockerlint.model import Severity  # noqa: E402
from helpers import lint, run_cli  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "admission"
DOCS = FIXTURES / "k8s-docs"


def ks900(manifest: str, *files: Path):
    config = {"custom-rules": [str(f) for f in files]}
    result = lint(manifest, ["KS900"], filename="manifest.yaml", config=config)
    assert result.error is None, result.error
    return [(f.span.line, f.severity, f.message) for f in result.findings]


def namespace(name: str, **labels) -> str:
    body = "".join(f"\n    {k}: {v}" for k, v in labels.items())
    return f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {name}\n" + (f"  labels:{body}\n" if labels else "")


def deployment(name: str, ns: str | None, replicas: int, image: str = "nginx", labels: dict | None = None) -> str:
    labels = labels or {"app": name}
    meta_labels = "".join(f"\n    {k}: \"{v}\"" for k, v in labels.items())
    ns_line = f"  namespace: {ns}\n" if ns else ""
    return (
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n{ns_line}  labels:{meta_labels}\n"
        f"spec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n"
        f"  template:\n    metadata:\n      labels:\n        app: {name}\n"
        f"    spec:\n      containers:\n      - name: nginx\n        image: {image}\n"
    )


BASIC = (DOCS / "basic-example-policy.yaml", DOCS / "basic-example-binding.yaml")


def test_docs_basic_example_denies_with_the_api_servers_message():
    text = namespace("qa", environment="test") + "---\n" + deployment("envoy", "qa", 6)
    [(line, severity, message)] = ks900(text, *BASIC)
    assert line == 9 and severity is Severity.ERROR  # the Deployment's `kind:`
    assert message == ("ValidatingAdmissionPolicy 'demo-policy.example.com' with binding "
                       "'demo-binding-test.example.com' denied request: failed expression: object.spec.replicas <= 5")


@pytest.mark.parametrize(
    "text",
    [
        namespace("qa", environment="test") + "---\n" + deployment("envoy", "qa", 5),  # within the limit
        namespace("live", environment="prod") + "---\n" + deployment("envoy", "live", 6),  # binding selects test namespaces only
        deployment("envoy", "elsewhere", 6),  # namespace labels unknown offline: not judged
        deployment("envoy", None, 6),  # no namespace written: not judged
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: qa\n",  # not a deployment
    ],
)
def test_docs_basic_example_allows(text):
    assert ks900(text, *BASIC) == []


def test_namespace_name_label_alone_decides(tmp_path):
    """Every namespace carries kubernetes.io/metadata.name, so a selector on it is decidable."""
    binding = tmp_path / "by-name-binding.yaml"
    text = deployment("envoy", "qa", 6)
    binding.write_text(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
        "metadata:\n  name: by-name\nspec:\n  policyName: demo-policy.example.com\n  validationActions: [Warn]\n"
        "  matchResources:\n    namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: qa\n"
    )
    [(line, severity, message)] = ks900(text, BASIC[0], binding)
    assert severity is Severity.WARNING
    assert message == "Validation failed for ValidatingAdmissionPolicy 'demo-policy.example.com' with binding 'by-name': failed expression: object.spec.replicas <= 5"


PARAMS = (DOCS / "policy-with-param.yaml", DOCS / "binding-with-param.yaml", DOCS / "replicalimit-param.yaml",
          DOCS / "binding-with-param-prod.yaml", DOCS / "replicalimit-param-prod.yaml")


@pytest.mark.parametrize(
    "env,replicas,binding",
    [
        ("test", 3, None),
        ("test", 4, "replicalimit-binding-test.example.com"),  # test namespaces: at most 3
        ("prod", 100, None),
        ("prod", 101, "replicalimit-binding-nontest"),  # every other namespace: at most 100
    ],
)
def test_docs_params_example(env, replicas, binding):
    text = namespace("team", environment=env) + "---\n" + deployment("web", "team", replicas)
    found = ks900(text, *PARAMS)
    if binding is None:
        assert found == []
    else:
        assert [m for _, _, m in found] == [
            f"ValidatingAdmissionPolicy 'replicalimit-policy.example.com' with binding '{binding}' denied request: "
            "failed expression: object.spec.replicas <= params.maxReplicas"
        ]


def test_param_not_in_the_tree_means_not_judged():
    text = namespace("team", environment="test") + "---\n" + deployment("web", "team", 50)
    assert ks900(text, DOCS / "policy-with-param.yaml", DOCS / "binding-with-param.yaml") == []


VARIABLES_POLICY = DOCS / "image-matches-namespace-environment.policy.yaml"


@pytest.fixture
def prod_binding(tmp_path):
    path = tmp_path / "binding.yaml"
    path.write_text(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
        "metadata:\n  name: demo-binding-test.example.com\nspec:\n"
        "  policyName: image-matches-namespace-environment.policy.example.com\n  validationActions: [Deny]\n"
        "  matchResources:\n    namespaceSelector:\n      matchLabels:\n        kubernetes.io/metadata.name: default\n"
    )
    return path


@pytest.mark.parametrize(
    "image,labels,denied",
    [
        ("dev.example.com/nginx", None, True),  # the documentation's `kubectl create deploy --image=dev.example.com/nginx invalid`
        ("prod.example.com/nginx", None, False),
        ("nginx", None, False),  # not an example.com image
        ("dev.example.com/nginx", {"app": "invalid", "exempt": "true"}, False),
    ],
)
def test_docs_variables_and_message_expression(prod_binding, image, labels, denied):
    text = namespace("default", environment="prod") + "---\n" + deployment("invalid", "default", 1, image, labels)
    found = ks900(text, VARIABLES_POLICY, prod_binding)
    if not denied:
        assert found == []
        return
    assert [m for _, _, m in found] == [
        "ValidatingAdmissionPolicy 'image-matches-namespace-environment.policy.example.com' with binding "
        "'demo-binding-test.example.com' denied request: only prod images are allowed in namespace default"
    ]


def test_docs_match_conditions_example_has_a_typo_the_checker_reports():
    with pytest.raises(ConfigError) as e:
        ks900("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", DOCS / "validating-admission-policy-match-conditions.yaml")
    # line 21 is `- expression: "object.metadata.name.startWith('demo')"`; column 50 its call
    assert str(e.value).startswith(f"{DOCS / 'validating-admission-policy-match-conditions.yaml'}:21:50: CEL: ")
    assert "undeclared reference to 'startWith'" in str(e.value)


def test_match_conditions_with_the_typo_fixed(tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text((DOCS / "validating-admission-policy-match-conditions.yaml").read_text().replace("startWith", "startsWith")
                      + "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\n"
                        "metadata:\n  name: all\nspec:\n  policyName: demo-policy.example.com\n  validationActions: [Deny]\n")
    text = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-settings\n  namespace: a\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: a\n---\n"
        "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: leader\n  namespace: a\n---\n"
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\n  namespace: a\n"
    )
    found = ks900(text, policy)
    assert [(line, m.rsplit(": ", 1)[-1]) for line, _, m in found] == [(8, "object.metadata.name.startsWith('demo')")]


KYVERNO = (FIXTURES / "kyverno" / "disallow-privileged-containers.vap.yaml", FIXTURES / "kyverno" / "validatingadmissionpolicybinding.yaml")


def test_kyverno_port_rejects_every_bad_pod_of_its_chainsaw_test():
    text = (FIXTURES / "kyverno" / "pod-bad.yaml").read_text()
    result = lint(text, ["KS900"], filename="pod-bad.yaml", config={"custom-rules": [str(f) for f in KYVERNO]})
    denied = {}
    for f in result.findings:
        denied.setdefault(f.span.line, []).append(f.message)
    assert len(denied) == 9  # every Pod of the file
    assert all(m.startswith("ValidatingAdmissionPolicy 'disallow-privileged-containers' with binding "
                            "'disallow-privileged-containers-binding' denied request: Privileged mode is disallowed.")
               for ms in denied.values() for m in ms)
    first = denied[min(denied)]
    assert first == ["ValidatingAdmissionPolicy 'disallow-privileged-containers' with binding 'disallow-privileged-containers-binding' "
                     "denied request: Privileged mode is disallowed. The fields spec.initContainers[*].securityContext.privileged "
                     "must be unset or set to `false`."]


def test_kyverno_port_allows_good_pods():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: goodpod01\nspec:\n  containers:\n  - name: c\n    image: busybox:1.35\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: goodpod02\nspec:\n  initContainers:\n  - name: i\n    image: busybox:1.35\n"
        "    securityContext:\n      privileged: false\n  containers:\n  - name: c\n    image: busybox:1.35\n"
        "    securityContext:\n      privileged: false\n---\n"
        # a Deployment is not a Pod: the generated policy matches pods only
        + deployment("web", "a", 1)
    )
    assert ks900(text, *KYVERNO) == []


def test_failure_policy_ignore_and_fail(tmp_path):
    policy = tmp_path / "p.yaml"
    body = (
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: p\nspec:\n"
        "  failurePolicy: {fp}\n  matchConstraints:\n    resourceRules:\n    - apiGroups: ['']\n      apiVersions: ['v1']\n"
        "      operations: ['CREATE']\n      resources: ['configmaps']\n  validations:\n  - expression: \"object.data.size == '1'\"\n"
        "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: b\n"
        "spec:\n  policyName: p\n  validationActions: [Deny]\n"
    )
    cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  other: x\n"
    policy.write_text(body.format(fp="Ignore"))
    assert ks900(cm, policy) == []
    policy.write_text(body.format(fp="Fail"))
    [(_, _, message)] = ks900(cm, policy)
    assert "denied request: expression 'object.data.size == '1'' resulted in error: " in message and "size" in message


def test_kubernetes_functions_in_a_policy(tmp_path):
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: limits\nspec:\n"
        "  matchConstraints:\n    resourceRules:\n    - apiGroups: ['']\n      apiVersions: ['v1']\n      operations: ['CREATE']\n"
        "      resources: ['pods']\n  variables:\n  - name: limits\n    expression: \"object.spec.containers.map(c, c.resources.limits.memory)\"\n"
        "  validations:\n  - expression: \"variables.limits.all(m, quantity(m).compareTo(quantity('1Gi')) <= 0)\"\n"
        "    messageExpression: \"'memory limit above 1Gi: ' + variables.limits.filter(m, quantity(m).isGreaterThan(quantity('1Gi'))).join(', ')\"\n"
        "  - expression: \"object.spec.containers.all(c, !c.image.contains('@') || c.image.find('sha256:[0-9a-f]{64}') != '')\"\n"
        "    message: bad digest\n"
        "---\napiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicyBinding\nmetadata:\n  name: b\n"
        "spec:\n  policyName: limits\n  validationActions: [Deny]\n"
    )
    pod = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
           "  - name: a\n    image: x@sha256:abc\n    resources:\n      limits:\n        memory: 1536Mi\n"
           "  - name: b\n    image: y\n    resources:\n      limits:\n        memory: 512Mi\n")
    messages = [m.split("denied request: ")[1] for _, _, m in ks900(pod, policy)]
    assert messages == ["memory limit above 1Gi: 1536Mi", "bad digest"]


def test_unsupported_kubernetes_library_is_a_clear_config_error(tmp_path, monkeypatch):
    policy = tmp_path / "p.yaml"
    policy.write_text(
        "apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\nmetadata:\n  name: p\nspec:\n"
        "  validations:\n  - expression: \"authorizer.group('').resource('pods').check('create').allowed()\"\n"
    )
    (tmp_path / ".dockerlint.toml").write_text(f'custom-rules = ["{policy.name}"]\n')
    (tmp_path / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
    code, out, err = run_cli(["check", str(tmp_path / "pod.yaml")])
    assert code == 2 and "Traceback" not in err
    assert f"{policy}:7:18: CEL: undeclared reference to 'authorizer'" in err and "not available offline" in err


@pytest.mark.parametrize("field", ["message", "reason"])
def test_a_validations_message_or_reason_that_is_not_text_is_a_config_error(tmp_path, field):
    """`message: [x]` was read as no message at all; null stays allowed, as the API allows it."""
    policy = tmp_path / "policy.yaml"
    text = (DOCS / "basic-example-policy.yaml").read_text()
    policy.write_text(text.replace('expression: "object.spec.replicas <= 5",', f'expression: "object.spec.replicas <= 5", {field}: [x],'))
    binding = DOCS / "basic-example-binding.yaml"
    manifest = namespace("qa", environment="test") + "---\n" + deployment("envoy", "qa", 6)
    with pytest.raises(ConfigError) as e:
        ks900(manifest, policy, binding)
    assert f"`{field}` must be a string" in str(e.value)
    policy.write_text(text.replace('expression: "object.spec.replicas <= 5",', f'expression: "object.spec.replicas <= 5", {field}: null,'))
    assert len(ks900(manifest, policy, binding)) == 1
