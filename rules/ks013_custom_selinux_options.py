from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, pss_baseline, text, trivy

# PSS baseline (container_engine_t since policy v1.31); "" means unset
ALLOWED_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})


class CustomSelinuxOptions(Rule):
    """
    Keep SELinux options to the container types; never set the user or role.

    ## What it does
    Flags `seLinuxOptions` (pod or container) whose `type` is not one of `container_t`,
    `container_init_t`, `container_kvm_t` or `container_engine_t`, or that sets `user` or
    `role`. `level` (the MCS categories) is not judged. One finding per pod or container, at
    the first offending field.

    ## Why is this bad?
    The SELinux type decides what the process may touch on the node: a custom type such as
    `spc_t` (super-privileged container) or `unconfined_t` lifts the confinement that keeps a
    container away from host files and other containers. Custom users and roles can do the
    same. This is the Pod Security Standards baseline control "SELinux".

    ## Scope
    The pod's `securityContext.seLinuxOptions` and each regular, init and ephemeral container's
    own are checked independently. An empty `seLinuxOptions: {}` is fine. Windows pods are not
    exempt.

    ## Compared with other tools
    Trivy KSV-0025 implements the same PSS control; we include `container_engine_t`, allowed
    since PSS v1.31 for container engines running in pods.
    """

    code = "KS013"
    name = "custom-selinux-options"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = trivy(25)
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: agent
            spec:
              template:
                spec:
                  securityContext:
                    seLinuxOptions:
                      type: spc_t
                  containers:
                  - name: agent
                    image: example/agent:2.1
                    securityContext:
                      seLinuxOptions:
                        user: system_u
                        role: system_r
            """,
            count=2,
            at=[(10, 17), (16, 19)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: buildkit
            spec:
              securityContext:
                seLinuxOptions:
                  type: container_t
                  level: "s0:c123,c456"
              containers:
              - name: buildkitd
                image: moby/buildkit:v0.16.0
                securityContext:
                  seLinuxOptions:
                    type: container_engine_t
              - name: helper
                image: busybox:1.36
                securityContext:
                  seLinuxOptions: {}
            """
        ),
    ]

    def _check(self, ctx, sc: MappingNode | None, where: str) -> None:
        options = sc.get("seLinuxOptions") if sc is not None else None
        if type(options) is not MappingNode:
            return
        problems, spans = [], []
        type_node = options.get("type")
        if (text(type_node) or "") not in ALLOWED_TYPES:
            problems.append(f"type {text(type_node)}")
            spans.append(type_node.span)
        for field in ("user", "role"):
            node = options.get(field)
            if text(node):
                problems.append(f"{field} {text(node)}")
                spans.append(node.span)
        if problems:
            ctx.report(
                min(spans),
                f"{where} sets SELinux {' and '.join(problems)}: only the container_* types are allowed, "
                "and user and role must be empty",
                aliases=self.aliases + pss_baseline("seLinuxOptions"),
            )

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            self._check(ctx, workload.pod_security_context, "the pod")
            for container in workload.containers:
                self._check(ctx, container.security_context, describe(container))
