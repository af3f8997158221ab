from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._k8s import describe, is_set, key_span, pod_workloads, pss, pss_baseline, text, trivy

VALID_TYPES = ("RuntimeDefault", "Localhost")
_MISSING_ALIASES = (
    "CKV_K8S_31",
    *trivy(30),
    "polaris:linuxHardening",
    "kube-score:container-seccomp-profile",
    "C-0210",
)
_UNCONFINED_ALIASES = ("CKV_K8S_31", *trivy(104), "polaris:linuxHardening")


class SeccompProfile(Rule):
    """
    Run containers under the runtime's default (or a custom) seccomp profile.

    ## What it does
    Flags a container that no seccomp profile of type `RuntimeDefault` or `Localhost` applies
    to (neither its own `securityContext.seccompProfile` nor the pod's), and any
    `seccompProfile` whose type is `Unconfined` or anything else, at pod or container level.

    ## Why is this bad?
    Without a profile the container runs `Unconfined`: every system call is open, including
    the rarely needed ones behind most container escapes (`unshare`, `keyctl`, `bpf`, ...).
    An explicit `Unconfined` violates the Pod Security Standards baseline control "Seccomp";
    a missing profile violates the restricted one.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. A valid
    pod-level profile covers containers that leave it unset; a container's own
    `seccompProfile` replaces the pod's, and an explicit bad value fails even when the pod level
    is good. A bad pod-level value is reported once, at the pod. Pods with
    `spec.os.name: windows` are not asked for a profile (PSS exempts them at restricted); an
    explicit `Unconfined` in them is still a baseline violation. The legacy
    `seccomp.security.alpha.kubernetes.io/*` annotations have no effect and do not count
    (see KS011).

    ## Compared with other tools
    Checkov CKV_K8S_31 also accepts the legacy annotations `runtime/default` and
    `docker/default`; Kubernetes ignores them since 1.27, so we do not. polaris
    `linuxHardening` passes when any of seccomp, SELinux, AppArmor or dropped capabilities is
    present; we require seccomp itself, as PSS restricted, Trivy KSV-0030 and kube-score's
    optional `container-seccomp-profile` do. A missing profile is reported at info severity
    (Trivy's LOW), an invalid one at warning (Trivy KSV-0104, MEDIUM).
    """

    code = "KS005"
    name = "no-seccomp-profile"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = tuple(dict.fromkeys(_MISSING_ALIASES + _UNCONFINED_ALIASES))
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                seccompProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  seccompProfile:
                    type: Unconfined
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                seccompProfile:
                  type: RuntimeDefault
              initContainers:
              - name: init
                image: busybox:1.36
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  seccompProfile:
                    type: Localhost
                    localhostProfile: profiles/web.json
            """
        ),
    ]

    def _check_profile(self, ctx, sc: MappingNode, where: str, windows: bool) -> bool | None:
        """None when `sc` sets no profile, True for a valid one; reports an invalid one."""
        profile = sc.get("seccompProfile") if sc is not None else None
        if not is_set(profile):
            return None
        type_node = profile.get("type") if type(profile) is MappingNode else None
        value = text(type_node)
        if value in VALID_TYPES:
            return True
        span = type_node.span if is_set(type_node) else key_span(sc, "seccompProfile")
        problem = f"sets seccompProfile.type to {value}" if value is not None else "sets a seccompProfile without a type"
        ctx.report(
            span,
            f"{where} {problem}: use RuntimeDefault or Localhost",
            aliases=_UNCONFINED_ALIASES + pss_baseline("seccompProfile_baseline", restricted=not windows),
        )
        return False

    def check(self, ctx):
        missing = _MISSING_ALIASES + pss(restricted="seccompProfile_restricted")
        for workload in pod_workloads(ctx):
            windows = workload.is_windows
            pod_state = self._check_profile(ctx, workload.pod_security_context, "the pod", windows)
            for container in workload.containers:
                state = self._check_profile(ctx, container.security_context, describe(container), windows)
                if state is None and pod_state is None and not windows:
                    ctx.report(
                        container.missing_span,
                        f"{describe(container)} runs without a seccomp profile: set seccompProfile.type: "
                        "RuntimeDefault on the pod or the container",
                        severity=Severity.INFO,
                        aliases=missing,
                    )
