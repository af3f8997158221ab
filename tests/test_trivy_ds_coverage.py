"""Every Trivy Dockerfile check (DS001...DS032) has a dockerlint rule that fires on that check's
own "bad" cases (paraphrased from trivy-checks' `checks/docker/*_test.rego`, Apache-2.0), and
a rule that carries the Trivy id as an alias fires on them under that alias."""
from __future__ import annotations

import pytest

from dockerlint import ruleset
from helpers import lint

# Trivy id -> (the rule that covers it, a Dockerfile that Trivy's tests deny)
CASES = {
    "AVD-DS-0001": ("DL3007", "FROM alpine:latest\n"),
    "AVD-DS-0002": ("DF001", "FROM alpine:3.20\nUSER root\n"),
    "AVD-DS-0004": ("DF205", "FROM alpine:3.20\nEXPOSE 22\nUSER app\n"),
    "AVD-DS-0005": ("DL3020", "FROM alpine:3.20\nADD /target/app.jar app.jar\n"),
    "AVD-DS-0006": ("DL3023", "FROM golang:1.22 AS dep\nCOPY --from=dep /binary /\n"),
    "AVD-DS-0007": ("DL4004", 'FROM golang:1.22\nENTRYPOINT ["/bin/a"]\nENTRYPOINT ["/bin/b"]\n'),
    "AVD-DS-0008": ("DL3011", "FROM alpine:3.20\nEXPOSE 65536\n"),
    "AVD-DS-0009": ("DL3000", "FROM alpine:3.20\nWORKDIR path/to/workdir\n"),
    "AVD-DS-0010": ("DL3004", "FROM alpine:3.20\nRUN sudo apk add bash\n"),
    "AVD-DS-0011": ("DL3021", "FROM alpine:3.20\nCOPY package.json yarn.lock my_app\n"),
    "AVD-DS-0012": ("DL3024", "FROM baseimage:1.0 AS bi\nFROM baseimage2:1.0 AS bi\n"),
    "AVD-DS-0013": ("DL3003", "FROM alpine:3.20\nRUN cd /usr/share/nginx/html\n"),
    "AVD-DS-0014": ("DL4001", "FROM debian:12\nRUN wget http://example.com/a\nRUN curl http://example.com/b\n"),
    "AVD-DS-0015": ("DL3032", "FROM centos:7\nRUN yum install -y vim-8.0\n"),
    "AVD-DS-0016": ("DL4003", 'FROM golang:1.22\nCMD ["a"]\nCMD ["b"]\n'),
    "AVD-DS-0017": ("DF207", "FROM ubuntu:18.04\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends mysql-client\n"),
    "AVD-DS-0019": ("DL3040", "FROM fedora:40\nRUN dnf install -y vim-8.0\n"),
    "AVD-DS-0020": ("DL3036", "FROM opensuse/leap:15.6\nRUN zypper install -y bash-5.2\n"),
    "AVD-DS-0021": ("DL3014", "FROM debian:12\nRUN apt-get install apt-utils\n"),
    "AVD-DS-0022": ("DL4000", "FROM busybox:1.36\nMAINTAINER Lukas Martinelli <me@lukasmartinelli.ch>\n"),
    "AVD-DS-0023": ("DL3012", "FROM busybox:1.36\nHEALTHCHECK CMD a\nHEALTHCHECK CMD b\n"),
    "AVD-DS-0024": ("DF206", "FROM debian:12\nRUN apt-get update && apt-get dist-upgrade\n"),
    "AVD-DS-0025": ("DL3019", "FROM alpine:3.20\nRUN apk add bash\n"),
    "AVD-DS-0026": ("DL3057", "FROM busybox:1.36\nADD . /app\n"),
    "AVD-DS-0027": ("DL3040", "FROM ubi9-minimal\nRUN microdnf install -y bash-5.1\n"),
    "AVD-DS-0029": ("DL3015", "FROM debian:12\nRUN apt-get install -y apt-utils\n"),
    "AVD-DS-0030": ("DF208", "FROM alpine:3.20\nWORKDIR /proc/app\n"),
    "AVD-DS-0031": ("DF109", "FROM alpine:3.20\nARG GITHUB_TOKEN\nENV AWS_SECRET_ACCESS_KEY=$X\n"),
    "AVD-DS-0032": ("DL4006", "FROM debian:12\nRUN wget -O - https://example.com | wc -l > /n\n"),
}


@pytest.mark.parametrize("trivy_id", sorted(CASES))
def test_trivy_bad_case_has_a_rule(trivy_id):
    code, text = CASES[trivy_id]
    result = lint(text, [code])
    assert result.error is None
    mine = [f for f in result.findings if f.code == code]
    assert mine, f"{code} does not fire on {trivy_id}'s own bad case:\n{text}"
    if trivy_id in ruleset.rule_class(code).aliases:
        assert all(trivy_id in f.aliases for f in mine), mine
