"""`dockerlint images`, the knowledge base behind it, and the DF003 messages built from it."""
from __future__ import annotations

import json
import re

import pytest

from dockerlint.images import knowledge
from dockerlint.images.reference import parse_image
from helpers import lint, run_cli


def test_every_size_names_a_source_that_says_which_file_was_read():
    table = knowledge.table()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", table["_date"])
    sources = table["_sources"]
    for group in ("images", "registries"):
        for name, entry in table[group].items():
            for tag, (mb, key) in entry.get("sizes", {}).items():
                assert mb > 0 and key in sources, (name, tag, key)
                if key.startswith("repo-info:"):
                    image, _, read_tag = key[len("repo-info:"):].partition("/")
                    assert f"repos/{image}/remote/{read_tag}.md @ " in sources[key], sources[key]


def test_issue_images_are_covered():
    for name in ("python", "node", "golang", "eclipse-temurin", "openjdk", "ruby", "php", "nginx", "httpd", "debian",
                 "ubuntu", "alpine", "rust", "postgres", "redis", "perl", "maven", "gradle"):
        assert knowledge.lookup(parse_image(f"{name}:1")) is not None, name
    assert knowledge.lookup(parse_image("mcr.microsoft.com/dotnet/sdk:8.0"))[1]["runtime"]["aspnet"] == "mcr.microsoft.com/dotnet/aspnet"
    assert knowledge.lookup(parse_image("gcr.io/distroless/static-debian12:nonroot"))[1]["nonroot_uid"] == 65532
    assert "eclipse-temurin" in knowledge.deprecation(parse_image("openjdk:17"))
    assert knowledge.deprecation(parse_image("centos:7"))


@pytest.mark.parametrize("image,slim,kind", [
    ("python:3.12", "python:3.12-slim", "slim"),
    ("python:3.12-bookworm", "python:3.12-slim-bookworm", "slim"),
    ("node:22-bookworm", "node:22-bookworm-slim", "slim"),
    ("debian:12", "debian:12-slim", "slim"),
    ("eclipse-temurin:21", "eclipse-temurin:21-jre", "jre"),
    ("eclipse-temurin:17-jdk-jammy", "eclipse-temurin:17-jre-jammy", "jre"),
    ("docker.io/library/ruby:3.3", "docker.io/library/ruby:3.3-slim", "slim"),
])
def test_slimmer_variant(image, slim, kind):
    v = knowledge.slimmer_variant(parse_image(image))
    assert (v.image, v.kind) == (slim, kind)


@pytest.mark.parametrize("image", ["python:3.12-slim", "node:20-alpine", "eclipse-temurin:21-jre", "golang:1.22", "ubuntu:24.04", "alpine:3.20"])
def test_no_slimmer_variant(image):
    assert knowledge.slimmer_variant(parse_image(image)) is None


def test_list_table():
    code, out, _ = run_cli(["images"])
    assert code == 0
    assert out.splitlines()[0].startswith("IMAGE")
    rows = {line.split()[0] for line in out.splitlines()[1:]}
    assert {"python", "node", "mcr.microsoft.com/dotnet/sdk", "gcr.io/distroless/static-debian12", "scratch"} <= rows
    assert re.search(r"^openjdk \(deprecated\)", out, re.M)
    code, out, _ = run_cli(["images", "--format", "json"])
    assert any(r["image"] == "python" and r["sizes"]["3-slim"] == 43.4 for r in json.loads(out))


def test_explain_one_image_with_sources():
    code, out, _ = run_cli(["images", "python:3.12"])
    assert code == 0
    assert "slimmer: python:3.12-slim" in out
    assert "about 371.6 MB smaller compressed: 415 -> 43.4 MB [1][2]" in out
    assert "python:3.12-alpine" in out and "musl" in out
    assert "gcr.io/distroless/python3-debian12:nonroot" in out
    assert "[1] docker-library/repo-info repos/python/remote/3.md @ 0c376450b2d1" in out
    assert "knowledge base of" in out


def test_explain_jdk_and_deprecated_and_unknown():
    code, out, _ = run_cli(["images", "eclipse-temurin:21-jdk"])
    assert "slimmer: eclipse-temurin:21-jre  (the JRE of the same release), about 109 MB" in out
    code, out, _ = run_cli(["images", "openjdk:17"])
    assert code == 0 and "DEPRECATED" in out and "eclipse-temurin" in out
    code, out, _ = run_cli(["images", "--format", "json", "gcr.io/distroless/static-debian12:nonroot"])
    data = json.loads(out)
    assert data["nonroot_user"] == "uid 65532" and data["sizes"][0]["mb"] == 2.0
    assert "around 2 MiB" in data["sources"][0]["text"]
    code, out, err = run_cli(["images", "example.com/nothing:1"])
    assert code == 1 and "no knowledge" in err


# ---- DF003 messages -----------------------------------------------------------------------

def _df003(text: str) -> list[str]:
    return [f.message for f in lint(text, ["DF003"]).findings if f.code == "DF003"]


def test_df003_names_tag_size_and_lean_options_the_file_allows():
    [msg] = _df003('FROM python:3.12\nCOPY app.py /\nCMD ["python", "/app.py"]\n')
    assert "`python:3.12-slim` is the same release" in msg
    # issue 17: the figures are python:3's, and the message says so
    assert "about 372 MB smaller compressed (415 MB for python:3 vs 43.4 MB for python:3-slim, docker-library/repo-info, amd64)" in msg
    assert "`python:3.12-alpine` (musl libc" in msg
    assert "gcr.io/distroless/python3-debian12:nonroot" in msg


def test_df003_no_alpine_with_apt_and_no_distroless_with_shell():
    [msg] = _df003("FROM python:3.12\nRUN apt-get update && apt-get install -y libpq5\nCMD python app.py\n")
    assert "alpine" not in msg and "distroless" not in msg
    [msg] = _df003("FROM node:24\nRUN npm ci\nCMD [\"node\", \"x.js\"]\n")
    assert "node:24-alpine" in msg and "distroless" not in msg
    [msg] = _df003("FROM node:24\nCOPY . .\nCMD node x.js\n")
    assert "node:24-alpine" in msg and "distroless" not in msg


def test_df003_jdk_to_jre_only_when_nothing_compiles():
    [msg] = _df003('FROM eclipse-temurin:21-jdk\nCOPY app.jar /app.jar\nCMD ["java", "-jar", "/app.jar"]\n')
    assert "`eclipse-temurin:21-jre` runs the same Java release" in msg and "about 109 MB" in msg
    assert _df003("FROM eclipse-temurin:21-jdk\nCOPY . /src\nRUN javac /src/Main.java\n") == []
