from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, sequence_items, trivy
from dockerlint.rulekit.k8s_objects import int_value


class RootGroup(Rule):
    """
    Do not run pods with the root group (GID 0).

    ## What it does
    Flags an explicit GID 0: `runAsGroup: 0` on a container or the pod, `fsGroup: 0`, or 0 in
    `supplementalGroups`.

    ## Why is this bad?
    Group 0 is `root` on the node. Files that are group-readable or group-writable by root on
    mounted volumes, and devices, become accessible; combined with a container escape it keeps
    root-group rights on the host. `fsGroup: 0` also makes the kubelet chown volumes to root.

    ## Scope
    Every workload with a pod template, and its regular, init and ephemeral containers; only
    explicit values (an unset `runAsGroup` uses the image's group). Pods with
    `hostUsers: false` are skipped (GID 0 is mapped to an unprivileged host GID).

    ## Compared with other tools
    Trivy KSV-0116 checks the same three fields. kube-linter reports `runAsGroup: 0` inside
    `run-as-non-root` ("explicitly uses the root group"), so its id is an alias here too.
    """

    code = "KS035"
    name = "root-group"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.INFO
    security = True
    aliases = (*trivy(116), "kube-linter:run-as-non-root")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsNonRoot: true
                fsGroup: 0
                supplementalGroups: [4000, 0]
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  runAsGroup: 0
            """,
            count=3,
            at=[(8, 14), (9, 32), (14, 19)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                runAsGroup: 10001
                fsGroup: 10001
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            if workload.host_users_false:
                continue
            psc = workload.pod_security_context
            if psc is not None:
                for field in ("runAsGroup", "fsGroup"):
                    node = psc.get(field)
                    if int_value(node) == 0:
                        ctx.report(node.span, f"the pod sets {field}: 0 (the root group)")
                for item in sequence_items(psc.get("supplementalGroups")):
                    if int_value(item) == 0:
                        ctx.report(item.span, "the pod adds the root group (0) to supplementalGroups")
            for container in workload.containers:
                sc = container.security_context
                node = sc.get("runAsGroup") if sc is not None else None
                if int_value(node) == 0:
                    ctx.report(node.span, f"{describe(container)} sets runAsGroup: 0 (the root group)")
