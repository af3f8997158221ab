from dockerlint.rulekit.k8s_model import TEMPLATE_KINDS
from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.fixers.security_context import ensure_fields, fix_of, is_yaml
from dockerlint.fixers.yaml_edits import delete_pair, replace_value, scalar_text
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import is_set, pod_workloads, text

POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
CONTAINER_PREFIX = "container.seccomp.security.alpha.kubernetes.io/"


class LegacySeccompAnnotation(Rule):
    """
    Replace the alpha seccomp annotations with `securityContext.seccompProfile`.

    ## What it does
    Flags the annotations `seccomp.security.alpha.kubernetes.io/pod` and
    `container.seccomp.security.alpha.kubernetes.io/<container>`.

    ## Why is this bad?
    Kubernetes 1.19 replaced them with the `seccompProfile` field and 1.27 stopped honouring
    them: a manifest that relies on `seccomp.security.alpha.kubernetes.io/pod: runtime/default`
    looks confined but runs with whatever the field says, which is usually nothing at all. Pod
    Security admission ignores them too (from policy v1.19).

    ## Scope
    The annotations of the pod (a template's `metadata`) and, for workloads such as
    Deployments, of the object's own metadata, where they never had an effect. They do not
    count as a profile for KS005.

    ## Compared with other tools
    Checkov CKV_K8S_31 still accepts these annotations as a seccomp profile and kube-score and
    Trivy no longer read them; no peer flags them, so this rule has no aliases. Translate
    `runtime/default` / `docker/default` to `type: RuntimeDefault`, `localhost/<path>` to
    `type: Localhost` with `localhostProfile: <path>`, and `unconfined` to nothing at all.

    ## Fix safety
    The fix does that translation: it removes the annotation (the whole `annotations:` key when
    it was the only one, or leaves `annotations: {}` when that was all the metadata held) and, for `runtime/default`, `docker/default` and `localhost/<path>`,
    adds the equivalent `seccompProfile` to the pod's `securityContext` (pod annotation) or to
    the named container's (container annotation), unless that level already sets a
    `seccompProfile` or the pod is a Windows pod. Other values get no fix.

    It is unsafe on the pod's own annotations: on clusters before 1.27 the annotation still
    worked, and there removing it (for `unconfined`, or where a field already disagreed with
    it) changes the profile; from 1.27 the added field switches on a confinement the pod did
    not have, which can block system calls it makes (see KS005). It is safe for an annotation
    on a built-in controller's own metadata (Deployment, StatefulSet, DaemonSet, ReplicaSet,
    ReplicationController, Job, CronJob, PodTemplate): those annotations never reach the pods,
    so removing them changes nothing that runs. On custom resources it is unsafe, as their
    controllers may copy their own annotations to the pods.
    """

    code = "KS011"
    name = "legacy-seccomp-annotation"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  annotations:
                    seccomp.security.alpha.kubernetes.io/pod: runtime/default
                    container.seccomp.security.alpha.kubernetes.io/web: runtime/default
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                metadata:
                  annotations: {}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      seccompProfile:
                        type: RuntimeDefault
                  securityContext:
                    seccompProfile:
                      type: RuntimeDefault
            """,
            count=2,
        ),
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              annotations:
                seccomp.security.alpha.kubernetes.io/pod: runtime/default  # no effect here
                team: payments
            spec:
              template:
                metadata:
                  labels: {app: web}
                  annotations:
                    seccomp.security.alpha.kubernetes.io/pod: runtime/default
                    container.seccomp.security.alpha.kubernetes.io/web: localhost/profiles/web.json
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              annotations:
                team: payments
            spec:
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    securityContext:
                      seccompProfile:
                        type: Localhost
                        localhostProfile: profiles/web.json
                  securityContext:
                    seccompProfile:
                      type: RuntimeDefault
            """,
            count=3,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations:
                seccomp.security.alpha.kubernetes.io/pod: unconfined
                prometheus.io/scrape: "true"
            spec:
              securityContext:
                runAsNonRoot: true
              containers:
              - name: web
                image: nginx:1.27
            """,
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
              annotations:
                prometheus.io/scrape: "true"
            spec:
              securityContext:
                runAsNonRoot: true
              containers:
              - name: web
                image: nginx:1.27
            """,
            count=1,
        ),
        ok(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              securityContext:
                seccompProfile:
                  type: RuntimeDefault
              containers:
              - name: web
                image: nginx:1.27
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            metas = [(workload.pod_meta, "")]
            if workload.obj.metadata is not None and workload.obj.metadata is not workload.pod_meta:
                metas.append((workload.obj.metadata, f" on the {workload.kind or 'object'} itself, which never reaches its pods"))
            for meta, where in metas:
                annotations = meta.get_mapping("annotations") if meta is not None else None
                if annotations is None:
                    continue
                for key, value in annotations.items():
                    name = key.value
                    if name == POD_ANNOTATION:
                        replacement = "spec.securityContext.seccompProfile"
                    elif name.startswith(CONTAINER_PREFIX):
                        replacement = f"securityContext.seccompProfile of container \"{name[len(CONTAINER_PREFIX):]}\""
                    else:
                        continue
                    ctx.report(
                        key.span,
                        f"annotation {name}{where} has no effect since Kubernetes 1.27: use {replacement}",
                        fix=_fix(ctx, workload, meta, annotations, name, value, effective=not where),
                    )


def _profile(value) -> dict | None:
    """The seccompProfile an annotation value stands for ({} for unconfined), None if unknown."""
    v = text(value)
    if v in ("runtime/default", "docker/default"):
        return {"type": "RuntimeDefault"}
    if v is not None and v.startswith("localhost/") and len(v) > len("localhost/"):
        return {"type": "Localhost", "localhostProfile": scalar_text(v[len("localhost/"):])}
    if v == "unconfined":
        return {}
    return None


def _remove(ctx, meta, annotations, name):
    if len(annotations.pairs) > 1:
        return delete_pair(ctx.source, annotations, name)
    if len(meta.pairs) > 1:
        return delete_pair(ctx.source, meta, "annotations")
    return replace_value(ctx.source, meta, "annotations", {})  # `metadata:` keeps a mapping


def _fix(ctx, workload, meta, annotations, name, value, *, effective: bool):
    if not is_yaml(ctx):
        return None
    removal = _remove(ctx, meta, annotations, name)
    if removal is None:
        return None
    if not effective:
        safe = workload.kind in TEMPLATE_KINDS
        return fix_of([removal], f"remove {name}", Applicability.SAFE if safe else Applicability.UNSAFE)
    profile = _profile(value)
    if profile is None:
        return None
    if name == POD_ANNOTATION:
        owner, sc = workload.pod_spec, workload.pod_security_context
    else:
        wanted = name[len(CONTAINER_PREFIX):]
        found = [c for c in workload.containers if c.name == wanted]
        owner, sc = (found[0].node, found[0].security_context) if found else (None, None)
    edits = [removal]
    if profile and owner is not None and not workload.is_windows and not (sc is not None and is_set(sc.get("seccompProfile"))):
        added = ensure_fields(ctx, owner, [], {"seccompProfile": profile})
        if added is None:
            return None
        edits += added
    what = "move it to seccompProfile" if len(edits) > 1 else "remove it"
    return fix_of(edits, f"{name}: {what}")
