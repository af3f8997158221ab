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

# Registration sockets the kubelet expects node plugins to mount: every CSI node plugin
# (`plugins_registry`, its own `plugins/<driver>` socket directory) and device plugin
# (`device-plugins`, kubelet.sock) must. They hold sockets, not secrets.
PLUGIN_SOCKET_DIRS = ("/var/lib/kubelet/plugins_registry", "/var/lib/kubelet/device-plugins")
_PLUGIN_DIR = "/var/lib/kubelet/plugins/"


def expected_for_node_plugins(path: str) -> bool:
    if any(path == d or path.startswith(d + "/") for d in PLUGIN_SOCKET_DIRS):
        return True
    return path.startswith(_PLUGIN_DIR) and len(path) > len(_PLUGIN_DIR)


def is_sensitive(path: str) -> bool:
    if path in SENSITIVE_EXACT:
        return True
    if expected_for_node_plugins(path):
        return False
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

    CSI node plugins must mount `/var/lib/kubelet/plugins_registry` (to register with the
    kubelet) and their own `/var/lib/kubelet/plugins/<driver>` socket directory; device
    plugins must mount `/var/lib/kubelet/device-plugins`. Those hold sockets, not secrets, and
    are expected: not reported. The kubelet's pod directory (`/var/lib/kubelet` or
    `/var/lib/kubelet/pods`, which a CSI node plugin also needs with `Bidirectional`
    propagation to publish volumes) holds every pod's secrets and stays reported: suppress it
    on the driver's DaemonSet with `# dockerlint: ignore=KS040` and a reason.

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
              name: ebs-csi-node
            spec:
              template:
                spec:
                  containers:
                  - name: node-driver-registrar
                    image: registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.11.1
                    args: ["--kubelet-registration-path=/var/lib/kubelet/plugins/ebs.csi.aws.com/csi.sock"]
                  volumes:
                  - name: plugin-dir
                    hostPath: {path: /var/lib/kubelet/plugins/ebs.csi.aws.com/, type: DirectoryOrCreate}
                  - name: registration-dir
                    hostPath: {path: /var/lib/kubelet/plugins_registry/, type: Directory}
                  - name: device-plugin
                    hostPath: {path: /var/lib/kubelet/device-plugins}
            """
        ),
        bad(
            """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata:
              name: not-a-driver-dir
            spec:
              template:
                spec:
                  containers:
                  - name: agent
                    image: registry.example.com/agent:3.2
                  volumes:
                  - name: all-plugins
                    hostPath: {path: /var/lib/kubelet/plugins}
                  - name: plugins-sibling
                    hostPath: {path: /var/lib/kubelet/plugins_registry_backup}
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
