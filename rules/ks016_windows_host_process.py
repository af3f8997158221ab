from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, is_true, pod_workloads, pss_baseline, trivy


class WindowsHostProcess(Rule):
    """
    Do not run Windows HostProcess containers.

    ## What it does
    Flags `securityContext.windowsOptions.hostProcess: true`, at pod level and on each
    container.

    ## Why is this bad?
    A HostProcess container runs directly on the Windows node as a host process (as SYSTEM or
    another host account), with the node's network and filesystem: full access to the node.
    It violates the Pod Security Standards baseline control "HostProcess".

    ## Scope
    The pod's `securityContext` and each regular, init and ephemeral container's are checked
    independently, one finding each (a pod-level `true` is reported once, at the pod).
    HostProcess pods must also set `hostNetwork: true`, which KS009 reports.

    ## Compared with other tools
    Trivy KSV-0103, polaris `hostProcess` and kubescape C-0202 flag the same field, as we do.
    """

    code = "KS016"
    name = "windows-host-process"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = (*trivy(103), "polaris:hostProcess", "C-0202")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: csi-proxy
            spec:
              template:
                spec:
                  hostNetwork: true
                  securityContext:
                    windowsOptions:
                      hostProcess: true
                      runAsUserName: "NT AUTHORITY\\\\SYSTEM"
                  containers:
                  - name: csi-proxy
                    image: ghcr.io/kubernetes-sigs/sig-windows/csi-proxy:v1.1.2
            """,
            count=1,
            at=(11, 24),
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
              securityContext:
                windowsOptions:
                  runAsUserName: ContainerUser
              containers:
              - name: iis
                image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
            """
        ),
    ]

    def _check(self, ctx, sc, where: str) -> None:
        node = sc.get_in("windowsOptions", "hostProcess") if sc is not None else None
        if is_true(node):
            ctx.report(
                node.span,
                f"{where} runs as a Windows HostProcess container, with full access to the node",
                aliases=self.aliases + pss_baseline("windowsHostProcess"),
            )

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            self._check(ctx, workload.pod_security_context, "the pod")
            for container in workload.containers:
                self._check(ctx, container.security_context, describe(container))
