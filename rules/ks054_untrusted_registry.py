from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, text, trivy
from dockerlint.rulekit.k8s_objects import is_templated
from dockerlint.rules.dl3026_untrusted_registry import registry_allowed


class UntrustedRegistry(Rule):
    """
    Pull container images only from allowed registries.

    ## What it does
    With `trusted-registries` configured (the same setting as DL3026), flags a container
    whose image comes from any other registry.

    ## Why is this bad?
    Images from unvetted registries bypass the organisation's scanning, signing and mirroring:
    a typo-squatted or hijacked public image runs with the pod's service account and secrets.

    ## Scope
    Regular, init and ephemeral containers of every workload; inactive while
    `trusted-registries` is empty. An entry is a registry (`ghcr.io`), `*`, `*.example.com` or
    `registry.example.*`; Docker Hub images (`nginx`, `docker.io/library/nginx`) pass when
    `docker.io` or `hub.docker.com` is trusted. Templated images are not judged.

    ## Compared with other tools
    Trivy KSV-0125 (which replaced the per-cloud KSV-0032..0035) and kubescape C-0001/C-0078
    use an allow-list as we do; hadolint's DL3026 is the Dockerfile counterpart.
    """

    code = "KS054"
    name = "untrusted-image-registry"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    aliases = (*trivy(125), *trivy(32), *trivy(33), *trivy(34), *trivy(35), "C-0001", "C-0078")
    examples = [
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: nginx:1.27
              - name: tool
                image: ghcr.io/acme/tool:2.0
            """,
            config={"trusted-registries": ["ghcr.io"]},
            count=1,
            at=(8, 12),
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
                image: registry.example.com/web:1.0
            """,
            config={"trusted-registries": ["*.example.com"]},
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
                image: quay.io/acme/web:1.0
            """
        ),
    ]

    def check(self, ctx):
        trusted = list(ctx.settings.trusted_registries or [])
        if not trusted:
            return
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                image = text(container.image)
                if not image or not image.strip() or is_templated(image):
                    continue
                ref = parse_image(image)
                if registry_allowed(ref.registry, trusted):
                    continue
                ctx.report(
                    container.image.span,
                    f"{describe(container)} pulls `{image}` from `{ref.registry or 'docker.io'}`, which is not a trusted registry",
                )
