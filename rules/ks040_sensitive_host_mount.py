from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import pod_workloads, trivy
from dockerlint.rulekit.k8s_objects import host_paths, runtime_socket

# the node's system directories, as a whole
SENSITIVE_EXACT = frozenset({
    "/", "/bin", "/sbin", "/boot", "/dev", "/etc", "/lib", "/lib64", "/proc", "/sys", "/usr",
    "/var", "/var/lib", "/home", "/var/lib/docker", "/var/lib/containerd", "/var/lib/crio",
})
# directories that hold credentials or node configuration: anything inside them too
SENSITIVE_TREES = (
    "/etc/kubernetes", "/var/lib/kubelet", "/var/lib/etcd", "/root", "/boot", "/etc/ssh",
    "/etc/shadow", "/etc/sudoers", "/etc/sudoers.d", "/etc/systemd", "/etc/cron.d", "/proc/sys",
    "/sys/kernel", "/sys/firmware",
)


def is_sensitive(path: str) -> bool:
    if path in SENSITIVE_EXACT:
        return True
    return any(path == t or path.startswith(t + "/") for t in SENSITIVE_TREES)


class SensitiveHostMount(Rule):
    """
    Do not mount the node's system directories or credentials with `hostPath`.

    ## What it does
    Flags a `hostPath` volume whose path is a system directory of the node (`/`, `/etc`,
    `/proc`, `/sys`, `/dev`, `/boot`, `/usr`, `/lib`, `/var/lib/docker`...) or lies inside a
    directory that holds credentials (`/etc/kubernetes`, `/var/lib/kubelet`, `/var/lib/etcd`,
    `/root`, `/etc/ssh`...).

    ## Why is this bad?
    These mounts hand the node over: `/etc` and `/root` to write users, keys and cron jobs,
    `/var/lib/kubelet` holds every pod's secrets and the kubelet's client certificate,
    `/etc/kubernetes` the control plane's keys, `/proc` and `/sys` writable kernel settings,
    `/dev` the disks. Read-only they still leak credentials.

    ## Scope
    `hostPath` volumes of every workload with a pod template; paths are normalised (`//`,
    `.`, `..`, trailing `/`), symlinks cannot be followed. Container runtime sockets are
    KS041's; other host paths only KS010's (any hostPath, warning). Everyday subpaths such as
    `/etc/localtime`, `/etc/ssl/certs` and `/var/log` are not reported here.

    ## Compared with other tools
    kube-linter `sensitive-host-mounts` matches exactly `/`, `/boot`, `/dev`, `/etc`, `/lib`,
    `/proc`, `/sys`, `/usr`; Trivy KSV-0121 has a longer list with kubelet and Docker
    directories. We match both lists and the credential directories below them.
    """

    code = "KS040"
    name = "sensitive-host-mount"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.ERROR
    security = True
    aliases = ("kube-linter:sensitive-host-mounts", *trivy(121), "C-0048")
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: agent
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/agent:3.2
                  volumes:
                  - name: root
                    hostPath: {path: /}
                  - name: kubelet
                    hostPath:
                      path: /var/lib/kubelet/pods/
                  - name: tz
                    hostPath: {path: /etc/localtime}
            """,
            count=2,
        ),
        ok(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: logs
            spec:
              template:
                spec:
                  containers:
                  - name: shipper
                    image: fluent/fluent-bit:3.1
                  volumes:
                  - name: logs
                    hostPath: {path: /var/log}
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for name, path, node in host_paths(workload):
                if runtime_socket(path) or not is_sensitive(path):
                    continue
                what = f'volume "{name}"' if name else "a volume"
                ctx.report(node.span, f"{what} mounts the node's {path} into the pod")
