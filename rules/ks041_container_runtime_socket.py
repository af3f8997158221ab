from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, trivy
from dockerlint.rulekit.k8s_objects import host_paths, runtime_socket


class ContainerRuntimeSocket(Rule):
    """
    Do not mount the container runtime's socket into a pod.

    ## What it does
    Flags a `hostPath` volume that mounts a container runtime socket (`docker.sock`,
    `containerd.sock`, `crio.sock`, `cri-dockerd.sock`, `podman.sock`) or a directory that
    holds one (`/var/run`, `/run`, `/run/containerd`...).

    ## Why is this bad?
    Whoever talks to the runtime socket can start a privileged container with the host's root
    filesystem mounted: it is root on the node, and it bypasses every admission control of
    the cluster.

    ## Scope
    `hostPath` volumes of every workload with a pod template, paths normalised (`//`, `.`,
    trailing `/`).

    ## Compared with other tools
    Checkov CKV_K8S_27, Trivy KSV-0006 and kube-linter `docker-sock` look for `docker.sock`;
    kubescape C-0074 also for containerd and CRI-O sockets and their directories, as we do.
    """

    code = "KS041"
    name = "container-runtime-socket"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = ("kube-linter:docker-sock", "CKV_K8S_27", *trivy(6), "C-0074")
    examples = [
        ok(  # shown as "Use instead": lints clean
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
              namespace: monitoring
            spec:
              selector:
                matchLabels: {app: agent}
              template:
                metadata:
                  labels: {app: agent}
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/agent:3.2
                    volumeMounts:
                    - {name: scratch, mountPath: /tmp}
                  volumes:
                  - name: scratch
                    emptyDir: {}
            """
        ),
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: ci-runner
            spec:
              template:
                spec:
                  containers:
                  - name: runner
                    image: registry.example.com/runner:16
                    volumeMounts:
                    - name: docker
                      mountPath: /var/run/docker.sock
                  volumes:
                  - name: docker
                    hostPath:
                      path: /var/run/docker.sock
                      type: Socket
                  - name: containerd
                    hostPath: {path: /run/containerd/}
            """,
            count=2,
            at=[(17, 17), (20, 26)],
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: app
            spec:
              containers:
              - name: app
                image: registry.example.com/app:1.0
              volumes:
              - name: sock
                hostPath: {path: /var/run/app/thing.sock}
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for name, path, node in host_paths(workload):
                if runtime_socket(path):
                    what = f'volume "{name}"' if name else "a volume"
                    ctx.report(node.span, f"{what} mounts the container runtime socket ({path}): this is root on the node")
