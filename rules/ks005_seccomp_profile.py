from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.fixers.security_context import fix_of, pod_or_container, set_field
from dockerlint.rulekit.k8s import describe, pod_workloads, pss, pss_baseline, trivy
from dockerlint.rulekit.profiles import check_profile_type
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

    ## Fix safety
    A missing profile gets `seccompProfile: {type: RuntimeDefault}` (written in block style) in
    the pod's `securityContext`, which covers every container that sets none itself, unless
    some container of the pod already sets its own `seccompProfile`: the file then configures
    it per container, and the flagged container gets its own. An invalid type (`Unconfined`,
    a typo) becomes `RuntimeDefault`, and a profile without a type gets one; no fix when a
    `localhostProfile` is present (it is only valid with `Localhost`, and which profile was
    meant is unknown) and none for Windows pods, where the field is forbidden. The fix is
    unsafe: the runtime's default profile blocks system calls that a few workloads need
    (`ptrace` for debuggers and profilers, `unshare`/`mount` for in-container builds, some
    `bpf` and `perf_event_open` users), and a container that was explicitly `Unconfined` was
    probably made so on purpose.
    """

    code = "KS005"
    whole_object = True
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
                  securityContext:
                    seccompProfile:
                      type: RuntimeDefault
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
                    type: RuntimeDefault
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
              initContainers:
              - name: init
                image: busybox:1.36
                securityContext:
                  seccompProfile: {}
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  seccompProfile:
                    type: Localhost
                    localhostProfile: profiles/web.json
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
                securityContext:
                  runAsNonRoot: true
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              initContainers:
              - name: init
                image: busybox:1.36
                securityContext:
                  seccompProfile:
                    type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  seccompProfile:
                    type: Localhost
                    localhostProfile: profiles/web.json
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
                securityContext:
                  runAsNonRoot: true
                  seccompProfile:
                    type: RuntimeDefault
            """,
            count=2,
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

    def _check_profile(self, ctx, owner: MappingNode, sc: MappingNode, where: str, windows: bool) -> bool | None:
        aliases = _UNCONFINED_ALIASES + pss_baseline("seccompProfile_baseline", restricted=not windows)
        return check_profile_type(ctx, owner, sc, "seccompProfile", where, windows=windows, aliases=aliases)

    def check(self, ctx):
        missing = _MISSING_ALIASES + pss(restricted="seccompProfile_restricted")
        for workload in pod_workloads(ctx):
            windows = workload.is_windows
            pod_state = self._check_profile(ctx, workload.pod_spec, workload.pod_security_context, "the pod", windows)
            for container in workload.containers:
                state = self._check_profile(ctx, container.node, container.security_context, describe(container), windows)
                if state is None and pod_state is None and not windows:
                    owner, place = pod_or_container(workload, container, "seccompProfile")
                    ctx.report(
                        container.missing_span,
                        f"{describe(container)} runs without a seccomp profile: set seccompProfile.type: "
                        "RuntimeDefault on the pod or the container",
                        severity=Severity.INFO,
                        aliases=missing,
                        fix=fix_of(
                            set_field(ctx, owner, ["seccompProfile", "type"], "RuntimeDefault"),
                            f"set seccompProfile.type: RuntimeDefault on {place}",
                        ),
                    )
