"""Issue 16: unsafe fixes a careful engineer would accept. A fix is applied only where what it
assumes is known (from the file, or the image knowledge base); otherwise it is display-only and
says why."""
from __future__ import annotations

import textwrap

import yaml

from dockerlint.engine import lint_source
from dockerlint.fix import fix_source
from dockerlint.model import Applicability
from helpers import settings_for


def _text(s: str) -> str:
    return textwrap.dedent(s).lstrip("\n")


def _findings(text: str, codes: list[str], filename: str):
    return lint_source(text, filename, settings_for(codes)).findings


def _pod(containers: str, pod_extra: str = "") -> str:
    return _text(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: p
        spec:
        """
    ) + textwrap.indent(_text(pod_extra) + "containers:\n" + _text(containers), "  ")


# ---- KS002: runAsNonRoot only with a user known to be non-root -------------------------------

def test_ks002_root_images_get_a_display_only_fix_that_says_why():
    text = _pod(
        """
        - name: shell
          image: busybox:1.36
        - name: pause
          image: registry.k8s.io/pause:3.10
        """
    )
    findings = _findings(text, ["KS002"], "pod.yaml")
    assert [(f.span.line, f.fix.applicability) for f in findings] == [
        (7, Applicability.DISPLAY_ONLY),
        (9, Applicability.DISPLAY_ONLY),
    ]
    assert "not applied because dockerlint does not know a non-root user of busybox:1.36" in findings[0].fix.description
    assert "CreateContainerConfigError" in findings[0].fix.description
    assert fix_source(text, "pod.yaml", settings_for(["KS002"]), unsafe=True).text == text


def test_ks002_known_user_is_set_with_run_as_non_root():
    text = _pod(
        """
        - name: api
          image: node:22
        - name: web
          image: busybox:1.36
        """
    )
    fixed = fix_source(text, "pod.yaml", settings_for(["KS002"]), unsafe=True).text
    api, web = yaml.safe_load(fixed)["spec"]["containers"]
    assert api["securityContext"] == {"runAsNonRoot": True, "runAsUser": 1000, "runAsGroup": 1000}
    assert "securityContext" not in web and "securityContext" not in yaml.safe_load(fixed)["spec"]


def test_ks002_pod_level_only_when_every_container_is_known_non_root():
    text = _pod(
        """
        - name: web
          image: nginxinc/nginx-unprivileged:1.27
        - name: cache
          image: bitnami/redis:7.4
        """
    )
    fixed = fix_source(text, "pod.yaml", settings_for(["KS002"]), unsafe=True).text
    assert yaml.safe_load(fixed)["spec"]["securityContext"] == {"runAsNonRoot": True}


def test_ks002_run_as_user_set_says_only_run_as_non_root_is_missing():
    # issue 17: `runAsUser: 1000` is set; the container does not "may run as root"
    text = _pod(
        """
        - name: app
          image: example/app:1.0
          securityContext:
            runAsUser: 1000
        """
    )
    [f] = _findings(text, ["KS002"], "pod.yaml")
    assert f.message == (
        'container "app" runs as runAsUser: 1000 but does not set runAsNonRoot: true, so the kubelet does not '
        "enforce a non-root user"
    )
    assert "may run as root" not in f.message
    assert f.fix.applicability is Applicability.UNSAFE and "it sets runAsUser: 1000" in f.fix.description


def test_ks002_explicit_false_on_a_root_image_is_display_only():
    text = _pod(
        """
        - name: app
          image: nginx:1.27
          securityContext:
            runAsNonRoot: false
        """
    )
    [f] = _findings(text, ["KS002"], "pod.yaml")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY


# ---- KS003 / KS007: no privilege removal on node agents ---------------------------------------

NODE_AGENT = _text(
    """
    apiVersion: apps/v1
    kind: DaemonSet
    metadata:
      name: storage-agent
    spec:
      template:
        spec:
          containers:
          - name: agent
            image: example/storage-agent:2.1
            securityContext:
              privileged: true
            volumeMounts:
            - name: modules
              mountPath: /lib/modules
          - name: sidecar
            image: example/metrics:1.0
          volumes:
          - name: modules
            hostPath:
              path: /lib/modules
    """
)


def test_privilege_removal_on_a_node_agent_is_display_only_with_the_reason():
    findings = _findings(NODE_AGENT, ["KS003", "KS007"], "ds.yaml")
    ks003 = [f for f in findings if f.code == "KS003"]
    assert [(f.span.line, f.fix.applicability) for f in ks003] == [(12, Applicability.DISPLAY_ONLY)]
    assert "not applied because it mounts hostPath /lib/modules" in ks003[0].fix.description
    ks007 = {f.span.line: f.fix.applicability for f in findings if f.code == "KS007"}
    # the privileged agent keeps its capabilities; the plain sidecar still drops ALL
    assert ks007 == {9: Applicability.DISPLAY_ONLY, 16: Applicability.UNSAFE}
    fixed = fix_source(NODE_AGENT, "ds.yaml", settings_for(["KS003", "KS007"]), unsafe=True).text
    agent, sidecar = yaml.safe_load(fixed)["spec"]["template"]["spec"]["containers"]
    assert agent["securityContext"] == {"privileged": True}
    assert sidecar["securityContext"] == {"capabilities": {"drop": ["ALL"]}}


def test_csi_registrar_and_sys_admin_mark_a_node_agent():
    csi = NODE_AGENT.replace("path: /lib/modules", "path: /data").replace("example/metrics:1.0", "registry.k8s.io/sig-storage/csi-node-driver-registrar:v2.12.0")
    [f] = _findings(csi, ["KS003"], "ds.yaml")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY and "it is a CSI node plugin" in f.fix.description
    plain = NODE_AGENT.replace("path: /lib/modules", "path: /data")
    [f] = _findings(plain, ["KS003"], "ds.yaml")
    assert f.fix.applicability is Applicability.UNSAFE
    sys_admin = plain.replace("privileged: true", "privileged: true\n          capabilities:\n            add: [SYS_ADMIN]")
    [f] = _findings(sys_admin, ["KS003"], "ds.yaml")
    assert 'not applied because container "agent" adds SYS_ADMIN' in f.fix.description


# ---- DC004 / DC002: Compose host networking and privileges -----------------------------------

def test_network_mode_host_removal_publishes_known_ports_else_is_display_only():
    known = "services:\n  cache:\n    image: redis:7.4\n    network_mode: host\n"
    fixed = fix_source(known, "compose.yaml", settings_for(["DC004"]), unsafe=True).text
    assert yaml.safe_load(fixed)["services"]["cache"] == {"image": "redis:7.4", "ports": ["6379:6379"]}
    assert '"6379:6379"' in fixed
    unknown = "services:\n  media:\n    image: linuxserver/plex:1.41\n    network_mode: host\n"
    [f] = _findings(unknown, ["DC004"], "compose.yaml")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "not applied because the ports of this image linuxserver/plex:1.41 are not known" in f.fix.description
    assert fix_source(unknown, "compose.yaml", settings_for(["DC004"]), unsafe=True).text == unknown


def test_compose_host_agent_keeps_privileged():
    text = _text(
        """
        services:
          cadvisor:
            image: gcr.io/cadvisor/cadvisor:v0.52.1
            privileged: true
            volumes:
              - /sys:/sys:ro
          builder:
            image: example/builder:1.0
            privileged: true
        """
    )
    findings = {f.span.line: f.fix for f in _findings(text, ["DC002"], "compose.yaml")}
    assert findings[4].applicability is Applicability.DISPLAY_ONLY
    assert "not applied because it mounts the host's /sys" in findings[4].description
    assert findings[9].applicability is Applicability.UNSAFE


# ---- DF001: a numeric user, created the family's way, only where the image may start as it ----

def test_df001_fix_is_numeric_and_adds_no_finding():
    text = "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\nCMD [\"flask\", \"run\"]\n"
    settings = settings_for(["ALL"])
    outcome = fix_source(text, "Dockerfile", settings, unsafe=True, only={"DF001"})
    assert outcome.applied == {"DF001": 1} and not outcome.refusals
    assert "USER 10001:10001\n" in outcome.text
    assert "useradd --system --no-log-init --uid 10001" in outcome.text
    codes = lambda t: sorted(f.code for f in lint_source(t, "Dockerfile", settings).findings)
    assert "DL3066" not in codes(outcome.text)


def test_df001_no_finding_when_the_base_runs_as_a_known_non_root_uid():
    assert _findings("FROM nginxinc/nginx-unprivileged:1.27\nCOPY site /usr/share/nginx/html\n", ["DF001"], "Dockerfile") == []
    assert _findings("FROM debian:12 AS base\nUSER 1000\nFROM base AS app\nRUN true\n", ["DF001"], "Dockerfile") == []


def test_df001_message_does_not_claim_root_for_an_unknown_base():
    [f] = _findings("FROM example.com/team/base:1.0\nCMD [\"run\"]\n", ["DF001"], "Dockerfile")
    assert f.message.startswith("The final image sets no USER: unless its base image example.com/team/base:1.0 sets a non-root one")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY and "is not known" in f.fix.description
    [f] = _findings("FROM python:3.12-slim\nCMD [\"run\"]\n", ["DF001"], "Dockerfile")
    assert "its base image python:3.12-slim runs as root" in f.message


def test_df001_display_only_for_images_that_start_as_root():
    cases = {
        "FROM php:8.3-apache\nCOPY src/ /var/www/html/\n": "apache or php-fpm starts as root and runs workers as www-data",
        "FROM alpine:3.20\nADD https://github.com/just-containers/s6-overlay/releases/download/v3.2.0.2/s6-overlay-noarch.tar.xz /tmp\nENTRYPOINT [\"/init\"]\n": "s6-overlay",
        "FROM debian:12-slim\nRUN apt-get install -y gosu\nENTRYPOINT [\"docker-entrypoint.sh\"]\n": "gosu",
        "FROM alpine:3.20\nRUN apk add --no-cache su-exec\n": "su-exec",
        "FROM debian:12-slim\nCMD [\"supervisord\", \"-n\"]\n": "supervisord",
        "FROM debian:12-slim\nEXPOSE 53/udp\nCMD [\"dnsmasq\", \"-k\"]\n": "it EXPOSEs port 53",
        "FROM debian:12-slim\nRUN apt-get install -y docker-ce\nVOLUME /var/lib/docker\nENTRYPOINT [\"wrapper.sh\"]\n": "a Docker daemon",
        # the official python image's own Dockerfile: others build FROM it and install as root
        "FROM buildpack-deps:trixie\nRUN make install\nCMD [\"python3\"]\n": "its CMD only starts python3, so it looks like a base image",
        "FROM alpine:3.20\nRUN printf 'echo hi' > /usr/local/bin/hi\n": "it sets no CMD or ENTRYPOINT",
        # eclipse-temurin's own Dockerfile: an entrypoint wrapper, then an interpreter
        "FROM ubuntu:24.04\nCOPY entrypoint.sh /\nENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"jshell\"]\n": "its CMD only starts jshell",
    }
    for text, reason in cases.items():
        [f] = _findings(text, ["DF001"], "Dockerfile")
        assert f.fix.applicability is Applicability.DISPLAY_ONLY, text
        assert reason in f.fix.description, (text, f.fix.description)
        assert fix_source(text, "Dockerfile", settings_for(["DF001"]), unsafe=True).text == text


# ---- DF003: a concrete release for floating tags; no swap to an image that lacks what is used --

def test_df003_floating_tag_names_the_current_release_and_its_figures():
    [f] = _findings("FROM node\nCOPY . /app\n", ["DF003"], "Dockerfile")
    assert "`node:24-slim` is the slim variant of release 24" in f.message
    assert "(408.9 MB for node:24 vs 80.5 MB for node:24-slim, docker-library/repo-info, amd64)" in f.message
    assert "node:24-alpine" in f.message and "`node:alpine`" not in f.message
    text = "FROM node:latest\nCOPY . /app\n"
    fixed = fix_source(text, "Dockerfile", settings_for(["DF003", "DL3007"]), unsafe=True)
    assert fixed.text == "FROM node:24-slim\nCOPY . /app\n"
    # the fix pins a release: DL3007 is gone because the tag names one, not because it moved
    assert [x.code for x in fixed.findings] == []


def test_df003_swap_is_display_only_when_the_smaller_image_lacks_what_is_used():
    jdk = "FROM eclipse-temurin:21-jdk\nCOPY app.jar /\nHEALTHCHECK CMD jcmd 1 VM.uptime || exit 1\nCMD [\"java\", \"-jar\", \"/app.jar\"]\n"
    [f] = _findings(jdk, ["DF003"], "Dockerfile")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "its HEALTHCHECK on line 3 uses jcmd, a JDK tool the JRE does not have" in f.fix.description
    full = "FROM python:3.12\nCOPY . /app\nRUN git -C /app describe > /app/VERSION\n"
    [f] = _findings(full, ["DF003"], "Dockerfile")
    assert "its RUN on line 3 uses git, which python:3.12-slim does not have (install git there first)" in f.fix.description
    installs = "FROM python:3.12\nRUN apt-get update && apt-get install -y --no-install-recommends git\nRUN git --version\n"
    [f] = _findings(installs, ["DF003"], "Dockerfile")
    assert f.fix.applicability is Applicability.UNSAFE


def test_ks007_keeps_default_capabilities_an_image_is_known_to_need():
    text = _pod(
        """
        - name: web
          image: nginx:1.27
        - name: dns
          image: example/dns:1.0
          ports:
          - containerPort: 53
            protocol: UDP
        - name: api
          image: example/api:1.0
          ports:
          - containerPort: 8080
        """
    )
    fixes = {f.span.line: f.fix for f in _findings(text, ["KS007"], "pod.yaml")}
    assert fixes[7].applicability is Applicability.DISPLAY_ONLY
    assert "nginx:1.27: its master process starts as root" in fixes[7].description
    assert fixes[9].applicability is Applicability.DISPLAY_ONLY
    assert "it listens on port 53 as a user not known to be non-root" in fixes[9].description
    assert fixes[14].applicability is Applicability.UNSAFE


def test_ks008_read_only_root_is_shown_never_applied():
    text = _pod("- name: alertmanager\n  image: prom/alertmanager:v0.27.0\n")
    [f] = _findings(text, ["KS008"], "pod.yaml")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "where it writes (/tmp, caches, pid files) cannot be known" in f.fix.description
    assert fix_source(text, "pod.yaml", settings_for(["KS008"]), unsafe=True).text == text


def test_dl4006_shell_is_not_written_into_a_base_image():
    base = "FROM debian:12-slim\nRUN curl -fsSL https://x | tar -xz -C /usr/local\nCMD [\"python3\"]\n"
    [f] = _findings(base, ["DL4006"], "Dockerfile")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "every image built FROM it would run its RUNs with bash -o pipefail too" in f.fix.description
    app = base.replace('CMD ["python3"]', 'CMD ["python3", "/srv/app.py"]')
    [f] = _findings(app, ["DL4006"], "Dockerfile")
    assert f.fix.applicability is Applicability.UNSAFE


def test_df003_slim_swap_is_display_only_when_installs_may_compile():
    text = "FROM python:3.12\nCOPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\nCMD [\"uwsgi\", \"--ini\", \"payment.ini\"]\n"
    [f] = _findings(text, ["DF003"], "Dockerfile")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "its RUN on line 3 runs `pip install`, whose packages may need a compiler" in f.fix.description
    with_gcc = text.replace("RUN pip", "RUN apt-get update && apt-get install -y --no-install-recommends build-essential && pip")
    [f] = _findings(with_gcc, ["DF003"], "Dockerfile")
    assert f.fix.applicability is Applicability.UNSAFE
    [f] = _findings("FROM node:22\nCOPY . .\nRUN npm ci --ignore-scripts\nCMD [\"node\", \"x.js\"]\n", ["DF003"], "Dockerfile")
    assert f.fix.applicability is Applicability.UNSAFE


def test_dl3015_keeps_recommends_that_are_the_point_of_the_install():
    text = "FROM debian:12\nRUN apt-get update && apt-get install -y python3-pip && pip3 install ansible\n"
    [f] = _findings(text, ["DL3015"], "Dockerfile")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY
    assert "python3-pip recommends build-essential, python3-setuptools and python3-wheel" in f.fix.description
    curl = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
    [f] = _findings(curl, ["DL3015"], "Dockerfile")
    assert f.fix.applicability is Applicability.UNSAFE
    [f] = _findings(curl, ["DL3015"], ".devcontainer/Dockerfile")
    assert f.fix.applicability is Applicability.DISPLAY_ONLY and "development container" in f.fix.description
