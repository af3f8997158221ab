"""What is known about the user a Kubernetes container runs as: the evidence a fix needs before
it may set `runAsNonRoot: true` (which makes the kubelet refuse, with
CreateContainerConfigError, a container whose user is root or a name it cannot check)."""
from __future__ import annotations

from dataclasses import dataclass, field

from dockerlint.images.knowledge import runtime_user, starts_as_root
from dockerlint.images.reference import parse_image
from dockerlint.rulekit.k8s import scalar
from dockerlint.rulekit.k8s_model import Container, Workload


@dataclass(frozen=True)
class NonRootEvidence:
    """Why `runAsNonRoot: true` will not stop the container, and what must be set with it."""

    because: str
    fields: dict = field(default_factory=dict)  # runAsUser / runAsGroup to set on the container


def _int_field(workload: Workload, container: Container, key: str):
    """The effective value of a securityContext integer field: the container's, else the pod's."""
    for sc in (container.security_context, workload.pod_security_context):
        node = sc.get(key) if sc is not None else None
        s = scalar(node)
        if s is not None:
            return s.py
    return None


def effective_uid(workload: Workload, container: Container):
    return _int_field(workload, container, "runAsUser")


def image_text(container: Container) -> str | None:
    s = scalar(container.image)
    return s.value if s is not None else None


def non_root_evidence(workload: Workload, container: Container) -> tuple[NonRootEvidence | None, str]:
    """(evidence, "") when the container's non-root user is known, else (None, why not)."""
    uid = effective_uid(workload, container)
    if type(uid) is int and uid > 0:
        return NonRootEvidence(f"it sets runAsUser: {uid}"), ""
    if type(uid) is int and uid == 0:
        return None, "it sets runAsUser: 0"
    image = image_text(container)
    if not image or "$" in image or "{" in image:
        return None, "its image is not known"
    user = runtime_user(parse_image(image))
    if user is None:
        return None, f"dockerlint does not know a non-root user of {image}"
    if user.default:
        return NonRootEvidence(f"{image} runs as uid {user.uid}"), ""
    fields = {"runAsUser": user.uid}
    if user.gid is not None and _int_field(workload, container, "runAsGroup") is None:
        fields["runAsGroup"] = user.gid
    return NonRootEvidence(f"{image} has the non-root user uid {user.uid} but runs as root by default", fields), ""


def default_capabilities_needed(workload: Workload, container: Container) -> str | None:
    """Why the container needs some of the runtime's default capabilities, or None: its image
    starts as root and drops privileges itself (CHOWN, SETUID, SETGID), or it listens on a port
    below 1024 as a user not known to be non-root (NET_BIND_SERVICE)."""
    from dockerlint.rulekit.k8s import mapping, sequence_items

    image = image_text(container)
    if image and "$" not in image and "{" not in image:
        how = starts_as_root(parse_image(image))
        if how:
            return f"{image}: {how}, which takes CHOWN, SETUID and SETGID"
    evidence, _why = non_root_evidence(workload, container)
    if evidence is None:
        for port in sequence_items(container.node.get("ports")):
            number = scalar(mapping(port).get("containerPort")) if mapping(port) is not None else None
            if number is not None and type(number.py) is int and 0 < number.py < 1024:
                return f"it listens on port {number.py} as a user not known to be non-root, which takes NET_BIND_SERVICE"
    return None
