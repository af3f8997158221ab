import pytest

from dockerlint.model import FileKind
from dockerlint.parse.detect import detect, detect_kind, kind_by_name

D, K, C = FileKind.DOCKERFILE, FileKind.KUBERNETES, FileKind.COMPOSE


@pytest.mark.parametrize(
    "path, kind",
    [
        ("Dockerfile", D),
        ("dockerfile", D),
        ("DOCKERFILE", D),
        ("sub/dir/Dockerfile", D),
        ("C:\\src\\Dockerfile", D),
        ("Containerfile", D),
        ("Dockerfile.dev", D),
        ("Dockerfile.windows-ltsc2022", D),
        ("Containerfile.fedora", D),
        ("api.Dockerfile", D),
        ("web.dockerfile", D),
        ("tools.containerfile", D),
        ("Dockerfile.dockerignore", None),
        ("api.Dockerfile.dockerignore", None),
        ("docker-compose.yml", C),
        ("docker-compose.yaml", C),
        ("docker-compose.prod.yml", C),
        ("docker-compose-dev.yaml", C),
        ("compose.yaml", C),
        ("compose.override.yml", C),
        ("Docker-Compose.YML", C),
        ("app.compose.yaml", C),
        ("docker-compose.json", None),
        ("deploy.yaml", None),
        ("values.yaml", None),
        ("README.md", None),
        ("mydockerfile", None),
    ],
)
def test_kind_by_name(path, kind):
    assert kind_by_name(path) == kind
    assert detect_kind(path, None) == kind


DEPLOYMENT = """\
# a comment
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: a, image: nginx}]
"""


def test_kubernetes_by_content():
    kind, docs = detect("k8s/deploy.yaml", DEPLOYMENT)
    assert kind == K and docs is not None and docs[0].root.str("kind") == "Deployment"
    assert detect_kind("anything.yml", "---\n" + DEPLOYMENT + "---\napiVersion: v1\nkind: Service\n") == K
    # a later document may be the Kubernetes one
    assert detect_kind("x.yaml", "foo: 1\n---\n" + DEPLOYMENT) == K
    # JSON manifests
    assert detect_kind("pod.json", '{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}') == K


def test_kubernetes_keys_must_be_top_level_of_one_document():
    assert detect_kind("x.yaml", "spec:\n  apiVersion: v1\n  kind: Pod\n") is None
    assert detect_kind("x.yaml", "apiVersion: v1\n---\nkind: Pod\n") is None
    assert detect_kind("x.yaml", "kind: Pod\n... # end\napiVersion: v1\n") is None
    # the first of each in different documents, both in a later one
    assert detect_kind("x.yaml", "apiVersion: v1\n--- # next\nkind: Pod\napiVersion: v1\nmetadata: {name: p}\n") == K
    # column 0 but inside a quoted scalar: the pre-check passes, the parse says no
    assert detect_kind("x.yaml", '"x\napiVersion: v1\nkind: Pod"\n') is None


def test_broken_manifest_is_still_kubernetes():
    kind, docs = detect("x.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [oops\n")
    assert kind == K and docs is None


def test_compose_by_content():
    text = "services:\n  web:\n    image: nginx\n"
    kind, docs = detect("stack.yml", text)
    assert kind == C and docs is not None
    assert detect_kind("stack.yml", "x-common: &c {restart: always}\nservices:\n  web:\n    <<: *c\n") == C
    assert detect_kind("stack.yml", "services: [a, b]\n") is None
    assert detect_kind("stack.yml", "nested:\n  services:\n    web: {}\n") is None
    # a Kubernetes object wins over a `services:` key
    assert detect_kind("x.yaml", "apiVersion: v1\nkind: Config\nservices:\n  a: {}\n") == K


def test_compose_by_name_whatever_the_content():
    # the v1 layout has no `services:`: only the name tells
    assert detect_kind("docker-compose.yml", "web:\n  image: nginx\n") == C
    assert detect_kind("stack.yml", "web:\n  image: nginx\n") is None


@pytest.mark.parametrize(
    "path, text",
    [
        ("values.yaml", "replicaCount: 1\nimage:\n  repository: nginx\n  tag: ''\nservice:\n  type: ClusterIP\n"),
        (".github/workflows/ci.yml", "name: CI\non: [push]\njobs:\n  build:\n    runs-on: ubuntu-latest\n"),
        ("chart/templates/deploy.yaml",
         "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"x.fullname\" . }}\n"),
        ("chart/templates/svc.yaml",
         "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"{{ .Release.Name }}\"\n"),
        ("notes.txt", "hello\n"),
        ("empty.yaml", ""),
        ("kustomize-patch.yaml", "- op: replace\n  path: /spec/replicas\n  value: 3\n"),
    ],
)
def test_not_ours(path, text):
    assert detect_kind(path, text) is None


def test_argo_template_braces_are_not_helm():
    text = ("apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  templates:\n  - name: a\n"
            "    container:\n      args: [\"{{inputs.parameters.message}}\"]\n")
    assert detect_kind("wf.yaml", text) == K


@pytest.mark.parametrize(
    "text",
    [
        "FROM alpine:3.20\nRUN true\n",
        "from alpine\n",
        "\n# comment\nARG VERSION=1\nFROM alpine:${VERSION}\n",
        "# syntax=docker/dockerfile:1\nFROM alpine\n",
        "# escape=`\nFROM mcr.microsoft.com/windows/nanoserver\n",
        "\ufeffFROM scratch\n",
    ],
)
def test_dockerfile_by_content_for_names_that_say_nothing(text):
    assert detect_kind("build/prod", text) == D
    assert detect_kind("image.txt", text) == D


def test_dockerfile_content_needs_from_or_arg_first():
    assert detect_kind("build/prod", "RUN echo\nFROM alpine\n") is None
    assert detect_kind("build/prod", "FROM\n") is None
    # a YAML file is never sniffed as a Dockerfile
    assert detect_kind("x.yaml", "FROM alpine\n") is None
