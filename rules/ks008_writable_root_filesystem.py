from dockerlint.model import Applicability, FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.fixers.security_context import fix_of, set_field
from dockerlint.rulekit.k8s import describe, is_set, is_true, pod_workloads, trivy


class WritableRootFilesystem(Rule):
    """
    Mount the container's root filesystem read-only.

    ## What it does
    Flags a container whose `securityContext.readOnlyRootFilesystem` is not `true`.

    ## Why is this bad?
    A writable root filesystem lets an intruder drop binaries, alter configuration or plant a
    web shell that survives as long as the container. With a read-only root, writes go only to
    the volumes you mount (an `emptyDir` for `/tmp`, say), which are explicit and easy to audit.
    Not a Pod Security Standards control.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template; the field
    exists only on containers. Pods with `spec.os.name: windows` are skipped: Windows
    containers do not support a read-only root filesystem.

    ## Compared with other tools
    kube-linter `no-read-only-root-fs`, Checkov CKV_K8S_22, Trivy KSV-0014, polaris
    `notReadOnlyRootFilesystem` and kube-score all fail when the field is missing, as we do.

    ## Fix safety
    Display-only: the fix shows `readOnlyRootFilesystem: true` in the container's
    `securityContext` (creating the block when needed) but never applies it. An application
    that writes to its own filesystem (`/tmp`, caches, pid files, nginx's `/var/cache/nginx`, an
    alertmanager's or Jupyter's data directory) fails at run time until those paths get a volume
    such as an `emptyDir`, and where it writes cannot be known from the manifest.
    """

    code = "KS008"
    whole_object = True
    name = "writable-root-filesystem"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})  # its fixes are field edits: programs too
    severity = Severity.ERROR
    security = True
    aliases = (
        "kube-linter:no-read-only-root-fs",
        "CKV_K8S_22",
        *trivy(14),
        "polaris:notReadOnlyRootFilesystem",
        "kube-score:container-security-context-readonlyrootfilesystem",
        "C-0017",
    )
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                  - name: sidecar
                    image: busybox:1.36
                    securityContext:
                      readOnlyRootFilesystem: false
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
              containers:
              - name: web
                image: nginx:1.27
                securityContext:
                  readOnlyRootFilesystem: true
                volumeMounts:
                - name: tmp
                  mountPath: /tmp
              volumes:
              - name: tmp
                emptyDir: {}
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            if workload.is_windows:
                continue
            for container in workload.containers:
                sc = container.security_context
                node = sc.get("readOnlyRootFilesystem") if sc is not None else None
                if is_true(node):
                    continue
                who = describe(container)
                fix = fix_of(
                    set_field(ctx, container.node, ["readOnlyRootFilesystem"], True),
                    "set readOnlyRootFilesystem: true after mounting a volume (an emptyDir) wherever the application writes;"
                    " not applied because where it writes (/tmp, caches, pid files) cannot be known from the manifest",
                    Applicability.DISPLAY_ONLY,
                )
                if is_set(node):
                    ctx.report(node.span, f"{who} has a writable root filesystem: set readOnlyRootFilesystem to true", fix=fix)
                else:
                    ctx.report(container.missing_span, f"{who} does not set readOnlyRootFilesystem: true", fix=fix)
