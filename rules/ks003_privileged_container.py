from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, ok

from dockerlint.fixers.security_context import fix_of, set_value
from dockerlint.rulekit.host_access import host_access_reason
from dockerlint.rulekit.k8s import describe, is_true, pod_workloads, pss_baseline, trivy


class PrivilegedContainer(Rule):
    """
    Do not run containers privileged.

    ## What it does
    Flags a container whose `securityContext.privileged` is `true`.

    ## Why is this bad?
    A privileged container gets every capability, all host devices and no seccomp, AppArmor or
    SELinux confinement: root in it is root on the node. It violates the Pod Security Standards
    baseline control "Privileged Containers".

    ## Scope
    Every workload with a pod template (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ReplicationController, Job, CronJob, PodTemplate and CRDs of the same shape), and all its
    regular, init and ephemeral containers. The field exists only on containers. Windows pods
    are not exempt.

    ## Compared with other tools
    All peers fail only on an explicit `true`, as we do. kube-linter's
    `privilege-escalation-container` also fires on `privileged: true`; here that is KS004's
    business only when `allowPrivilegeEscalation` is not false.

    ## Fix safety
    The fix sets `privileged: false` (rather than deleting the key, which would leave an empty
    `securityContext:` behind; both mean the same to the kubelet). It is unsafe: whatever made
    the container privileged (device access, mounting filesystems, Docker-in-Docker) stops
    working, and some of it may need specific capabilities or devices instead.
    It is display-only, with the reason, when the pod's shape shows a node agent that needs the
    host: a `hostPath` under `/dev`, `/sys`, `/proc`, `/lib/modules`, `/var/lib/kubelet`,
    `/run/udev` or `/boot`, a container runtime socket, a CSI node-driver-registrar sidecar, or
    a container adding `SYS_ADMIN` or `SYS_MODULE` (storage engines, CSI node plugins, device
    plugins, CNI agents).
    """

    code = "KS003"
    name = "privileged-container"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})  # its fixes are field edits: programs too
    severity = Severity.ERROR
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = (
        "kube-linter:privileged-container",
        "CKV_K8S_16",
        *trivy(17),
        "polaris:runAsPrivileged",
        "kube-score:container-security-context-privileged",
        "C-0057",
        "C-0193",
        "C-0213",
    )
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
                    securityContext:
                      privileged: true  # needed for the device plugin
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
                      privileged: false  # needed for the device plugin
            """,
            count=1,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug
            spec:
              containers:
              - name: app
                image: nginx:1.27
              ephemeralContainers:
              - name: shell
                image: busybox:1.36
                securityContext: {privileged: true}
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug
            spec:
              containers:
              - name: app
                image: nginx:1.27
              ephemeralContainers:
              - name: shell
                image: busybox:1.36
                securityContext: {privileged: false}
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
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  privileged: false
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                sc = container.security_context
                node = sc.get("privileged") if sc is not None else None
                if is_true(node):
                    needs_host = host_access_reason(workload)
                    if needs_host:
                        fix = fix_of(
                            set_value(ctx, node, "false"),
                            f"set privileged: false, once the pod no longer needs it; not applied because {needs_host}:"
                            " a node agent usually needs its privileges (grant the specific capabilities or devices instead)",
                            Applicability.DISPLAY_ONLY,
                        )
                    else:
                        fix = fix_of(set_value(ctx, node, "false"), "set privileged: false")
                    ctx.report(
                        node.span,
                        f"{describe(container)} runs privileged",
                        aliases=self.aliases + pss_baseline("privileged"),
                        fix=fix,
                    )
