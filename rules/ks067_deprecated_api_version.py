from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import trivy
from dockerlint.rulekit.k8s_objects import all_objects

# (apiVersion, kind or None for every kind) -> (replacement apiVersion, Kubernetes version that removed it)
REMOVED = {
    ("extensions/v1beta1", "Deployment"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "DaemonSet"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "ReplicaSet"): ("apps/v1", "1.16"),
    ("extensions/v1beta1", "NetworkPolicy"): ("networking.k8s.io/v1", "1.16"),
    ("extensions/v1beta1", "PodSecurityPolicy"): ("(none: Pod Security admission)", "1.16"),
    ("extensions/v1beta1", "Ingress"): ("networking.k8s.io/v1", "1.22"),
    ("apps/v1beta1", None): ("apps/v1", "1.16"),
    ("apps/v1beta2", None): ("apps/v1", "1.16"),
    ("networking.k8s.io/v1beta1", None): ("networking.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1beta1", None): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("rbac.authorization.k8s.io/v1alpha1", None): ("rbac.authorization.k8s.io/v1", "1.22"),
    ("apiextensions.k8s.io/v1beta1", None): ("apiextensions.k8s.io/v1", "1.22"),
    ("admissionregistration.k8s.io/v1beta1", None): ("admissionregistration.k8s.io/v1", "1.22"),
    ("apiregistration.k8s.io/v1beta1", None): ("apiregistration.k8s.io/v1", "1.22"),
    ("scheduling.k8s.io/v1beta1", None): ("scheduling.k8s.io/v1", "1.22"),
    ("scheduling.k8s.io/v1alpha1", None): ("scheduling.k8s.io/v1", "1.17"),
    ("coordination.k8s.io/v1beta1", None): ("coordination.k8s.io/v1", "1.22"),
    ("certificates.k8s.io/v1beta1", None): ("certificates.k8s.io/v1", "1.22"),
    ("authentication.k8s.io/v1beta1", None): ("authentication.k8s.io/v1", "1.22"),
    ("authorization.k8s.io/v1beta1", None): ("authorization.k8s.io/v1", "1.22"),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity"): ("storage.k8s.io/v1", "1.27"),
    ("storage.k8s.io/v1beta1", None): ("storage.k8s.io/v1", "1.22"),
    ("batch/v1beta1", None): ("batch/v1", "1.25"),
    ("batch/v2alpha1", None): ("batch/v1", "1.21"),
    ("policy/v1beta1", "PodDisruptionBudget"): ("policy/v1", "1.25"),
    ("policy/v1beta1", "PodSecurityPolicy"): ("(none: Pod Security admission)", "1.25"),
    ("discovery.k8s.io/v1beta1", None): ("discovery.k8s.io/v1", "1.25"),
    ("events.k8s.io/v1beta1", None): ("events.k8s.io/v1", "1.25"),
    ("node.k8s.io/v1beta1", None): ("node.k8s.io/v1", "1.25"),
    ("autoscaling/v2beta1", None): ("autoscaling/v2", "1.25"),
    ("autoscaling/v2beta2", None): ("autoscaling/v2", "1.26"),
    ("flowcontrol.apiserver.k8s.io/v1beta1", None): ("flowcontrol.apiserver.k8s.io/v1", "1.26"),
    ("flowcontrol.apiserver.k8s.io/v1beta2", None): ("flowcontrol.apiserver.k8s.io/v1", "1.29"),
    ("flowcontrol.apiserver.k8s.io/v1beta3", None): ("flowcontrol.apiserver.k8s.io/v1", "1.32"),
}


def _maybe_removed(api_version: str) -> bool:
    """Only pre-release versions of built-in groups get removed: the cheap test before the
    bundled schemas are consulted."""
    version = api_version.rpartition("/")[2]
    group = api_version.rpartition("/")[0]
    return ("alpha" in version or "beta" in version) and (group == "" or "." not in group or group.endswith(".k8s.io"))


def removed(api_version: str | None, kind: str | None):
    if not api_version:
        return None
    return REMOVED.get((api_version, kind)) or REMOVED.get((api_version, None))


class DeprecatedApiVersion(Rule):
    """
    Use API versions that current Kubernetes still serves.

    ## What it does
    Flags an object whose `apiVersion` has been removed from Kubernetes (`extensions/v1beta1`,
    `apps/v1beta2`, `batch/v1beta1`, `policy/v1beta1`, `autoscaling/v2beta2`...), naming the
    replacement and the release that removed it. Removed means removed in the Kubernetes
    version validated against (`kubernetes-version`, default the newest bundled schemas): the
    historic removals are listed here, and later ones come from the bundled schemas (a
    pre-release version served by an older bundled release and not by the target). KS103
    leaves all of these to this rule.

    ## Why is this bad?
    `kubectl apply` fails against clusters at or past that release, usually during an upgrade;
    the replacement versions also changed defaults and required fields (`apps/v1` requires a
    selector), so the move is worth making deliberately.

    ## Scope
    Built-in API groups only (CRD versions: KS103).

    ## Compared with other tools
    kube-linter `no-extensions-v1beta` (extensions and apps betas), Trivy KSV-0107 and
    kube-score `stable-version` (a newer stable version exists). We report only versions that
    are removed, each with its removal release.
    """

    code = "KS067"
    name = "deprecated-api-version"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    aliases = ("kube-linter:no-extensions-v1beta", *trivy(107), "kube-score:stable-version")
    examples = [
        bad(
            """
            apiVersion: extensions/v1beta1
            kind: Ingress
            metadata:
              name: web
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata:
              name: web
            ---
            apiVersion: example.com/v1beta1
            kind: Widget
            metadata:
              name: thing
            """
        ),
    ]

    def check(self, ctx):
        target = None
        for obj in all_objects(ctx):
            if not obj.api_version or not obj.kind:
                continue
            if removed(obj.api_version, obj.kind) is None and not _maybe_removed(obj.api_version):
                continue
            from dockerlint.schemas import resolve_version
            from dockerlint.schemas.k8s import removed_in  # the bundled schemas decide, lazily

            target = target or resolve_version(ctx.settings.kubernetes_version)
            found = removed_in(obj.api_version, obj.kind, target)
            if found is None:
                continue
            replacement, release = found
            node = obj.node.get("apiVersion")
            ctx.report(
                node.span,
                f"{obj.kind} \"{obj.name or ''}\" uses {obj.api_version}, removed in Kubernetes {release}: use {replacement}",
            )
