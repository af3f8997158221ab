from dockerlint.images.reference import parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, text
from dockerlint.rulekit.k8s_objects import is_templated


class ImagePullPolicy(Rule):
    """
    Pull mutable image tags with `imagePullPolicy: Always` (opt-in).

    ## What it does
    Flags a container whose effective `imagePullPolicy` is not `Always`: set to `IfNotPresent`
    or `Never`, or unset for an image with a fixed tag (Kubernetes then defaults it to
    `IfNotPresent`). Images pinned by digest pass whatever the policy.

    ## Why is this bad?
    With `IfNotPresent` a node keeps running whatever it pulled first under the tag: a re-pushed
    tag (a security rebuild) never reaches it, and replicas on different nodes can run
    different code. It also lets any pod on the node start a cached private image without the
    registry checking its pull credentials.

    ## Scope
    Regular, init and ephemeral containers. Templated images are not judged. An unset policy
    on a `latest` or untagged image is `Always` by API defaulting and passes (KS001 reports
    the tag itself).

    ## Compared with other tools
    Checkov CKV_K8S_15 has the same semantics (defaulting and digests included). polaris
    `pullPolicyNotAlways` and kube-score `container-image-pull-policy` require an explicit
    `Always` even for digests, which never change. Off by default: pinning by digest is the
    better fix, and `Always` makes every start depend on the registry. kubescape C-0075 judges
    the pull policy of `latest`/untagged images only, so it is not an alias.
    """

    code = "KS032"
    name = "image-pull-policy"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    enabled_by_default = False
    aliases = ("CKV_K8S_15", "polaris:pullPolicyNotAlways", "kube-score:container-image-pull-policy")
    examples = [
        ok(  # shown as "Use instead": lints clean
            """
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: web
                image: registry.example.com/web:1.4
                imagePullPolicy: Always
            """
        ),
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
                    image: registry.example.com/web:1.4
                  - name: proxy
                    image: envoyproxy/envoy:v1.31.0
                    imagePullPolicy: IfNotPresent
            """,
            count=2,
            at=[(10, 16), (13, 26)],
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
                image: registry.example.com/web:1.4
                imagePullPolicy: Always
              - name: pinned
                image: busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
              - name: latest
                image: busybox
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                image = text(container.image)
                if not image or not image.strip() or is_templated(image):
                    continue
                ref = parse_image(image)
                if ref.digest is not None:
                    continue
                node = container.node.get("imagePullPolicy")
                policy = text(node)
                if policy is not None and is_templated(policy):
                    continue
                if policy is None:
                    if ref.tag in (None, "latest"):
                        continue  # defaulted to Always
                    ctx.report(
                        container.image.span,
                        f"{describe(container)} pulls `{image}` only if it is not on the node yet (the default "
                        "for a fixed tag): set imagePullPolicy: Always or pin a digest",
                    )
                elif policy != "Always":
                    ctx.report(
                        node.span,
                        f"{describe(container)} uses imagePullPolicy {policy}: a re-pushed tag never reaches the node; "
                        "set Always or pin a digest",
                    )
