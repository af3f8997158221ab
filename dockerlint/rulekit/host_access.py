"""Does a workload's shape show that it needs the host? Node agents (storage engines loading
kernel modules, CSI node plugins, device plugins, CNI and runtime agents) are privileged for a
reason: a fix that removes their privileges stops them working. Such fixes are display-only,
with the reason this module gives."""
from __future__ import annotations

from dockerlint.rulekit.k8s import mapping, sequence_items, text
from dockerlint.rulekit.k8s_objects import host_paths, normalise_path, runtime_socket

# hostPath prefixes that only a node agent mounts: devices, kernel interfaces, kernel modules,
# the kubelet's plugin and pod directories (CSI, device plugins)
HOST_PATH_PREFIXES = ("/dev", "/sys", "/proc", "/lib/modules", "/usr/lib/modules", "/var/lib/kubelet", "/run/udev", "/boot")
# capabilities that give host-level control: their presence says the container manages the host
HOST_CAPABILITIES = ("SYS_ADMIN", "SYS_MODULE")
# images and container names of the CSI sidecars that run beside a node plugin
CSI_MARKERS = ("csi-node-driver-registrar", "csi-driver-registrar", "node-driver-registrar")


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def host_access_reason(workload) -> str | None:
    """Why this pod needs the host ("it mounts hostPath /lib/modules"), or None."""
    for _name, path, _node in host_paths(workload):
        if runtime_socket(path):
            return f"it mounts the container runtime socket {path}"
        for prefix in HOST_PATH_PREFIXES:
            if _under(path, prefix):
                return f"it mounts hostPath {path}"
    for container in workload.containers:
        image = text(container.image) or ""
        if any(m in image for m in CSI_MARKERS) or any(m in (container.name or "") for m in CSI_MARKERS):
            return f"it is a CSI node plugin ({container.name or image} registers it with the kubelet)"
        sc = container.security_context
        caps = mapping(sc.get("capabilities")) if sc is not None else None
        for item in sequence_items(caps.get("add")) if caps is not None else []:
            name = (text(item) or "").upper().removeprefix("CAP_")
            if name in HOST_CAPABILITIES:
                return f"{_who(container)} adds {name}"
    return None


def _who(container) -> str:
    return f'container "{container.name}"' if container.name else "a container"


# ---- Compose ------------------------------------------------------------------------------------

_COMPOSE_HOST_SOURCES = ("/", "/var/lib/docker", "/var/lib/containerd", "/run", "/var/run")
_COMPOSE_HOST_CAPABILITIES = HOST_CAPABILITIES + ("SYS_PTRACE", "BPF", "PERFMON", "NET_ADMIN", "SYS_RESOURCE")
# images that need privileges by design: Docker-in-Docker, rootful BuildKit, cAdvisor
_PRIVILEGED_IMAGES = ("dind", "moby/buildkit", "cadvisor")


def compose_host_access_reason(service, *, besides: str | None = None) -> str | None:
    """Why a Compose service needs the host, or None. `besides`: a key not to count (the one
    the fix would remove)."""
    from dockerlint.parse.yaml import ScalarNode
    from dockerlint.rulekit.compose import items, mounts, scalar_text, service_image

    node = service.node
    privileged = node.get("privileged")
    if besides != "privileged" and type(privileged) is ScalarNode and privileged.py is True:
        return "it runs privileged"
    for key in ("pid", "network_mode"):
        if key != besides and (scalar_text(node.get(key)) or "").strip().lower() == "host":
            return f"it sets {key}: host"
    if items(node.get("devices")):
        return "it maps host devices"
    for mount in mounts(service):
        if not (mount.source or "").startswith("/"):
            continue
        source = normalise_path(mount.source)
        if runtime_socket(source):
            return f"it mounts the container runtime socket {mount.source}"
        if source in _COMPOSE_HOST_SOURCES or any(_under(source, p) for p in HOST_PATH_PREFIXES):
            return f"it mounts the host's {mount.source}"
    for item in items(node.get("cap_add")):
        name = (scalar_text(item) or "").upper().removeprefix("CAP_")
        if name in _COMPOSE_HOST_CAPABILITIES or name == "ALL":
            return f"it adds {name}"
    ref, _node = service_image(service)
    if ref is not None:
        image = ref.name.lower() + ":" + (ref.tag or "")
        for marker in _PRIVILEGED_IMAGES:
            if marker in image and "rootless" not in image:
                return f"its image {ref.text} needs privileges by design"
    return None
