from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import WRITE_VERBS, Grant, on, report_grants

_ALIASES = ("CKV_K8S_155", *trivy(114), "C-0281")


def _grants(rule):
    verb = rule.has_verb(*WRITE_VERBS, "delete", "deletecollection")
    resource = rule.covers_resource("mutatingwebhookconfigurations", "validatingwebhookconfigurations")
    if verb is None or resource is None or not rule.covers_group("admissionregistration.k8s.io"):
        return []
    return [Grant(verb, f"{verb.value} {on(resource, 'mutatingwebhookconfigurations', 'validatingwebhookconfigurations')}: it controls admission of every object", _ALIASES)]


class RbacAdmissionWebhooks(Rule):
    """
    Do not grant write access to admission webhook configurations.

    ## What it does
    Flags RBAC that allows `create`, `update`, `patch`, `delete` or `deletecollection` on
    `mutatingwebhookconfigurations` or `validatingwebhookconfigurations` (or `*`) in
    `admissionregistration.k8s.io`. A role bound in the same file is reported at each
    binding, an unbound role at the verb.

    ## Why is this bad?
    A mutating webhook sees and can rewrite every object sent to the API server, Secrets
    included: a new one can inject a privileged sidecar into every pod. Deleting or patching
    validating webhooks turns off the policy engines (Gatekeeper, Kyverno) that guard the
    cluster.

    ## Scope
    Roles, ClusterRoles and the bindings of the file; rules limited by `resourceNames` (an
    operator managing its own webhook) are skipped.

    ## Compared with other tools
    Checkov CKV_K8S_155 and Trivy KSV-0114, same meaning; kubescape C-0281. Checkov ignores the
    API group; we require `admissionregistration.k8s.io` (or `*`).
    """

    code = "KS050"
    name = "rbac-admission-webhooks"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = _ALIASES
    examples = [
        bad(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: webhook-admin
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]
              resources: ["mutatingwebhookconfigurations"]
              verbs: ["create", "patch"]
            """,
            count=1,
            at=(8, 11),
        ),
        ok(
            """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: webhook-viewer
            rules:
            - apiGroups: ["admissionregistration.k8s.io"]
              resources: ["validatingwebhookconfigurations"]
              verbs: ["get", "list", "watch"]
            """
        ),
    ]

    def check(self, ctx):
        report_grants(ctx, _grants)
