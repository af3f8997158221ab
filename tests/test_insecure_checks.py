"""The security DF2xx rules: each finding carries the id of the matching Checkov/Trivy check."""
from __future__ import annotations

from helpers import lint

TEXT = (
    "FROM debian:12\n"
    "ENV NODE_TLS_REJECT_UNAUTHORIZED=0\n"
    "RUN curl -fsSLk https://example.com/x | sh \\\n"
    "    && apt-get install -y --allow-unauthenticated --force-yes curl \\\n"
    "    && git -c http.sslVerify=false clone https://example.com/r.git\n"
    "ONBUILD RUN wget --no-check-certificate https://example.com/y\n"
)


def test_each_finding_names_the_matching_check():
    found = [(f.code, f.span.line, f.aliases) for f in lint(TEXT, ["DF201", "DF202"]).findings]
    assert found == [
        ("DF201", 2, ("CKV2_DOCKER_6",)),
        ("DF201", 3, ("CKV2_DOCKER_2",)),
        ("DF202", 4, ("CKV2_DOCKER_8",)),
        ("DF202", 4, ("CKV2_DOCKER_8", "CKV2_DOCKER_11")),
        ("DF201", 5, ()),
        ("DF201", 6, ("CKV2_DOCKER_3",)),
    ]


def test_curl_option_values_are_not_flags():
    assert lint("FROM debian:12\nRUN curl -o k -H k -sS https://x\n", ["DF201"]).findings == []
    assert len(lint("FROM debian:12\nRUN curl -sSko out https://x\n", ["DF201"]).findings) == 1


def test_powershell_run_is_not_read_as_sh():
    text = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL ["powershell", "-Command"]\nRUN curl -k https://x\n'
    assert lint(text, ["DF201"]).findings == []


def test_ssh_port_only_in_final_image():
    text = "FROM debian:12 AS base\nEXPOSE 22\nFROM base\nEXPOSE 80\nFROM debian:12 AS unrelated\nFROM base\n"
    assert [f.span.line for f in lint(text, ["DF205"]).findings] == [2]
