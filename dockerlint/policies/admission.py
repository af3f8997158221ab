"""ValidatingAdmissionPolicy + ValidatingAdmissionPolicyBinding, evaluated offline as the API
server would evaluate them when each linted object is created (operation CREATE, no old
object, the requester an ordinary authenticated user: `request.userInfo` has an empty
username and only the group `system:authenticated`).

Matching follows the API server: the policy's `matchConstraints` and the binding's
`matchResources` (resource rules with groups, versions, resources, operations, resource names
and scope; `excludeResourceRules`; `objectSelector`; `namespaceSelector`), then the policy's
`matchConditions`. Under `matchPolicy: Equivalent` (the default) the API version is not
compared. A `namespaceSelector` is decided from a `Namespace` object in the linted file or the
rule files, else only from the `kubernetes.io/metadata.name` label every namespace carries;
when that is not enough (or the object names no namespace) the object is not judged. Params
come from the binding's `paramRef` when the param object is in the linted file or the rule
files; when it is not, the object is not judged (the cluster's answer is unknowable).
`variables` are evaluated in order; `validations` report `messageExpression`, `message` or
`failed expression: ...` exactly like the API server, and an evaluation error follows
`failurePolicy` (Fail reports it, Ignore does not).
"""
from __future__ import annotations

from dataclasses import dataclass

from dockerlint.model import Severity

CLUSTER_SCOPED = {
    "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
    "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode",
    "VolumeAttachment", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
    "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding", "ClusterIssuer", "FlowSchema", "PriorityLevelConfiguration",
    "CertificateSigningRequest", "ComponentStatus",
}
IRREGULAR = {"Endpoints": "endpoints", "PodSecurityPolicy": "podsecuritypolicies", "ComponentStatus": "componentstatuses"}
NAME_LABEL = "kubernetes.io/metadata.name"


def resource_of(kind: str) -> str:
    """The REST resource of a kind, as the API server's RESTMapper guesses it."""
    if kind in IRREGULAR:
        return IRREGULAR[kind]
    lower = kind.lower()
    if lower.endswith("y") and not lower.endswith(("ay", "ey", "oy", "uy")):
        return lower[:-1] + "ies"
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return lower + "es"
    return lower + "s"


def group_version(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


# ---- selectors and resource rules ------------------------------------------------------------

def selector_matches(selector, labels: dict) -> bool:
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != str(value):
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), [str(v) for v in expr.get("values") or []]
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selector_keys(selector) -> set:
    if not selector:
        return set()
    return set((selector.get("matchLabels") or {})) | {e.get("key") for e in selector.get("matchExpressions") or []}


def _has(values, wanted) -> bool:
    values = values or []
    return "*" in values or wanted in values


def rule_matches(rule: dict, attrs: dict, equivalent: bool) -> bool:
    if not _has(rule.get("apiGroups"), attrs["group"]):
        return False
    if not equivalent and not _has(rule.get("apiVersions"), attrs["version"]):
        return False
    resources = rule.get("resources") or []
    if not ("*" in resources or "*/*" in resources or attrs["resource"] in resources):
        return False
    if not _has(rule.get("operations"), "CREATE"):
        return False
    names = rule.get("resourceNames") or []
    if names and attrs["name"] not in names:
        return False
    scope = rule.get("scope") or "*"
    if scope == "Cluster" and attrs["namespaced"] or scope == "Namespaced" and not attrs["namespaced"]:
        return False
    return True


def resources_match(match: dict | None, attrs: dict, data: dict, namespaces: dict, *, required: bool):
    """True / False, or None when the namespace selector cannot be decided offline."""
    if not match:
        return not required
    equivalent = (match.get("matchPolicy") or "Equivalent") == "Equivalent"
    rules = match.get("resourceRules")
    if rules is not None and not any(rule_matches(r, attrs, equivalent) for r in rules):
        return False
    if rules is None and required:
        return False
    if any(rule_matches(r, attrs, equivalent) for r in match.get("excludeResourceRules") or []):
        return False
    labels = ((data.get("metadata") or {}).get("labels") or {})
    if not selector_matches(match.get("objectSelector"), {str(k): str(v) for k, v in labels.items()}):
        return False
    ns_selector = match.get("namespaceSelector")
    if ns_selector and (attrs["namespaced"] or data.get("kind") == "Namespace"):
        if data.get("kind") == "Namespace":
            ns_labels = {**{str(k): str(v) for k, v in labels.items()}, NAME_LABEL: attrs["name"]}
        else:
            ns = attrs["namespace"]
            if not ns:
                return None
            known = namespaces.get(ns)
            if known is None and selector_keys(ns_selector) - {NAME_LABEL}:
                return None
            ns_labels = {**(known or {}), NAME_LABEL: ns}
        if not selector_matches(ns_selector, ns_labels):
            return False
    return True


# ---- evaluation ---------------------------------------------------------------------------------

@dataclass
class Verdict:
    """A policy's finding on an object: its severity and message."""

    severity: Severity
    message: str


def _actions(binding) -> tuple[Severity, str]:
    actions = binding.spec.get("validationActions") or ["Deny"]
    if "Deny" in actions:
        return Severity.ERROR, "deny"
    if "Warn" in actions:
        return Severity.WARNING, "warn"
    return Severity.INFO, "audit"


def _params(policy, binding, attrs, policyset, objects) -> list | None:
    """The param objects for this binding and request; [None] without paramKind; None when the
    param object is not known offline (the object is then not judged)."""
    kind = policy.spec.get("paramKind")
    if not kind:
        return [None]
    ref = binding.spec.get("paramRef") or {}
    candidates = [p for p in list(policyset.params) + [d for d, _ in objects]
                  if p.get("kind") == kind.get("kind") and p.get("apiVersion") == kind.get("apiVersion")]
    namespace = ref.get("namespace")
    if namespace is None and attrs["namespaced"] and not kind.get("kind") in CLUSTER_SCOPED:
        namespace = attrs["namespace"]
    found = []
    for p in candidates:
        meta = p.get("metadata") or {}
        if namespace and meta.get("namespace", "default") != namespace:
            continue
        if ref.get("name") is not None:
            if meta.get("name") == ref["name"]:
                found.append(p)
        elif ref.get("selector") is not None and selector_matches(ref["selector"], {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}):
            found.append(p)
    if found:
        return found
    if (ref.get("parameterNotFoundAction") or "Deny") == "Allow":
        return []
    return None if not candidates else ["__not_found__"]


def evaluate(ctx) -> list[tuple[object, Verdict]]:
    """(K8sObject, verdict) for every failed validation of every object of the file."""
    policyset = ctx.settings.policies
    if policyset is None or not policyset.bindings:
        return []
    from dockerlint.policies.models import kubernetes_objects

    objects = kubernetes_objects(ctx)
    if not objects:
        return []
    policies = {p.name: p for p in policyset.policies}
    namespaces = {}
    for data in list(policyset.params) + [d for d, _ in objects]:
        if data.get("kind") == "Namespace":
            meta = data.get("metadata") or {}
            namespaces[meta.get("name")] = {str(k): str(v) for k, v in (meta.get("labels") or {}).items()}
    out = []
    for data, obj in objects:
        attrs = _attributes(data)
        if attrs is None:
            continue
        for binding in policyset.bindings:
            policy = policies.get(binding.policy)
            if policy is None:
                continue
            matched = resources_match(policy.spec.get("matchConstraints"), attrs, data, namespaces, required=True)
            if matched:
                matched = resources_match(binding.spec.get("matchResources"), attrs, data, namespaces, required=False)
            if not matched:
                continue
            params = _params(policy, binding, attrs, policyset, objects)
            if params is None:
                continue
            severity, action = _actions(binding)
            for param in params:
                for message in _validate(policy, data, attrs, param, namespaces):
                    out.append((obj, Verdict(severity, _wording(action, policy.name, binding.name, message))))
    return out


def _wording(action: str, policy: str, binding: str, message: str) -> str:
    if action == "deny":
        return f"ValidatingAdmissionPolicy '{policy}' with binding '{binding}' denied request: {message}"
    return f"Validation failed for ValidatingAdmissionPolicy '{policy}' with binding '{binding}': {message}"


def _attributes(data: dict) -> dict | None:
    kind, api = data.get("kind"), data.get("apiVersion")
    if not isinstance(kind, str) or not isinstance(api, str):
        return None
    group, version = group_version(api)
    meta = data.get("metadata") or {}
    namespaced = kind not in CLUSTER_SCOPED
    return {"group": group, "version": version, "kind": kind, "resource": resource_of(kind),
            "name": meta.get("name") or "", "namespace": (meta.get("namespace") or "") if namespaced else "",
            "namespaced": namespaced}


def _validate(policy, data, attrs, param, namespaces) -> list[str]:
    fail_closed = (policy.spec.get("failurePolicy") or "Fail") == "Fail"
    if param == "__not_found__":
        return ["failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction"]
    namespace_object = None
    if attrs["namespace"] and attrs["namespace"] in namespaces:
        namespace_object = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": attrs["namespace"], "labels": namespaces[attrs["namespace"]]}}
    request = {
        "kind": {"group": attrs["group"], "version": attrs["version"], "kind": attrs["kind"]},
        "resource": {"group": attrs["group"], "version": attrs["version"], "resource": attrs["resource"]},
        "operation": "CREATE", "name": attrs["name"], "namespace": attrs["namespace"], "dryRun": False,
        # offline there is no requester: an ordinary authenticated user, member of no other group
        "userInfo": {"username": "", "uid": "", "groups": ["system:authenticated"]},
    }
    from dockerlint.policies.cel_runtime import activation as prepare
    from dockerlint.policies.loader import ADMISSION_VARIABLES

    env = tuple(sorted(ADMISSION_VARIABLES))
    variables: dict = {}
    values = {"object": data, "oldObject": None, "params": param, "request": request,
              "namespaceObject": namespace_object, "variables": variables}
    act = prepare(env, values)
    for name, expr in policy.match_conditions:
        try:
            if expr.program.evaluate(prepared=act) is not True:
                return []
        except Exception as e:  # noqa: BLE001
            return [f"matchCondition '{name}' resulted in error: {e}"] if fail_closed else []
    for name, expr in policy.variables:
        try:
            variables[name] = expr.program.evaluate(prepared=act)
        except Exception:  # noqa: BLE001 - an expression using it fails with "no such key"
            continue
        act = prepare(env, values)  # later variables and the validations see it
    failures = []
    for v in policy.validations:
        expr = v["expression"]
        try:
            result = expr.program.evaluate(prepared=act)
        except Exception as e:  # noqa: BLE001
            if fail_closed:
                failures.append(f"expression '{expr.source.strip()}' resulted in error: {e}")
            continue
        if result is True:
            continue
        message = None
        if v["messageExpression"] is not None:
            try:
                text = v["messageExpression"].program.evaluate(prepared=act)
                if isinstance(text, str) and text.strip() and "\n" not in text:
                    message = text.strip()
            except Exception:  # noqa: BLE001 - the API server falls back to `message`
                message = None
        if message is None:
            message = v["message"] or f"failed expression: {expr.source.strip()}"
        failures.append(message)
    return failures
