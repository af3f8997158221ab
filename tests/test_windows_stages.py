"""Stages on a Windows base image run RUN with `cmd /S /C`: neither the native shell checks nor
the ShellCheck binary read their scripts as sh (rulekit.windows, rulekit.shell_jobs.plan)."""
from __future__ import annotations

import pytest
from helpers import lint

from dockerlint.model import SourceText
from dockerlint.parse.dockerfile import parse_dockerfile
from dockerlint.parse.shell_checks import NATIVE_CODES
from dockerlint.rulekit.shell_jobs import plan
from dockerlint.rulekit.windows import is_windows_image, windows_stages


@pytest.mark.parametrize("ref", [
    "mcr.microsoft.com/windows/servercore:ltsc2022", "mcr.microsoft.com/windows/nanoserver:1809",
    "mcr.microsoft.com/windows:20H2", "mcr.microsoft.com/windowsservercore-insider", "mcr.microsoft.com/nanoserver-insider",
    "microsoft/windowsservercore", "mcr.microsoft.com/dotnet/framework/sdk:4.8", "microsoft/dotnet-framework:4.7",
    "golang:1.22-windowsservercore-ltsc2022", "python:3.12-windowsservercore", "mcr.microsoft.com/powershell:lts-nanoserver-1809",
    "stefanscherer/node-windows:8.6.0-build-tools", "stefanscherer/xterm:windows", "microsoft/iis", "nanoserverapiscan",
    "mcr.microsoft.com/dotnet/sdk:8.0-windowsservercore-ltsc2019", "mcr.microsoft.com/dotnet/runtime:9.0-nanoserver-ltsc2025",
])
def test_windows_images(ref):
    assert is_windows_image(ref)


@pytest.mark.parametrize("ref", [
    "alpine:3.22", "debian:12", "golang:1.22", "mcr.microsoft.com/dotnet/sdk:8.0", "mcr.microsoft.com/powershell:lts-ubuntu-22.04",
    "r.j3ss.co/wine", "mcr.microsoft.com/azurelinux/base/core:3.0", "docker/buildx-bin", "tonistiigi/xx", "windowsexporter/builder-linux",
])
def test_other_images(ref):
    assert not is_windows_image(ref)


def stages(text: str) -> list[int]:
    return sorted(windows_stages(parse_dockerfile(text, "Dockerfile")))


def test_stage_detection():
    assert stages("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\n") == [0]
    assert stages("ARG BASE=mcr.microsoft.com/windows/nanoserver:ltsc2022\nFROM $BASE\n") == [0]
    # FROM an earlier Windows stage
    assert stages("FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS base\nFROM base\nFROM alpine:3\n") == [0, 1]
    # next to a Windows stage, an image we cannot place is its Windows variant; a Linux one is not
    assert stages("FROM golang AS build\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2019\n") == [0, 1]
    assert stages("FROM alpine:3 AS build\nFROM mcr.microsoft.com/windows/nanoserver:ltsc2019\n") == [1]
    # `# escape=`` and a base image that cannot be known
    assert stages("# escape=`\nARG REPO\nFROM $REPO\n") == [0]
    assert stages("ARG REPO\nFROM $REPO\n") == []
    # a stage named with a variable: the stages it can be
    assert stages("FROM golang:1 AS tool-amd64\nFROM tool-${TARGETARCH}\n") == []
    assert stages("FROM debian:12\nRUN echo C:\\\\x\n") == []


def test_windows_runs_are_not_checked_as_sh():
    text = ("FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo %PATH% & set X=$y & dir C:\\tmp\\*\n"
            "SHELL [\"C:\\\\git\\\\bin\\\\bash.exe\", \"-c\"]\nRUN cd $HOME\n")
    # cmd: nothing; after a SHELL naming bash, the script is bash
    assert [(f.code, f.span.line) for f in lint(text, list(NATIVE_CODES)).findings] == [("SC2086", 4)]
    df = parse_dockerfile(text, "Dockerfile")
    assert [j.instruction.span.line for j in plan(df, SourceText(text, "Dockerfile"))] == [4]
    # hadolint's convention, for comparisons: every RUN as sh
    assert [j.instruction.span.line for j in plan(df, SourceText(text, "Dockerfile"), windows=False)] == [2, 4]


def test_onbuild_in_a_windows_stage():
    text = "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\nONBUILD RUN echo $x\n"
    assert lint(text, ["SC2086"]).findings == []
    assert [f.code for f in lint("FROM alpine:3\nONBUILD RUN echo $x\n", ["SC2086"]).findings] == ["SC2086"]
