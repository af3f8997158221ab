from dockerlint.model import FileKind, Severity
from dockerlint.parse.yaml import MappingNode
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, pss_baseline, text, trivy, volume_sources


class HostPathVolume(Rule):
    """
    Do not mount directories of the node with `hostPath` volumes.

    ## What it does
    Flags every pod volume that uses a `hostPath` source.

    ## Why is this bad?
    A `hostPath` volume exposes the node's filesystem to the pod: the container runtime socket,
    kubelet credentials, other pods' data, `/etc`. Writable, it is a direct path to the node; it
    also ties the pod to one node's contents. It violates the Pod Security Standards baseline
    control "HostPath Volumes", and at restricted the "Volume Types" allowlist that replaces it.

    ## Scope
    The `volumes` of every workload with a pod template. Windows pods are not exempt. Other
    non-allowlisted volume types are reported by KS018.

    ## Compared with other tools
    Trivy KSV-0023, polaris `hostPathSet` and kubescape C-0048/C-0203 fail on any `hostPath`,
    as we do. kube-linter only flags sensitive paths (`sensitive-host-mounts`) or writable
    mounts (`writable-host-mount`), and Trivy KSV-0121 a list of sensitive paths; those are
    narrower concepts, not aliases of this rule.
    """

    code = "KS010"
    name = "host-path-volume"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    presets = frozenset({"pss-baseline", "pss-restricted"})
    aliases = (*trivy(23), "polaris:hostPathSet", "C-0048", "C-0203")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: log-shipper
            spec:
              template:
                spec:
                  containers:
                  - name: shipper
                    image: fluent/fluent-bit:3.1
                    volumeMounts:
                    - name: logs
                      mountPath: /var/log
                  volumes:
                  - name: logs
                    hostPath:
                      path: /var/log
            """,
            count=1,
            at=(16, 9),
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
              volumes:
              - name: cache
                emptyDir: {}
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for name, key, value in volume_sources(workload):
                if key.value != "hostPath":
                    continue
                path = text(value.get("path")) if type(value) is MappingNode else None
                what = f"volume \"{name}\"" if name else "a volume"
                where = f" ({path})" if path else ""
                ctx.report(
                    key.span,
                    f"{what} mounts a directory of the node{where} with hostPath",
                    aliases=self.aliases + pss_baseline("hostPathVolumes"),
                )
