from dockerlint.images.reference import literal_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.image_policy import replacement_fix, unapproved
from dockerlint.rulekit.k8s import describe, pod_workloads, text

_POLICY = {"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"nginx:*": "ghcr.io/acme/nginx:*"}}


class UnapprovedImage(Rule):
    """
    Run only the organisation's approved images in Kubernetes workloads.

    ## What it does
    With `approved-images` configured (the globs DF005 uses for `FROM`), flags a container,
    init container or ephemeral container whose `image` matches none of them. The same check
    runs on the workloads of Python infrastructure-as-code programs (cdk8s, Pulumi, AWS CDK
    EKS).

    ## Why is this bad?
    Approved images are the ones the organisation patches, scans and signs. A manifest that
    pulls anything else bypasses that process, and the cluster's admission policy (if there is
    one) rejects it only at deploy time.

    ## Scope
    Inactive while `approved-images` is empty. Globs match as in DF005 (`python:3.12` is also
    tried as `docker.io/library/python:3.12`, and without its tag). Templated images
    (`{{ .Values.image }}`, `${IMAGE}`) are not judged. Registry allow lists are KS054's job.

    ## Example
    ```yaml
    containers:
    - name: web
      image: nginx:1.27
    ```

    ## Use instead
    ```yaml
    containers:
    - name: web
      image: ghcr.io/acme/nginx:1.27
    ```

    ## Fix safety
    With an `image-replacements` entry for the image (`{ "nginx:*" = "ghcr.io/acme/nginx:*" }`
    keeps the tag) the fix writes the replacement, keeping the YAML quoting or the Python string
    literal's quotes; it is safe because the user declared the replacement. No fix when the
    replacement is not approved itself, or when the image is not written literally (escapes,
    a computed Python value).

    ## Compared with other tools
    Kyverno's and Gatekeeper's "allowed image repositories" policies check this at admission
    time; Checkov and kube-linter have no image allow list.
    """

    code = "KS302"
    name = "unapproved-image"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})
    severity = Severity.ERROR
    security = True
    aliases = ("kyverno:restrict-image-registries", "gatekeeper:k8sallowedrepos")
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
                  initContainers:
                  - name: migrate
                    image: "nginx:1.27"
                  containers:
                  - name: web
                    image: nginx:1.27-alpine  # pinned by the platform team
                  - name: sidecar
                    image: ghcr.io/acme/envoy:1.31
            """,
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
            spec:
              template:
                spec:
                  initContainers:
                  - name: migrate
                    image: "ghcr.io/acme/nginx:1.27"
                  containers:
                  - name: web
                    image: ghcr.io/acme/nginx:1.27-alpine  # pinned by the platform team
                  - name: sidecar
                    image: ghcr.io/acme/envoy:1.31
            """,
            config=_POLICY,
            count=2,
        ),
        bad(
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: debug
            spec:
              containers:
              - name: shell
                image: docker.io/library/busybox:1.36
            """,
            config=_POLICY,
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
                image: ghcr.io/acme/nginx:1.27
              - name: templated
                image: "{{ .Values.image }}"
            """,
            config=_POLICY,
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
            """
        ),
    ]

    def check(self, ctx):
        if not ctx.settings.approved_images:
            return
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                image = literal_image(text(container.image))
                if image is None:
                    continue
                verdict = unapproved(image, ctx.settings)
                if verdict is None:
                    continue
                span = container.image.span
                ctx.report(
                    span,
                    f"{describe(container)}: {verdict.message}",
                    fix=replacement_fix(ctx.source.text, span, verdict),
                )
