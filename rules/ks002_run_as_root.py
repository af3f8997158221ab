from dockerlint.model import FileKind, Severity
from dockerlint.rule import Option, Rule, bad, ok
from dockerlint.fixers.security_context import fix_of, pod_or_container, set_field, set_value
from dockerlint.rulekit.k8s import describe, is_set, is_true, pod_workloads, pss, scalar, trivy

_NON_ROOT_ALIASES = (
    "kube-linter:run-as-non-root",
    "CKV_K8S_23",
    *trivy(12),
    "polaris:runAsRootAllowed",
    "C-0013",
    "C-0198",
    "C-0218",
)
# runAsUser: 0 (Trivy KSV-0105); kube-linter's run-as-non-root and Checkov's CKV_K8S_23 fail on it too
_UID0_ALIASES = ("kube-linter:run-as-non-root", "CKV_K8S_23", *trivy(105))


def _uid_zero(node) -> bool:
    s = scalar(node)
    return s is not None and type(s.py) is int and s.py == 0


def _shown(node) -> str:
    s = scalar(node)
    return s.value if s is not None else "a non-boolean value"


def _uid_non_zero(node) -> bool:
    s = scalar(node)
    return s is not None and type(s.py) is int and s.py != 0


def _set_true(ctx, node):
    s = scalar(node)
    return fix_of(set_value(ctx, s, "true"), "set runAsNonRoot: true") if s is not None else None


class RunAsRoot(Rule):
    """
    Require containers to run as a non-root user.

    ## What it does
    Flags a container that may run as root: `runAsNonRoot` is not `true` for it (set on the
    container, or on the pod and not overridden), or `runAsUser: 0` is set. Also flags an
    explicit `runAsNonRoot: false` or `runAsUser: 0` at pod level even when every container
    overrides it.

    ## Why is this bad?
    Without `runAsNonRoot: true` the kubelet starts the image's user, which is root for most
    images; root in a container is one kernel bug or one mis-mounted path away from root on the
    node. These are the Pod Security Standards restricted controls "Running as Non-root" and
    "Running as Non-root user".

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. A container's
    value wins over the pod's; a pod-level `true` covers containers that leave it unset.
    Skipped entirely for pods with `hostUsers: false` (a user namespace maps root to an
    unprivileged host user; PSS exempts them from v1.35). Windows pods are not exempt.
    One finding per container for `runAsNonRoot`, one for `runAsUser: 0`, and one per
    explicit bad pod-level value.

    ## Options
    `allow_non_root_uid` (default false): accept an effective non-zero `runAsUser` without
    `runAsNonRoot: true`, as kube-linter and Checkov do. This is not PSS restricted
    conformant.

    ## Compared with other tools
    PSS restricted requires `runAsNonRoot: true` even when `runAsUser` is non-zero, and so do we
    by default: the kubelet only enforces non-root when `runAsNonRoot` is set, and a later edit
    of `runAsUser` does not trip anything. kube-linter `run-as-non-root` and Checkov CKV_K8S_23
    accept a non-zero `runAsUser` instead (our `allow_non_root_uid`); kube-linter also fails on
    `runAsGroup: 0`, which is not this rule's concern. kube-score only checks for UID >= 10000.
    Trivy splits the concept in two (KSV-0012, KSV-0105), as our per-finding aliases do.

    ## Fix safety
    A `runAsNonRoot` that is not `true` is set to `true`. A missing one is added to the pod's
    `securityContext` (created when needed), which covers every container that does not set it
    itself, unless some container of the pod already sets `runAsNonRoot`: the file then
    configures it per container, and the flagged container gets its own. `runAsUser: 0` has no
    fix (which user to run as is the application's choice). The fix is unsafe: the kubelet then
    refuses to start a container whose image runs as root, or as a user name it cannot verify
    to be non-root (`USER app` without a numeric UID, unless `runAsUser` is set), with
    `CreateContainerConfigError`.
    """

    code = "KS002"
    whole_object = True
    name = "run-as-root"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})  # its fixes are field edits: programs too
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-restricted"})
    aliases = tuple(dict.fromkeys(_NON_ROOT_ALIASES + _UID0_ALIASES))
    options = {
        "allow_non_root_uid": Option(bool, False, "accept a non-zero runAsUser without runAsNonRoot: true"),
    }
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
                    runAsNonRoot: true
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
                runAsNonRoot: true
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsUser: 0
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
                runAsNonRoot: false
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsNonRoot: true
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsNonRoot: true
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsNonRoot: true
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
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsNonRoot: "no"
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsNonRoot: true
              - name: sidecar
                image: envoyproxy/envoy:v1.31.0
                securityContext:
                  runAsNonRoot: true
            """,
            count=2,
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  securityContext:
                    runAsNonRoot: true
                    runAsUser: 10001
                  initContainers:
                  - name: init
                    image: busybox:1.36
                  containers:
                  - name: db
                    image: postgres:16
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: userns
            spec:
              hostUsers: false
              containers:
              - name: app
                image: nginx:1.27
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsUser: 10001
            """,
            config={"rules": {"KS002": {"allow_non_root_uid": True}}},
        ),
    ]

    def check(self, ctx):
        allow_uid = bool(ctx.options.get("allow_non_root_uid"))
        non_root = _NON_ROOT_ALIASES + pss(restricted="runAsNonRoot")
        uid0 = _UID0_ALIASES + pss(restricted="runAsUser")
        for workload in pod_workloads(ctx):
            if workload.host_users_false:
                continue
            psc = workload.pod_security_context
            pod_flag = psc.get("runAsNonRoot") if psc is not None else None
            pod_uid = psc.get("runAsUser") if psc is not None else None
            if is_set(pod_flag) and not is_true(pod_flag):
                ctx.report(
                    pod_flag.span,
                    f"the pod sets runAsNonRoot to {_shown(pod_flag)}: its containers may run as root",
                    aliases=non_root,
                    fix=_set_true(ctx, pod_flag),
                )
            if _uid_zero(pod_uid):
                ctx.report(pod_uid.span, "the pod sets runAsUser: 0 (root)", aliases=uid0)
            for container in workload.containers:
                csc = container.security_context
                flag = csc.get("runAsNonRoot") if csc is not None else None
                uid = csc.get("runAsUser") if csc is not None else None
                who = describe(container)
                if is_set(flag):
                    if not is_true(flag):
                        ctx.report(
                            flag.span,
                            f"{who} sets runAsNonRoot to {_shown(flag)}: it may run as root",
                            aliases=non_root,
                            fix=_set_true(ctx, flag),
                        )
                elif not is_set(pod_flag):
                    effective_uid = uid if is_set(uid) else pod_uid
                    if not (allow_uid and _uid_non_zero(effective_uid)):
                        owner, where = pod_or_container(workload, container, "runAsNonRoot")
                        ctx.report(
                            container.missing_span,
                            f"{who} may run as root: set runAsNonRoot: true on the pod or the container",
                            aliases=non_root,
                            fix=fix_of(set_field(ctx, owner, ["runAsNonRoot"], True), f"set runAsNonRoot: true on {where}"),
                        )
                if _uid_zero(uid):
                    ctx.report(uid.span, f"{who} sets runAsUser: 0 (root)", aliases=uid0)
