"""Which stages of a Dockerfile run their RUN instructions on Windows, where Docker's default
shell is `cmd /S /C`, not `/bin/sh -c`: their scripts are cmd (or PowerShell, with a SHELL
instruction), and no shell checker should read them as sh.

A stage is Windows when its base image is one (`is_windows_image`: Microsoft's Windows base
images and the images built on them, which name it in the repository or the tag:
`mcr.microsoft.com/windows/servercore`, `.../nanoserver`, `microsoft/windowsservercore`,
`mcr.microsoft.com/dotnet/framework/sdk`, `golang:1.22-windowsservercore-ltsc2022`,
`python:3-nanoserver`, `stefanscherer/node-windows`...), after the global ARG defaults are
substituted; when it is built FROM an earlier Windows stage; when its base image cannot be
known (an ARG without a default, a name we do not recognise) and the file sets the escape
character to a backtick (`# escape=\\``), which only Windows Dockerfiles do (their paths are
full of backslashes); or when another stage of the file is Windows and its own base image is
not recognisably Linux (one daemon builds all the stages: `FROM golang` next to a nanoserver
stage is golang's Windows variant).
"""
from __future__ import annotations

import re

from dockerlint.rulekit.patterns import lazy

# A path component or tag word that names Windows: windows, windowsservercore, servercore,
# nanoserver (with -insider, -1809, -ltsc2022... suffixes), or a repository named *-windows.
_WINDOWS_WORD = lazy(r"(?:^|[/:@._-])(?:(?:windows(?:servercore)?|servercore)(?:$|[/:@._-]|\d)|nanoserver)")
_WINDOWS_REPO = lazy(r"(?:^|/)[a-z0-9._-]*-windows(?:$|[:@])|(?:^|/)dotnet(?:/|-)framework(?:$|[/:@])"
                           r"|(?:^|/)microsoft/(?:iis|aspnet|wcf)(?:$|[:@])|(?:^|/)chocolatey(?:$|[:@])")
_LTSC = lazy(r"\bltsc20\d\d\b")
_VARIABLE = lazy(r"\$\{[^}$]{0,200}\}|\$[A-Za-z_][A-Za-z0-9_]*")  # bounded: FROM lines can be hostile

CMD_SHELL = ["cmd", "/S", "/C"]


# Every image the patterns below accept contains one of these; most FROM lines contain none, and
# then no pattern is compiled or run.
_MARKERS = ("windows", "servercore", "nanoserver", "dotnet", "microsoft/", "chocolatey", "ltsc20")


def is_windows_image(ref: str) -> bool:
    ref = ref.lower()
    if not any(m in ref for m in _MARKERS):
        return False
    last = ref.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    return bool(_WINDOWS_WORD.search(ref) or _WINDOWS_REPO.search(ref) or (tag and _LTSC.search(tag)))


def windows_stages(df) -> set[int]:
    """Indices of the stages whose RUN instructions run on Windows."""
    from dockerlint.rulekit.analysis import stage_infos

    backtick = getattr(df, "escape", "\\") == "`"
    if not backtick and not any("$" in s.image or is_windows_image(s.image) for s in df.stages):
        return set()  # the common case, without resolving anything
    infos = stage_infos(df)
    out: set[int] = set()
    aliases: dict[str, int] = {}
    for info in infos:
        stage = info.stage
        if info.parent is not None:
            windows = info.parent in out
        elif info.image is not None and info.image.lower() in ("scratch",):
            windows = False
        elif info.image is not None:
            windows = is_windows_image(info.image) or (backtick and not _looks_linux(info.image))
        else:
            # ARG without a default: a stage named by a pattern (`base-${TARGETARCH}`), else
            # the words around the variable, else the escape character.
            pattern = _stage_pattern(stage.image)
            matched = [i for name, i in aliases.items() if pattern.fullmatch(name)]
            if matched:
                windows = all(i in out for i in matched)
            else:
                windows = is_windows_image(_VARIABLE.sub("", stage.image)) or backtick
        if windows:
            out.add(stage.index)
        if stage.alias:
            aliases[stage.alias.lower()] = stage.index
    if out:
        # One daemon builds every stage: next to a Windows stage, a base image we cannot place
        # (`golang`, `stefanscherer/chocolatey`) is its Windows variant.
        for info in infos:
            stage = info.stage
            platform = (stage.platform or "").lower()
            if stage.index in out or info.parent is not None or platform.startswith("linux") or "$" in platform:
                continue
            if not (info.image is not None and (info.image.lower() == "scratch" or _looks_linux(info.image))):
                out.add(stage.index)
    return out


def _stage_pattern(image: str):
    parts = _VARIABLE.split(image.lower())
    if len(parts) > 4 or len(image) > 300:
        return re.compile(r"(?!)")  # a stage name has a variable or two, not thousands
    variables = _VARIABLE.findall(image.lower())
    out = re.escape(parts[0])
    for variable, part in zip(variables, parts[1:]):
        out += "[^/]*" + re.escape(part)
    return re.compile(out)


_LINUX_BASES = lazy(r"(?:^|/)(?:alpine|debian|ubuntu|centos|fedora|busybox|distroless|rockylinux|almalinux|amazonlinux|archlinux|opensuse|photon|mariner|azurelinux|cbl-mariner)(?:$|[/:@])")


def _looks_linux(image: str) -> bool:
    """A base image that is certainly Linux even in a file with `# escape=\\``."""
    return bool(_LINUX_BASES.search(image.lower()))
