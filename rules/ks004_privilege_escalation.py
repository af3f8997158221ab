from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import ScalarNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.fixers.security_context import fix_of, set_field
from dockerlint.rulekit.k8s import describe, is_set, is_true, pod_workloads, pss, sequence_items, text, trivy

# The API server rejects allowPrivilegeEscalation: false together with these.
_NEEDS_ESCALATION_CAPS = ("SYS_ADMIN", "CAP_SYS_ADMIN")


class PrivilegeEscalation(Rule):
    """
    Set `allowPrivilegeEscalation: false` on every container.

    ## What it does
    Flags a container whose `securityContext.allowPrivilegeEscalation` is not explicitly
    `false`: unset, `true`, or no `securityContext` at all.

    ## Why is this bad?
    Unless it is `false`, the kernel's `no_new_privs` flag is not set, so a process in the
    container can gain privileges through setuid/setgid binaries or file capabilities. Kubernetes
    defaults it to `true`. This is the Pod Security Standards restricted control "Privilege
    Escalation".

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. The field
    exists only on containers, so each one must set it. Pods with `spec.os.name: windows` are
    exempt (the field does not apply there; PSS exempts them from v1.25).

    ## Compared with other tools
    Checkov CKV_K8S_20, Trivy KSV-0001 and polaris `privilegeEscalationAllowed` fail when the
    field is missing, as PSS does and as we do. kube-linter `privilege-escalation-container`
    fails only on an explicit `true` (or `privileged: true`, or an added `SYS_ADMIN`); with
    Kubernetes defaulting the field to `true`, a missing value allows escalation just the same.

    ## Fix safety
    The fix sets `allowPrivilegeEscalation: false` in the container's `securityContext`
    (creating the block when there is none). It is unsafe: setuid/setgid programs (`sudo`,
    `ping` on old images, `su` in entrypoint scripts) and binaries with file capabilities stop
    gaining their privileges, which can break the container at run time. No fix is offered for
    a container that is `privileged: true` or adds `SYS_ADMIN`: the API server rejects
    `allowPrivilegeEscalation: false` with either (fix KS003 first).
    """

    code = "KS004"
    whole_object = True
    name = "privilege-escalation-allowed"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})  # its fixes are field edits: programs too
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-restricted"})
    aliases = (
        "kube-linter:privilege-escalation-container",
        "CKV_K8S_20",
        *trivy(1),
        "polaris:privilegeEscalationAllowed",
        "C-0016",
        "C-0197",
        "C-0217",
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
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    securityContext:
                      allowPrivilegeEscalation: false
                  containers:
                  - name: web
                    image: nginx:1.27  # pinned
                  # more containers later
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  - name: init
                    image: busybox:1.36
                    securityContext:
                      allowPrivilegeEscalation: false
                  containers:
                  - name: web
                    image: nginx:1.27  # pinned
                    securityContext:
                      allowPrivilegeEscalation: false
                  # more containers later
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
                  allowPrivilegeEscalation: true
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
                  allowPrivilegeEscalation: false
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
                  securityContext: {runAsNonRoot: true}
                - name: debug
                  image: busybox:1.36
                  securityContext:
                    privileged: true
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
                  securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
                - name: debug
                  image: busybox:1.36
                  securityContext:
                    privileged: true
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
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  allowPrivilegeEscalation: false
            """
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: iis
            spec:
              os:
                name: windows
              containers:
              - name: iis
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
            """
        ),
    ]

    def check(self, ctx):
        aliases = self.aliases + pss(restricted="allowPrivilegeEscalation")
        for workload in pod_workloads(ctx):
            if workload.is_windows:
                continue
            for container in workload.containers:
                sc = container.security_context
                node = sc.get("allowPrivilegeEscalation") if sc is not None else None
                if type(node) is ScalarNode and node.py is False:
                    continue
                who = describe(container)
                fix = self._fix(ctx, container)
                if is_set(node):
                    ctx.report(node.span, f"{who} allows privilege escalation: set allowPrivilegeEscalation to false", aliases=aliases, fix=fix)
                else:
                    ctx.report(
                        container.missing_span,
                        f"{who} does not set allowPrivilegeEscalation: false (it defaults to true)",
                        aliases=aliases,
                        fix=fix,
                    )

    @staticmethod
    def _fix(ctx, container):
        sc = container.security_context
        if sc is not None:
            caps = sc.get_in("capabilities", "add")
            if is_true(sc.get("privileged")) or any(text(n) in _NEEDS_ESCALATION_CAPS for n in sequence_items(caps)):
                return None
        edits = set_field(ctx, container.node, ["allowPrivilegeEscalation"], False)
        return fix_of(edits, "set allowPrivilegeEscalation: false")
