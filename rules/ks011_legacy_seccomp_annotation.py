from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rules._k8s import pod_workloads

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
            count=2,
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
                for key, _ in annotations.items():
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
                    )
