"""Issue 16's invariants on one fixed file, judged from the YAML itself (not from the rules'
own analysis): shared by tests/test_fix_corpus.py and bench/fix_safety.py.

- `k8s_checks`: containers the fix gave an effective `runAsNonRoot: true` without a non-root
  `runAsUser` whose image the knowledge base does not know to run as non-root; privilege
  removals (privileged turned off, added capabilities dropped, allowPrivilegeEscalation: false on
  a privileged container) on pods that mount host paths a node agent needs, run a CSI
  registrar or add SYS_ADMIN/SYS_MODULE.
- `compose_checks`: services whose `network_mode: host` the fix removed that end with no `ports:`.
"""
from __future__ import annotations

import yaml

HOST_PATHS = ("/dev", "/sys", "/lib/modules", "/var/lib/kubelet", "/proc", "/run/containerd",
              "/var/run/docker.sock", "/run/docker.sock", "/var/run/crio", "/run/crio",
              "/var/run/containerd", "/var/run/cri-dockerd.sock")


def _pod_specs(node, out):
    if isinstance(node, dict):
        if isinstance(node.get("containers"), list):
            out.append(node)
        for v in node.values():
            _pod_specs(v, out)
    elif isinstance(node, list):
        for v in node:
            _pod_specs(v, out)
    return out


def _containers(spec):
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for c in spec.get(key) or []:
            if isinstance(c, dict):
                yield key, c


def _sc(d):
    sc = d.get("securityContext")
    return sc if isinstance(sc, dict) else {}


def host_access_reason(spec) -> str | None:
    for v in spec.get("volumes") or []:
        if isinstance(v, dict) and isinstance(v.get("hostPath"), dict):
            path = str(v["hostPath"].get("path", ""))
            if any(path == p or path.startswith(p.rstrip("/") + "/") for p in HOST_PATHS):
                return f"hostPath {path}"
    for _k, c in _containers(spec):
        image = str(c.get("image", ""))
        if "csi-node-driver-registrar" in image:
            return f"CSI sidecar {image}"
        caps = (_sc(c).get("capabilities") or {}).get("add") or []
        if any(str(x).upper().removeprefix("CAP_") in ("SYS_ADMIN", "SYS_MODULE") for x in caps if isinstance(caps, list)):
            return "SYS_ADMIN/SYS_MODULE"
    return None


def _docs(text):
    try:
        return list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None


def _image_known_non_root(image: str) -> bool:
    try:
        from dockerlint.images.knowledge import runtime_user
        from dockerlint.images.reference import parse_image

        user = runtime_user(parse_image(image))
    except Exception:
        return False
    return user is not None and user.default


def k8s_checks(original, fixed):
    """(runAsNonRoot without a non-root runAsUser, privilege removals on host-access workloads)."""
    before, after = _docs(original), _docs(fixed)
    bad_nonroot, bad_priv = [], []
    if before is None or after is None or len(before) != len(after):
        return bad_nonroot, bad_priv
    for b_doc, a_doc in zip(before, after):
        b_specs, a_specs = _pod_specs(b_doc, []), _pod_specs(a_doc, [])
        if len(b_specs) != len(a_specs):
            continue
        for b_spec, a_spec in zip(b_specs, a_specs):
            b_pod, a_pod = _sc(b_spec), _sc(a_spec)
            reason = host_access_reason(b_spec)
            for (_k, bc), (_k2, ac) in zip(_containers(b_spec), _containers(a_spec)):
                bsc, asc = _sc(bc), _sc(ac)

                def eff(sc, pod, key):
                    return sc[key] if key in sc else pod.get(key)

                nonroot_before = eff(bsc, b_pod, "runAsNonRoot") is True
                nonroot_after = eff(asc, a_pod, "runAsNonRoot") is True
                uid = eff(asc, a_pod, "runAsUser")
                if nonroot_after and not nonroot_before and not (type(uid) is int and uid > 0):
                    if not _image_known_non_root(str(ac.get("image", ""))):
                        bad_nonroot.append(f"{ac.get('name')} ({ac.get('image')})")
                if reason:
                    if bsc.get("privileged") is True and asc.get("privileged") is not True:
                        bad_priv.append(f"{ac.get('name')}: privileged removed ({reason})")
                    b_add = set(map(str, (bsc.get("capabilities") or {}).get("add") or []))
                    a_add = set(map(str, (asc.get("capabilities") or {}).get("add") or []))
                    if b_add - a_add:
                        bad_priv.append(f"{ac.get('name')}: capabilities {sorted(b_add - a_add)} removed ({reason})")
                    if bsc.get("privileged") is True and asc.get("allowPrivilegeEscalation") is False and bsc.get("allowPrivilegeEscalation") is not False:
                        bad_priv.append(f"{ac.get('name')}: allowPrivilegeEscalation: false on a privileged container ({reason})")
    return bad_nonroot, bad_priv


def compose_checks(original, fixed):
    before, after = _docs(original), _docs(fixed)
    out = []
    if not before or not after or not isinstance(before[0], dict) or not isinstance(after[0], dict):
        return out
    b_services = before[0].get("services") or {}
    a_services = after[0].get("services") or {}
    if not isinstance(b_services, dict) or not isinstance(a_services, dict):
        return out
    for name, b in b_services.items():
        a = a_services.get(name)
        if not isinstance(b, dict) or not isinstance(a, dict):
            continue
        if str(b.get("network_mode", "")).lower() == "host" and "network_mode" not in a and not a.get("ports"):
            out.append(str(name))
    return out


