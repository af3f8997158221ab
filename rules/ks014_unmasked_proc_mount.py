from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, pss, scalar, trivy


class UnmaskedProcMount(Rule):
    """
    Keep the default masked `/proc` mount.

    ## What it does
    Flags a container whose `securityContext.procMount` is set to anything other than
    `Default`, such as `Unmasked`.

    ## Why is this bad?
    The default `/proc` mount masks and makes read-only the paths that leak host information
    or let a process reconfigure the kernel (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger`,
    ...). `Unmasked` removes that. It violates the Pod Security Standards baseline control
    "/proc Mount Type" (unless the pod runs in a user namespace) and always the restricted one.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. In a pod with
    `hostUsers: false` the masked paths belong to the pod's own user namespace, so PSS baseline
    allows any value there (from v1.35); the finding then carries only the restricted alias.
    Windows pods are not exempt.

    ## Compared with other tools
    kube-linter `unsafe-proc-mount` (off by default), Trivy KSV-0027 and polaris `procMount`
    fail on any value but `Default` whatever `hostUsers` says; we report it too, and let the PSS
    aliases tell the levels apart.
    """

    code = "KS014"
    name = "unmasked-proc-mount"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = ("kube-linter:unsafe-proc-mount", *trivy(27), "polaris:procMount")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: builder
            spec:
              template:
                spec:
                  hostUsers: false
                  containers:
                  - name: buildkitd
                    image: moby/buildkit:v0.16.0-rootless
                    securityContext:
                      procMount: Unmasked
            """,
            count=1,
            at=(13, 22),
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
                  procMount: Default
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            userns = workload.host_users_false
            for container in workload.containers:
                sc = container.security_context
                node = scalar(sc.get("procMount")) if sc is not None else None
                if node is None or node.value == "Default":
                    continue
                note = " (allowed by PSS baseline only because hostUsers is false)" if userns else ""
                ctx.report(
                    node.span,
                    f"{describe(container)} sets procMount to {node.value}: keep the default masked /proc{note}",
                    aliases=self.aliases
                    + pss(baseline=None if userns else "procMount", restricted="procMount_restricted"),
                )
