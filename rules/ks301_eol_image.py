from dockerlint.images.reference import literal_image
from dockerlint.model import FileKind, Severity
from dockerlint.rule import Rule, bad, ok
from dockerlint.rulekit.eol_images import eol_report
from dockerlint.rulekit.k8s import describe, pod_workloads, text

_DAY = {"as-of": "2026-12-06"}


class EndOfLifeImage(Rule):
    """
    Run container images that still get security fixes.

    ## What it does
    Flags a container, init container or ephemeral container whose image tag names an
    end-of-life release: its own (`python:3.8`, `postgres:11`, `node:16-alpine`) or the
    distribution underneath (`python:3.12-buster`). The message names the end-of-life date.
    Also runs on the workloads of Python infrastructure-as-code programs.

    ## Why is this bad?
    An end-of-life release gets no security fixes: every vulnerability found after that day
    stays in the running container.

    ## Scope
    As DF301: the bundled endoflife.date snapshot (`dockerlint images`), today's date or
    `--as-of`; moving and imprecise tags are not judged, nor templated images.

    ## Example
    ```yaml
    containers:
    - name: db
      image: postgres:11.22
    ```

    ## Use instead
    ```yaml
    containers:
    - name: db
      image: postgres:15
    ```

    ## Fix safety
    Unsafe, to the oldest supported release newer than the image's, same variant; display-only
    when the distribution suffix has to change or the tag carries a build date (the variant may
    not be published). The YAML quoting is kept.

    ## Compared with other tools
    Trivy flags an end-of-life OS when scanning images; no manifest linter checks tags.
    """

    code = "KS301"
    judged_by_date = True
    name = "end-of-life-image"
    kinds = frozenset({FileKind.KUBERNETES, FileKind.PYTHON})
    severity = Severity.WARNING
    security = True
    examples = [
        bad(
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  initContainers:
                  - name: wait
                    image: "alpine:3.16"
                  containers:
                  - name: db
                    image: postgres:11.22  # pinned
            """,
            """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata:
              name: db
            spec:
              template:
                spec:
                  initContainers:
                  - name: wait
                    image: "alpine:3.22"
                  containers:
                  - name: db
                    image: postgres:15  # pinned
            """,
            config=_DAY,
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
                image: nginx:1.30
              - name: app
                image: "{{ .Values.image }}"
            """,
            config=_DAY,
        ),
    ]

    def check(self, ctx):
        for workload in pod_workloads(ctx):
            for container in workload.containers:
                image = literal_image(text(container.image))
                if image is None:
                    continue
                span = container.image.span
                found = eol_report(image, ctx.settings, ctx.source.text, span)
                if found is not None:
                    ctx.report(span, f"{describe(container)}: {found[0]}", fix=found[1])
