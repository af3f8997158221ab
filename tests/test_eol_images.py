"""End-of-life images (DF301, KS301, DC301): the bundled endoflife.date snapshot, the mapping
from image tags to releases for every mapped family, fixes, `--as-of`, and
`dockerlint images [--refresh]` (against a local HTTP server only)."""
from __future__ import annotations

import http.server
import json
import threading

import pytest

from dockerlint.fix import fix_source
from dockerlint.images import eol
from dockerlint.model import Applicability
from helpers import lint, run_cli, settings_for

DAY = "2026-12-06"

# (family, an end-of-life tag with the release it names and its end date, a current tag)
FAMILIES = [
    ("debian", "debian:buster-slim", "Debian 10 (buster)", "2024-06-30", "debian:bookworm"),
    ("ubuntu", "ubuntu:18.04", "Ubuntu 18.04 (bionic)", "2023-05-31", "ubuntu:24.04"),
    ("alpine", "alpine:3.16.9", "Alpine Linux 3.16", "2024-05-23", "alpine:3.23"),
    ("centos", "centos:centos7.9.2009", "CentOS 7", "2024-06-30", None),
    ("rockylinux", "rockylinux:8.9", None, None, "rockylinux:9-minimal"),
    ("almalinux", "almalinux:8", None, None, "almalinux:9.4"),
    ("fedora", "fedora:38", "Fedora Linux 38", "2024-05-21", "fedora:44"),
    ("amazonlinux", "amazonlinux:2018.03", "Amazon Linux 2018.03", "2023-12-31", "amazonlinux:2023"),
    ("oraclelinux", "oraclelinux:7-slim", "Oracle Linux 7", "2024-12-31", "oraclelinux:9-slim"),
    ("python", "python:3.8-slim", "Python 3.8", "2024-10-07", "python:3.12-slim"),
    ("node", "node:16-alpine", "Node.js 16", "2023-09-11", "node:22-alpine"),
    ("golang", "golang:1.20.5", "Go 1.20", "2024-02-06", "golang:1.26-alpine"),
    ("eclipse-temurin", "eclipse-temurin:19-jdk", "Eclipse Temurin 19", "2023-03-31", "eclipse-temurin:21-jre"),
    ("amazoncorretto", "amazoncorretto:15", "Amazon Corretto 15", "2021-04-20", "amazoncorretto:21-al2023"),
    ("ruby", "ruby:2.7-slim", "Ruby 2.7", "2023-03-31", "ruby:3.4-slim"),
    ("php", "php:7.4-fpm", "PHP 7.4", "2022-11-28", "php:8.4-fpm"),
    ("postgres", "postgres:9.6.24-alpine", "PostgreSQL 9.6", "2021-11-11", "postgres:17-alpine"),
    ("mysql", "mysql:5.7.44", "MySQL 5.7", "2023-10-31", "mysql:8.4"),
    ("mariadb", "mariadb:10.5", "MariaDB 10.5", "2025-06-24", "mariadb:11.4"),
    ("redis", "redis:6.0-alpine", "Redis 6.0", "2022-05-31", "redis:7.4"),
    ("nginx", "nginx:1.25-alpine", "nginx 1.25", "2024-05-29", "nginx:1.30"),
    ("mongo", "mongo:4.4", "MongoDB Server 4.4", "2024-02-29", "mongo:8.0"),
    ("rabbitmq", "rabbitmq:3.12-management", "RabbitMQ 3.12", "2024-02-21", "rabbitmq:4.3-management"),
    ("tomcat", "tomcat:8.5-jdk11", "Apache Tomcat 8.5", "2024-03-31", "tomcat:10.1-jdk21"),
    ("httpd", "httpd:2.2", "Apache HTTP Server 2.2", "2017-07-11", "httpd:2.4"),
    ("haproxy", "haproxy:2.0-alpine", "HAProxy 2.0", "2024-04-05", "haproxy:3.2"),
    ("memcached", "memcached:1.5", "Memcached 1.5", "2020-03-09", "memcached:1.6-alpine"),
    ("traefik", "traefik:v2.10", "Traefik 2.10", "2024-02-12", "traefik:v3.7"),
    ("caddy", "caddy:1.0", "Caddy 1", "2020-07-01", "caddy:2.8-alpine"),
    ("erlang", "erlang:24", "Erlang 24", "2024-05-10", "erlang:28-alpine"),
    ("elixir", "elixir:1.12-alpine", "Elixir 1.12", "2024-06-12", "elixir:1.18"),
    ("perl", "perl:5.34-slim", "Perl 5.34", "2024-05-20", "perl:5.40-slim"),
    ("elasticsearch", "elasticsearch:7.10.1", "Elasticsearch 7", None, "elasticsearch:9.4.0"),
    ("mcr.microsoft.com/dotnet/sdk", "mcr.microsoft.com/dotnet/sdk:6.0", "Microsoft .NET 6", "2024-11-12", "mcr.microsoft.com/dotnet/sdk:10.0"),
    ("mcr.microsoft.com/dotnet/aspnet", "mcr.microsoft.com/dotnet/aspnet:7.0-alpine", "Microsoft .NET 7", "2024-05-14", "mcr.microsoft.com/dotnet/aspnet:10.0-alpine"),
    ("mcr.microsoft.com/dotnet/runtime", "mcr.microsoft.com/dotnet/runtime:5.0", "Microsoft .NET 5", "2022-05-10", "mcr.microsoft.com/dotnet/runtime:10.0"),
    ("mcr.microsoft.com/dotnet/runtime-deps", "mcr.microsoft.com/dotnet/runtime-deps:3.1", "Microsoft .NET 3.1", "2022-12-13", "mcr.microsoft.com/dotnet/runtime-deps:10.0"),
    ("quay.io/centos/centos", "quay.io/centos/centos:stream8", "CentOS Stream 8", "2024-05-31", "quay.io/centos/centos:stream10"),
    ("valkey/valkey", "valkey/valkey:7.2", None, None, "valkey/valkey:9.0"),
    ("docker.elastic.co/elasticsearch/elasticsearch", "docker.elastic.co/elasticsearch/elasticsearch:6.8.23", "Elasticsearch 6", None, "docker.elastic.co/elasticsearch/elasticsearch:9.4.0"),
    ("opensearchproject/opensearch", "opensearchproject/opensearch:1.3.19", "OpenSearch 1", "2025-05-06", "opensearchproject/opensearch:2.19.0"),
    ("public.ecr.aws/amazonlinux/amazonlinux", "public.ecr.aws/amazonlinux/amazonlinux:2017.09", "Amazon Linux 2017.09", "2023-12-31", "public.ecr.aws/amazonlinux/amazonlinux:2023"),
    ("distroless", "gcr.io/distroless/python3-debian11:nonroot", "Debian 11 (bullseye)", "2026-08-31", "gcr.io/distroless/static-debian12:nonroot"),
    ("ubi", "registry.access.redhat.com/ubi7/ubi:7.9", "Red Hat Enterprise Linux 7", "2024-06-30", "registry.access.redhat.com/ubi9/ubi-minimal:9.4"),
]


def test_every_mapped_family_is_tested():
    tested = {f[0] for f in FAMILIES}
    assert set(eol.OFFICIAL) | set(eol.OTHERS) | {"ubi", "distroless"} <= tested, sorted(set(eol.OFFICIAL) | set(eol.OTHERS) - tested)


def test_every_mapped_product_is_in_the_snapshot():
    data = eol.snapshot()
    assert set(eol.PRODUCTS) <= set(data["products"])
    assert data["_date"] == "2026-08-22" and "endoflife-date/endoflife.date" in data["_source"] and "MIT" in data["_licence"]


@pytest.mark.parametrize("family,old,label,date,current", FAMILIES, ids=[f[0] for f in FAMILIES])
def test_family_on_an_end_of_life_and_a_current_tag(family, old, label, date, current):
    if label is None:  # every release still supported (Rocky/Alma 8 until 2029, Valkey 7.2): the old tag is current too
        assert eol.status(old, DAY) is None
    else:
        found = eol.status(old, DAY)
        assert found is not None, old
        own = [p for p in found.ended if p.own]
        assert own and own[0].release.label == label
        if date is not None:
            assert own[0].release.eol == date
        assert eol.is_eol(old, DAY)
    if current is not None:
        assert eol.status(current, DAY) is None, current


@pytest.mark.parametrize(
    "image,labels,replacement,checked",
    [
        ("python:3.12-buster", ["Debian 10 (buster)"], "python:3.12-bookworm", False),
        ("python:3.8.10-slim-buster", ["Python 3.8", "Debian 10 (buster)"], "python:3.11-slim-bookworm", False),
        ("node:20-alpine3.16", ["Node.js 20", "Alpine Linux 3.16"], "node:22-alpine3.22", False),
        ("eclipse-temurin:17-jdk-focal", ["Ubuntu 20.04 (focal)"], "eclipse-temurin:17-jdk-jammy", False),
        ("php:8.3-apache-bullseye", ["Debian 11 (bullseye)"], "php:8.3-apache-bookworm", False),
        ("golang:1.22-bookworm", ["Go 1.22"], "golang:1.26-bookworm", True),
        ("debian:bullseye-20240110-slim", ["Debian 11 (bullseye)"], "debian:bookworm-20240110-slim", False),
        ("mcr.microsoft.com/dotnet/aspnet:6.0-jammy", ["Microsoft .NET 6"], "mcr.microsoft.com/dotnet/aspnet:10.0-jammy", True),
        ("docker.io/library/python:3.9@sha256:" + "a" * 64, ["Python 3.9"], "docker.io/library/python:3.11", True),
    ],
)
def test_distribution_suffixes_and_replacements(image, labels, replacement, checked):
    found = eol.status(image, DAY)
    assert [p.release.label for p in found.ended] == labels
    assert found.replacement == replacement and found.replacement_checked is checked


@pytest.mark.parametrize("image", ["python:3", "mysql:8", "node:lts", "debian:stable-slim", "python:latest", "python", "ubuntu:jammy", "nginx:mainline-alpine", "ghcr.io/acme/python:3.8", "{{ .Values.image }}"])
def test_moving_imprecise_and_unknown_tags_are_not_judged(image):
    assert eol.status(image, DAY) is None


def test_repository_named_releases():
    found = eol.status("gcr.io/distroless/java17-debian11:nonroot@sha256:" + "b" * 64, DAY)
    assert found.replacement == "gcr.io/distroless/java17-debian12:nonroot" and not found.replacement_checked
    found = eol.status("registry.access.redhat.com/ubi7/ubi-minimal:7.9", DAY)
    assert found.replacement is None and "ubi8" in found.reason


def test_no_successor_means_no_replacement():
    found = eol.status("centos:7", DAY)
    assert found.replacement is None and "no supported CentOS release newer than 7" in found.reason


def test_java_build_suffix_is_not_rewritten():
    found = eol.status("eclipse-temurin:19.0.2_7-jdk", DAY)
    assert found.replacement is None and "build suffix" in found.reason


def test_as_of_decides():
    assert eol.status("python:3.8", "2024-10-06") is None
    assert eol.status("python:3.8", "2024-10-07") is not None  # the end date itself is past support
    assert eol.status("python:3.8", "2024-10-07").replacement == "python:3.9"  # the smallest step on that day


# ---- the rules ------------------------------------------------------------------------------------


def test_dockerfile_message_names_the_date_and_the_fix_is_unsafe():
    text = "FROM python:3.8-slim AS build\nFROM python:3.12-buster\n"
    result = lint(text, ["DF301"], config={"as-of": DAY})
    f1, f2 = result.findings
    assert (f1.span.line, f1.span.col) == (1, 6) and (f2.span.line, f2.span.col) == (2, 6)
    assert "Python 3.8 is end of life since 2024-10-07" in f1.message and "endoflife.date data of 2026-08-22" in f1.message
    assert f1.fix.applicability is Applicability.UNSAFE
    assert f2.fix.applicability is Applicability.DISPLAY_ONLY and "may not publish" in f2.fix.description
    safe = fix_source(text, "Dockerfile", settings_for(["DF301"], {"as-of": DAY}))
    assert safe.text == text
    unsafe = fix_source(text, "Dockerfile", settings_for(["DF301"], {"as-of": DAY}), unsafe=True)
    assert unsafe.text == "FROM python:3.11-slim AS build\nFROM python:3.12-buster\n"


def test_kubernetes_and_python_iac():
    manifest = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: db\n    image: \"mysql:5.7\"\n"
    [f] = lint(manifest, ["KS301"], filename="pod.yaml", config={"as-of": DAY}).findings
    assert f.message.startswith('container "db": `mysql:5.7`: MySQL 5.7 is end of life since 2023-10-31')
    out = fix_source(manifest, "pod.yaml", settings_for(["KS301"], {"as-of": DAY}), unsafe=True)
    assert 'image: "mysql:8.4"\n' in out.text
    program = 'import pulumi_kubernetes as k8s\n\nk8s.core.v1.Pod("p", spec=k8s.core.v1.PodSpecArgs(containers=[k8s.core.v1.ContainerArgs(name="c", image="node:16")]))\n'
    [g] = lint(program, ["KS301"], filename="main.py", config={"as-of": DAY}).findings
    assert (g.span.line, "Node.js 16") == (3, "Node.js 16") and g.fix is not None
    fixed = fix_source(program, "main.py", settings_for(["KS301"], {"as-of": DAY}), unsafe=True).text
    assert 'image="node:22"' in fixed


def test_cli_as_of_and_config(tmp_path):
    (tmp_path / "Dockerfile").write_text("FROM python:3.8\n")
    code, out, _ = run_cli(["check", "--isolated", "--select", "DF301", "--as-of", "2024-01-01", str(tmp_path / "Dockerfile")])
    assert code == 0, out
    code, out, _ = run_cli(["check", "--isolated", "--select", "DF301", "--as-of", DAY, str(tmp_path / "Dockerfile")])
    assert code == 1 and "DF301" in out and "2024-10-07" in out
    (tmp_path / ".dockerlint.toml").write_text("as-of = 2024-01-01\n")  # a TOML date
    code, out, _ = run_cli(["check", "--select", "DF301", str(tmp_path / "Dockerfile")])
    assert code == 0, out
    (tmp_path / ".dockerlint.toml").write_text('as-of = "yesterday"\n')
    code, _, err = run_cli(["check", "--select", "DF301", str(tmp_path / "Dockerfile")])
    assert code == 2 and "`as-of` must be a date" in err and ".dockerlint.toml" in err
    code, _, err = run_cli(["check", "--isolated", "--as-of", "2026-02-30", str(tmp_path / "Dockerfile")])
    assert code == 2 and "--as-of expects a date" in err


# ---- dockerlint images [--refresh] ------------------------------------------------------------


def test_images_shows_the_snapshot_date():
    code, out, _ = run_cli(["images"])
    assert code == 0 and "end-of-life data: endoflife.date of 2026-08-22" in out
    code, out, _ = run_cli(["images", "node:16-alpine"])
    assert code == 0 and "END OF LIFE: Node.js 16 is end of life since 2023-09-11" in out


class _Api(http.server.BaseHTTPRequestHandler):
    served: dict = {}

    def do_GET(self):  # noqa: N802
        product = self.path.rsplit("/", 1)[-1]
        body = self.served.get(product)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def api():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _release(name, eol_from, codename=None, **extra):
    return {"name": name, "codename": codename, "label": name, "releaseDate": "2020-01-01", "isLts": False, "ltsFrom": None,
            "isEol": eol_from is not None and eol_from <= DAY, "eolFrom": eol_from, "isMaintained": True, "latest": None, **extra}


def test_refresh_writes_a_user_copy_that_the_rules_then_use(api, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DOCKERLINT_EOL_BUNDLED_ONLY")
    _Api.served = {
        # a made-up future: Python 3.12 ended early, 3.13 is the next supported release
        "python": {"schema_version": "1.2.0", "result": {"name": "python", "releases": [_release("3.12", "2026-01-01"), _release("3.13", "2029-10-31")]}},
        "debian": {"schema_version": "1.2.0", "result": {"name": "debian", "releases": [_release("12", "2026-06-10", "Bookworm", isEoes=False, eoesFrom="2028-06-30")]}},
    }
    eol.snapshot.cache_clear()
    try:
        code, out, err = run_cli(["images", "--refresh", "--source", f"http://127.0.0.1:{api.server_port}/api/v1"])
        assert code == 0, err
        assert (tmp_path / "dockerlint" / "eol.json").is_file()
        assert "warning: nodejs:" in err and "kept the data of 2026-08-22" in err  # 404s keep the old data
        data = json.loads((tmp_path / "dockerlint" / "eol.json").read_text())
        assert data["products"]["debian"]["cycles"] == [{"cycle": "12", "codename": "bookworm", "released": "2020-01-01", "eol": "2028-06-30"}]
        eol.snapshot.cache_clear()
        assert eol.status("python:3.12", DAY).replacement == "python:3.13"
        assert eol.status("node:16", DAY) is not None  # kept from the bundled snapshot
        code, out, _ = run_cli(["images"])
        assert "(refreshed; 2 of" in out
    finally:
        eol.snapshot.cache_clear()


def test_refresh_failure_is_exit_2_and_writes_nothing(api, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    _Api.served = {}
    eol.snapshot.cache_clear()
    code, _, err = run_cli(["images", "--refresh", "--source", f"http://127.0.0.1:{api.server_port}/api/v1", "--timeout", "5"])
    assert code == 2 and "could not fetch any product" in err and "Traceback" not in err
    assert not (tmp_path / "dockerlint").exists()
    code, _, err = run_cli(["images", "--refresh", "--source", "file:///etc/passwd"])
    assert code == 2 and "http(s) URL" in err


def test_a_broken_or_older_user_copy_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("DOCKERLINT_EOL_BUNDLED_ONLY")
    (tmp_path / "dockerlint").mkdir()
    copy = tmp_path / "dockerlint" / "eol.json"
    try:
        copy.write_text("{not json")
        eol.snapshot.cache_clear()
        assert eol.snapshot_date() == "2026-08-22"
        copy.write_text(json.dumps({"_date": "2020-01-01", "_source": "old", "products": {}}))
        eol.snapshot.cache_clear()
        assert eol.snapshot_date() == "2026-08-22"
    finally:
        eol.snapshot.cache_clear()
