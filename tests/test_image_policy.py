"""Approved images and `image-replacements` across DF005 (Dockerfile), KS302 (Kubernetes and
Python IaC) and DC302 (Compose): glob semantics, replacements, config errors, fixes."""
from __future__ import annotations

import pytest

from dockerlint.config import ConfigError, apply_dockerlint_table
from dockerlint.fix import fix_source
from dockerlint.images.policy import approved, replacement
from dockerlint.images.reference import is_templated, written_forms
from dockerlint.settings import Settings
from helpers import lint, run_cli, settings_for

POLICY = {"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"python:*": "ghcr.io/acme/python:*", "nginx:1.27": "ghcr.io/acme/nginx:1.27-slim"}}


def test_written_forms_start_with_the_text_and_normalise_docker_hub():
    forms = written_forms("python:3.12")
    assert forms[0] == "python:3.12"
    assert "docker.io/library/python:3.12" in forms and "library/python" in forms
    assert written_forms("ghcr.io/acme/web")[:2] == ["ghcr.io/acme/web", "ghcr.io/acme/web:latest"]


@pytest.mark.parametrize("text", ["{{ .Values.image }}", "${IMAGE}", "$(IMG)", "$IMG", "repo/app:{{ .Chart.AppVersion }}"])
def test_templated_images(text):
    assert is_templated(text)


@pytest.mark.parametrize("text", ["nginx:1.27", "ghcr.io/a/b@sha256:abc", "my$weird"])
def test_not_templated(text):
    assert not is_templated(text)


@pytest.mark.parametrize(
    "image,expected",
    [
        ("python:3.12-slim", "ghcr.io/acme/python:3.12-slim"),
        ("docker.io/library/python:3.11", "ghcr.io/acme/python:3.11"),
        ("python", "ghcr.io/acme/python:latest"),  # the tag Docker pulls
        ("nginx:1.27", "ghcr.io/acme/nginx:1.27-slim"),
        ("nginx:1.26", None),
        ("quay.io/python:3.12", None),  # another registry's `python` is not Docker Hub's
    ],
)
def test_replacement_globs_keep_what_the_wildcard_matched(image, expected):
    assert replacement(image, POLICY["image-replacements"]) == expected


def test_first_matching_replacement_wins_in_config_order():
    table = {"node:22*": "ghcr.io/acme/node:22-lts", "node:*": "ghcr.io/acme/node:*"}
    assert replacement("node:22-alpine", table) == "ghcr.io/acme/node:22-lts"
    assert replacement("node:20-alpine", table) == "ghcr.io/acme/node:20-alpine"


def test_approved_matches_normalised_forms():
    assert approved("python:3.12-slim", ["docker.io/library/python:3.12-slim*"])
    assert approved("ghcr.io/acme/base/go:1", ["ghcr.io/acme/base/*"])
    assert not approved("ghcr.io/other/go:1", ["ghcr.io/acme/*"])


@pytest.mark.parametrize(
    "table,fragment",
    [
        ({"python:*": "ghcr.io/acme/python:*-*"}, "2 `*` but the key has 1 wildcard"),
        ({"python:3.12": ""}, "an empty image"),
        ({"python:[0-9]*": "x/python"}, "character classes"),
        ({"python:3.12": "ghcr.io/acme/py thon"}, "no `?` or spaces"),
        ({"python:3.12": ["a"]}, "must be a table of strings"),
    ],
)
def test_bad_replacements_are_config_errors(table, fragment):
    with pytest.raises(ConfigError) as e:
        apply_dockerlint_table(Settings(), {"image-replacements": table}, "pyproject.toml")
    assert fragment in str(e.value) and "pyproject.toml" in str(e.value) and "image-replacements" in str(e.value)


def test_bad_replacement_exits_2_with_the_file_named(tmp_path):
    (tmp_path / ".dockerlint.toml").write_text('approved-images = ["ghcr.io/acme/*"]\n[image-replacements]\n"python:*" = "a:*:*"\n')
    (tmp_path / "Dockerfile").write_text("FROM python:3.12\n")
    code, out, err = run_cli(["check", str(tmp_path / "Dockerfile")])
    assert code == 2, (out, err)
    assert ".dockerlint.toml" in err and "image-replacements" in err and "Traceback" not in err


# ---- the three rules -----------------------------------------------------------------------


def test_inactive_without_approved_images_even_with_replacements():
    config = {"image-replacements": {"python:*": "ghcr.io/acme/python:*"}}
    assert lint("FROM python:3.12\n", ["DF005"], config=config).findings == []
    assert lint("services:\n  a:\n    image: python:3.12\n", ["DC302"], filename="compose.yaml", config=config).findings == []


def test_dockerfile_finding_position_message_and_fix():
    text = "FROM --platform=linux/amd64 python:3.12-slim AS build\nFROM nginx:1.27\n"
    result = lint(text, ["DF005"], config=POLICY)
    assert [(f.span.line, f.span.col) for f in result.findings] == [(1, 29), (2, 6)]
    assert "`python:3.12-slim` is not an approved base image" in result.findings[0].message
    assert "use `ghcr.io/acme/python:3.12-slim`" in result.findings[0].message
    out = fix_source(text, "Dockerfile", settings_for(["DF005"], POLICY))  # safe fixes only
    assert out.text == "FROM --platform=linux/amd64 ghcr.io/acme/python:3.12-slim AS build\nFROM ghcr.io/acme/nginx:1.27-slim\n"


def test_unapproved_replacement_is_named_but_not_applied():
    config = {"approved-images": ["ghcr.io/acme/*"], "image-replacements": {"python:*": "quay.io/python:*"}}
    [f] = lint("FROM python:3.12\n", ["DF005"], config=config).findings
    assert f.fix is None and "`quay.io/python:3.12` is not approved either" in f.message


def test_kubernetes_fix_keeps_quotes_and_comments():
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "  - name: a\n    image: 'python:3.12'  # app\n"
        "  - name: b\n    image: \"nginx:1.27\"\n"
        "  - name: c\n    image: \"python:3.\\\n      12\"\n"  # an escaped line break: no fix
    )
    result = lint(text, ["KS302"], filename="pod.yaml", config=POLICY)
    assert [(f.span.line, f.fix is not None) for f in result.findings] == [(8, True), (10, True), (12, False)]
    out = fix_source(text, "pod.yaml", settings_for(["KS302"], POLICY))
    assert "image: 'ghcr.io/acme/python:3.12'  # app\n" in out.text
    assert 'image: "ghcr.io/acme/nginx:1.27-slim"\n' in out.text
    assert 'image: "python:3.\\\n      12"' in out.text


PULUMI = '''\
import pulumi_kubernetes as k8s

IMAGE = "nginx:1.27"

k8s.core.v1.Pod(
    "web",
    spec=k8s.core.v1.PodSpecArgs(
        containers=[
            k8s.core.v1.ContainerArgs(name="web", image=IMAGE),
            k8s.core.v1.ContainerArgs(name="side", image='python:3.12'),
        ],
    ),
)
'''


def test_python_iac_literal_is_fixed_and_a_shared_constant_is_not():
    result = lint(PULUMI, ["KS302"], filename="main.py", config=POLICY)
    assert [(f.code, f.span.line, f.span.col, f.fix is not None) for f in result.findings] == [
        ("KS302", 9, 57, False),  # image=IMAGE: the constant may be used elsewhere
        ("KS302", 10, 58, True),
    ]
    out = fix_source(PULUMI, "main.py", settings_for(["KS302"], POLICY))
    assert "image='ghcr.io/acme/python:3.12')" in out.text and 'IMAGE = "nginx:1.27"' in out.text
    compile(out.text, "main.py", "exec")


def test_compose_skips_built_and_interpolated_images():
    text = "services:\n  app:\n    build: .\n    image: app:1\n  db:\n    image: ${DB_IMAGE}\n  cache:\n    image: redis:7\n"
    result = lint(text, ["DC302"], filename="compose.yaml", config=POLICY)
    assert [(f.span.line, f.span.col) for f in result.findings] == [(8, 12)]
    assert result.findings[0].message.startswith("service cache: `redis:7` is not an approved image")
