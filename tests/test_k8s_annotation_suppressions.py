"""dockerlint.io/ignore annotations on an object, on its pod template, and per container."""
from __future__ import annotations

from helpers import lint

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
{object_annotations}spec:
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
{template_annotations}    spec:
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
        - name: sidecar
          image: busybox:1.36
          securityContext:
            privileged: true
"""


def codes(object_annotations="", template_annotations=""):
    text = DEPLOYMENT.format(object_annotations=object_annotations, template_annotations=template_annotations)
    result = lint(text, ["KS003"], filename="deploy.yaml")
    assert result.error is None
    return [(f.code, f.span.line) for f in result.findings]


def test_unsuppressed_reports_both_containers():
    assert len(codes()) == 2


def test_object_annotation():
    assert codes(object_annotations='  annotations:\n    dockerlint.io/ignore: "KS003"\n') == []


def test_pod_template_annotation():
    assert codes(template_annotations='      annotations:\n        dockerlint.io/ignore: "KS003"\n') == []


def test_per_container_annotation():
    found = codes(template_annotations='      annotations:\n        dockerlint.io/ignore.sidecar: "KS003"\n')
    assert len(found) == 1 and found[0][1] < 20  # only the `app` container is left
