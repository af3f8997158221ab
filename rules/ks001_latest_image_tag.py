from dockerlint.images.reference import is_templated, parse_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.k8s import describe, pod_workloads, text, trivy


class LatestImageTag(Rule):
    """
    Pin container images to a version, not `latest` or no tag at all.

    ## What it does
    Flags a container whose `image` has the tag `latest` or no tag, such as `nginx` or
    `nginx:latest`. An image pinned by digest (`nginx@sha256:...`, with or without a tag) is
    fine.

    ## Why is this bad?
    `latest` moves: each node pulls whatever the tag points to when the pod lands there, so
    replicas of one Deployment can run different code, a rollback does not roll back, and a
    breaking upstream release arrives unannounced. Kubernetes also defaults `imagePullPolicy`
    to `Always` for such images, so every start depends on the registry.

    ## Scope
    Regular, init and ephemeral containers of every workload with a pod template. Templated
    values (`{{ .Values.image }}`, `${IMAGE}`) are not judged. Not a Pod Security Standards
    control.

    ## Compared with other tools
    Trivy KSV-0013, Checkov CKV_K8S_14, polaris `tagNotSpecified`, kube-linter `latest-tag` and
    kube-score `container-image-tag` all flag `latest` and missing tags; we follow them and,
    like Trivy, accept a digest. kubescape C-0075 only fails when `imagePullPolicy` is not
    `Always` as well; we flag the tag whatever the pull policy, since `Always` does not make the
    deployed version reproducible.
    """

    code = "KS001"
    name = "latest-image-tag"
    kinds = frozenset({FileKind.KUBERNETES})
    severity = Severity.WARNING
    security = True
    aliases = (
        "kube-linter:latest-tag",
        "CKV_K8S_14",
        *trivy(13),
        "polaris:tagNotSpecified",
        "kube-score:container-image-tag",
        "C-0075",
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
                  initContainers:
                  - name: migrate
                    image: registry.example.com/team/migrate:latest
                  containers:
                  - name: web
                    image: nginx
            """,
            count=2,
        ),
        ok(
            """
            apiVersion: batch/v1
            kind: CronJob
            metadata:
              name: report
            spec:
              schedule: "0 * * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      containers:
                      - name: report
                        image: registry.example.com:5000/report:1.4.2
                      - name: sidecar
                        image: busybox@sha256:9ae97d36d26566ff84e8893c64a6dc4fe8ca6d1144bf5b87b2b85a32def253c7
                      - name: templated
                        image: "{{ .Values.image }}"
            """
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                value = text(container.image)
                if not value or not value.strip() or is_templated(value):
                    continue
                ref = parse_image(value)
                if ref.digest is not None:
                    continue
                if ref.tag is None:
                    problem = "has no tag (Kubernetes pulls `latest`)"
                elif ref.tag == "latest":
                    problem = "uses the `latest` tag"
                else:
                    continue
                ctx.report(
                    container.image.span,
                    f"image `{value}` of {describe(container)} {problem}; pin a version or a digest",
                )
