"""What a slim runtime stage must still install when the build stage installed `-dev` packages
or the runtime uses a tool the full image had (`curl` in a HEALTHCHECK).

A `-dev` package is only needed to compile; what the compiled code links against at run time is
its library package: `libpq-dev` -> `libpq5`. Names are Debian bookworm's. On trixie the libraries
renamed for the 64-bit time_t transition (`libssl3t64`, `libpng16-16t64`...) Provide the old
names, so apt installs them for the same names; bullseye's differ where listed. Libraries whose
name carries a version that changes with every suite (ICU, GDAL, PROJ, Boost, HDF5) cannot be
named without knowing the suite: the suggestion says so in a comment instead.
"""
from __future__ import annotations

import re

# -dev package -> runtime package(s): one string, or {suite or "default": names}
RUNTIME_LIBRARIES: dict[str, str | dict[str, str]] = {
    "libpq-dev": "libpq5",
    "libssl-dev": {"default": "libssl3", "bullseye": "libssl1.1", "buster": "libssl1.1"},
    "libffi-dev": {"default": "libffi8", "bullseye": "libffi7", "buster": "libffi6"},
    "libxml2-dev": "libxml2",
    "libxslt1-dev": "libxslt1.1",
    "libxslt-dev": "libxslt1.1",
    "zlib1g-dev": "zlib1g",
    "libjpeg-dev": "libjpeg62-turbo",
    "libjpeg62-turbo-dev": "libjpeg62-turbo",
    "libpng-dev": "libpng16-16",
    "libtiff-dev": {"default": "libtiff6", "bullseye": "libtiff5", "buster": "libtiff5"},
    "libtiff5-dev": "libtiff5",
    "libwebp-dev": {"default": "libwebp7", "bullseye": "libwebp6", "buster": "libwebp6"},
    "libfreetype6-dev": "libfreetype6",
    "libfreetype-dev": "libfreetype6",
    "liblcms2-dev": "liblcms2-2",
    "libopenjp2-7-dev": "libopenjp2-7",
    "default-libmysqlclient-dev": "libmariadb3",
    "libmariadb-dev": "libmariadb3",
    "libmariadb-dev-compat": "libmariadb3",
    "libsqlite3-dev": "libsqlite3-0",
    "libyaml-dev": "libyaml-0-2",
    "libcurl4-openssl-dev": "libcurl4",
    "libsasl2-dev": "libsasl2-2",
    "libmagic-dev": "libmagic1",
    "libbz2-dev": "libbz2-1.0",
    "liblzma-dev": "liblzma5",
    "libzstd-dev": "libzstd1",
    "libgeos-dev": "libgeos-c1v5",
    "libgmp-dev": "libgmp10",
    "libsnappy-dev": "libsnappy1v5",
    "libxmlsec1-dev": "libxmlsec1 libxmlsec1-openssl",
    "libkrb5-dev": "libkrb5-3 libgssapi-krb5-2",
    "unixodbc-dev": {"default": "libodbc2", "bullseye": "libodbc1", "buster": "libodbc1"},
    "libcairo2-dev": "libcairo2",
    "libopenblas-dev": "libopenblas0",
    "liblapack-dev": "liblapack3",
    "libblas-dev": "libblas3",
    "libsodium-dev": "libsodium23",
    "libevent-dev": "libevent-2.1-7",
    "libuv1-dev": "libuv1",
    "libreadline-dev": "libreadline8",
    "libncurses-dev": "libncursesw6",
    "libncurses5-dev": "libncursesw6",
    "libgdbm-dev": "libgdbm6",
    "libpcre3-dev": "libpcre3",
    "libpcre2-dev": "libpcre2-8-0",
    "libexpat1-dev": "libexpat1",
    # renamed between bookworm and trixie without a compatible Provides
    "libldap2-dev": {"bookworm": "libldap-2.5-0", "trixie": "libldap2", "bullseye": "libldap-2.4-2"},
    "libldap-dev": {"bookworm": "libldap-2.5-0", "trixie": "libldap2", "bullseye": "libldap-2.4-2"},
}
# versioned in every suite: `apt-cache search` in the runtime image names it
VERSIONED = {
    "libicu-dev": "libicu<N>", "libgdal-dev": "libgdal<N>", "libproj-dev": "libproj<N>",
    "libhdf5-dev": "libhdf5-<N>", "libboost-all-dev": "libboost-*<N>", "libgeos++-dev": "libgeos<N>",
}
SUITES = ("buster", "bullseye", "bookworm", "trixie", "forky")

# Commands a kept instruction may run that full images have and -slim ones lack, by package.
RUNTIME_TOOLS = {
    "curl": "curl", "wget": "wget", "git": "git", "gpg": "gnupg", "ps": "procps", "pgrep": "procps",
    "pkill": "procps", "nc": "netcat-openbsd", "jq": "jq", "unzip": "unzip", "xz": "xz-utils",
}


def suite_of(image: str) -> str | None:
    """The Debian suite a tag pins (`python:3.12-slim-bookworm`), else None (the image's default)."""
    tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
    return next((s for s in SUITES if re.search(rf"(?:^|-){s}(?:-|$)", tag)), None)


def runtime_libraries(dev_packages: list[str], suite: str | None) -> tuple[list[str], list[str]]:
    """(runtime packages to install, comments for the ones that cannot be named here)."""
    packages: list[str] = []
    notes: list[str] = []
    for dev in dev_packages:
        entry = RUNTIME_LIBRARIES.get(dev)
        if isinstance(entry, dict):
            names = entry.get(suite or "") or entry.get("default")
            if names is None and suite is None and len(set(entry.values())) > 1:
                options = ", ".join(f"{n} on {s}" for s, n in entry.items() if s != "default")
                notes.append(f"{dev} was a build dependency: its runtime library is {options}; install the one for the runtime image's Debian suite")
                continue
            entry = names
        if entry:
            packages += [p for p in entry.split() if p not in packages]
        elif dev in VERSIONED:
            notes.append(f"{dev} was a build dependency: install its runtime library ({VERSIONED[dev]}, the version depends on the Debian suite; `apt-cache search` in the runtime image names it)")
        elif dev.endswith("-dev") and dev not in ("python3-dev", "libc6-dev", "libc-dev", "musl-dev", "linux-libc-dev"):
            notes.append(f"{dev} was a build dependency: if the built code links against it, install its runtime library here")
    return packages, notes


def runtime_tools(texts: list[str]) -> list[str]:
    """Packages of the tools the runtime instructions run (`curl` in a HEALTHCHECK)."""
    found: list[str] = []
    for text in texts:
        for command, package in RUNTIME_TOOLS.items():
            if re.search(rf"(?:^|[\s\"'\[;&|(]){re.escape(command)}(?=[\s\"',\]]|$)", text) and package not in found:
                found.append(package)
    return found
