"""What is known about the user a Kubernetes container runs as: the evidence a fix needs before
it may set `runAsNonRoot: true` (which makes the kubelet refuse, with
CreateContainerConfigError, a container whose user is root or a name it cannot check)."""
from __future__ import annotations

from dataclasses import dataclass, field

from dockerlint.images.knowledge import runtime_user
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
