"""Hostile inputs, through the CLI as a user runs it (`python -m dockerlint check DIR`).

Each case checks: a clear message for the bad file, the run goes on (a good Dockerfile next to
it is still linted), the exit code, and time and memory bounds, measured on the child process
(wall time, and peak RSS from os.wait4). The bounds are generous on purpose: the machines that
run this suite have 2 CPUs shared by several jobs. They are the table in fuzz/README.md:

| input                                    | outcome                                   | time   | RSS     |
|------------------------------------------|-------------------------------------------|--------|---------|
| YAML alias bomb (9 levels x 9)           | linted, aliases never expanded            | 60 s   | 300 MB  |
| merge-key chain (2,000 maps x 2,000 keys)| parse error: merge keys expand past 1 M   | 60 s   | 300 MB  |
| 10,000-deep YAML (flow and block)        | parse error: nested too deeply            | 60 s   | 300 MB  |
| 10,000-deep JSON in CMD / ${...} in RUN  | linted (shell form), no crash             | 60 s   | 300 MB  |
| 100 MB file (sparse)                     | "over the 20 MiB limit; not linted"       | 20 s   | 150 MB  |
| 10 MB line (Dockerfile / YAML)           | parse error: line too long / linted       | 60 s   | 500 MB  |
| binary, NUL bytes                        | "binary file (contains NUL bytes)"        | 60 s   | 300 MB  |
| invalid UTF-8, Latin-1                   | "not valid UTF-8 (byte 0x.. at offset N)" | 60 s   | 300 MB  |
| UTF-16 with BOM                          | linted; fix writes UTF-16 with BOM back   | 60 s   | 300 MB  |
| mixed CRLF / LF / CR                     | linted; fix keeps every other line's end  | 60 s   | 300 MB  |
| symlink loops, dangling, leaving the tree| "skipped: symbolic link loop" etc.        | 60 s   | 300 MB  |
| FIFO (and a link to one) in the tree     | "skipped: not a regular file"             | 60 s   | 300 MB  |
| unreadable file / directory              | "permission denied" / "directory not read"| 60 s   | 300 MB  |
| file deleted during the run (check, fix) | "no such file (was it deleted ...)"       | 60 s   | 300 MB  |
| Dockerfile of 100,000 instructions       | linted, every finding reported            | 300 s  | 1500 MB |
| 50,000 repeated characters, every rule   | linted (lint_source, in process)          | 20 s/input | -   |
"""
from __future__ import annotations

import codecs
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

from child_process import REPO, dockerlint, run_child

GOOD = "FROM debian\n"  # lints to DL3006 (and more): proves the run went on
DEFAULT_SECONDS, DEFAULT_MB = 60, 300


def check(tmp_path: Path, *paths: str, timeout: float = DEFAULT_SECONDS, max_mb: float = DEFAULT_MB, extra=()):
    child = dockerlint(["check", "--isolated", "--no-source", *extra, *paths], cwd=str(tmp_path), timeout=timeout)
    assert not child.timed_out, str(child)
    assert child.seconds < timeout and child.max_rss_mb < max_mb, str(child)
    assert "Traceback" not in child.err, str(child)
    return child


def with_good_file(tmp_path: Path) -> Path:
    (tmp_path / "Dockerfile").write_text(GOOD)
    return tmp_path / "Dockerfile"


def assert_good_file_linted(child) -> None:
    assert re.search(r"^Dockerfile:1:\d+: DL3006 ", child.out, re.M), str(child)


# --- YAML bombs ---------------------------------------------------------------------------------


def _laughs(levels: int = 9, width: int = 9) -> str:
    lines = ['  a0: &a0 [' + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"  a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_alias_bomb_is_linted_without_expanding(tmp_path):
    with_good_file(tmp_path)
    top = "*a8"
    (tmp_path / "configmap.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n" + _laughs() + f"  all: {top}\n"
    )
    # the bomb wherever rules walk: env, args, volumes, labels of a Deployment; a Compose service
    (tmp_path / "deploy.yaml").write_text(
        "x-bomb:\n" + _laughs() + "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"
        f"  labels: {{a: b}}\nspec:\n  template:\n    spec:\n      volumes: {top}\n      containers:\n"
        f"      - name: c\n        image: nginx:1.27\n        args: {top}\n        env: {top}\n"
        f"        ports: {top}\n        volumeMounts: {top}\n"
    )
    (tmp_path / "compose.yaml").write_text(
        "x-bomb:\n" + _laughs() + f"services:\n  web:\n    image: nginx\n    environment: {top}\n"
        f"    ports: {top}\n    volumes: {top}\n    command: {top}\n    cap_add: {top}\n"
    )
    child = check(tmp_path, ".")
    assert child.code == 1, str(child)
    assert_good_file_linted(child)
    assert "deploy.yaml:" in child.out and "compose.yaml:" in child.out, str(child)
    assert "internal error" not in child.out, str(child)


def test_yaml_merge_key_explosion_is_refused(tmp_path):
    with_good_file(tmp_path)
    maps, keys = 2000, 2000  # 100 KB; copying merged entries eagerly would need ~4 M entries
    lines = ["x-m0: &m0 {" + ", ".join(f"k{i}: {i}" for i in range(keys)) + "}"]
    lines += [f"x-m{i}: &m{i} {{<<: *m{i - 1}, y{i}: 1}}" for i in range(1, maps)]
    (tmp_path / "pod.yaml").write_text(
        "\n".join(lines) + f"\napiVersion: v1\nkind: Pod\nmetadata: {{name: p, labels: *m{maps - 1}}}\n"
        "spec: {containers: [{name: c, image: nginx}]}\n"
    )
    child = check(tmp_path, ".")
    assert re.search(r"^pod\.yaml:\d+:\d+: error: parse error: merge keys \(<<\) expand to more than 1,000,000 entries", child.out, re.M), str(child)
    assert_good_file_linted(child)
    assert child.code == 1, str(child)


def test_deep_nesting(tmp_path):
    with_good_file(tmp_path)
    depth = 10_000
    (tmp_path / "flow.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: " + "[" * depth + "]" * depth + "\n")
    (tmp_path / "block.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  " + "- " * depth + "x\n")
    (tmp_path / "Dockerfile.json").write_text("FROM debian:12\nCMD " + "[" * depth + "]" * depth + "\n")
    (tmp_path / "Dockerfile.subst").write_text(
        "FROM debian:12\nRUN echo ${a:-" * 1 + "${a:-" * depth + "x" + "}" * (depth + 1) + " <<EOF\nhi\nEOF\n"
    )
    child = check(tmp_path, ".")
    for name in ("flow.yaml", "block.yaml"):
        assert re.search(rf"^{name}:\d+:\d+: error: parse error: document nested too deeply", child.out, re.M), str(child)
    assert re.search(r"^Dockerfile\.json:2:\d+: DL3025 ", child.out, re.M), str(child)  # shell form, as BuildKit
    assert re.search(r"^Dockerfile\.subst:1:\d+: ", child.out, re.M), str(child)
    assert_good_file_linted(child)


# --- size -------------------------------------------------------------------------------------


def test_100_mb_file_is_refused_quickly(tmp_path):
    with_good_file(tmp_path)
    with open(tmp_path / "Dockerfile.huge", "wb") as f:  # sparse: no 100 MB written to disk
        f.seek(100 * 1024 * 1024)
        f.write(b"\n")
    child = check(tmp_path, ".", timeout=20, max_mb=150)
    assert "Dockerfile.huge: error: file is 100.0 MiB, over the 20 MiB limit; not linted" in child.out, str(child)
    assert_good_file_linted(child)
    assert child.code == 2, str(child)  # a file that could not be read: like any I/O error


def test_10_mb_line(tmp_path):
    with_good_file(tmp_path)
    line = "a" * 10_000_000
    (tmp_path / "Dockerfile.long").write_text(f"FROM debian:12\nRUN echo {line}\nUSER root\n")
    (tmp_path / "pod.yaml").write_text(
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: {line}\n"
        "spec:\n  containers:\n  - name: c\n    image: nginx\n    # " + "{" * 1_000_000 + "\n"
    )
    child = check(tmp_path, ".", max_mb=500)
    assert "Dockerfile.long:2:1: error: parse error: dockerfile line greater than max allowed size of 65535" in child.out, str(child)
    assert re.search(r"^pod\.yaml:\d+:\d+: KS\d+ ", child.out, re.M), str(child)
    assert_good_file_linted(child)


def test_dockerfile_of_100000_instructions(tmp_path):
    n = 100_000
    (tmp_path / "Dockerfile").write_text("FROM debian:12\n" + "".join(f"RUN echo {i}\n" for i in range(n)))
    child = check(tmp_path, "Dockerfile", timeout=300, max_mb=1500)
    assert child.code == 1, str(child)
    assert re.search(rf"^Dockerfile:{n + 1}:1: DL3059 ", child.out, re.M), str(child)  # the last one too
    assert re.search(r"^Found \d{6} problems in 1 of 1 file linted", child.out, re.M), str(child)


# --- encodings ----------------------------------------------------------------------------------


def test_binary_nul_and_bad_encodings(tmp_path):
    with_good_file(tmp_path)
    (tmp_path / "Dockerfile.bin").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "Dockerfile.nul").write_bytes(b"FROM debian:12\nRUN echo \x00 hi\n")
    (tmp_path / "nul.yaml").write_bytes(b"apiVersion: v1\nkind: Pod\x00\n")
    (tmp_path / "Dockerfile.utf8").write_bytes(b"FROM debian:12\nRUN echo \xff\xfe\n")
    (tmp_path / "Dockerfile.latin1").write_bytes('FROM debian:12\nLABEL maintainer="José"\n'.encode("latin-1"))
    child = check(tmp_path, ".")
    for name in ("Dockerfile.bin", "Dockerfile.nul", "nul.yaml"):
        assert f"{name}: error: binary file (contains NUL bytes), not linted" in child.out, str(child)
    assert "Dockerfile.utf8: error: not valid UTF-8 (byte 0xff at offset 24); save the file as UTF-8" in child.out, str(child)
    assert "Dockerfile.latin1: error: not valid UTF-8 (byte 0xe9 at offset 36); save the file as UTF-8" in child.out, str(child)
    assert_good_file_linted(child)
    assert child.code == 2, str(child)


def test_utf16_with_bom_is_linted_and_fixed_in_utf16(tmp_path):
    original = "FROM debian:12\nRUN apt-get install curl\n"
    data = codecs.BOM_UTF16_LE + original.encode("utf-16-le")
    (tmp_path / "Dockerfile").write_bytes(data)
    child = check(tmp_path, "Dockerfile")
    assert re.search(r"^Dockerfile:2:\d+: DL3014 ", child.out, re.M), str(child)
    fixed = dockerlint(["fix", "--isolated", "Dockerfile"], cwd=str(tmp_path), timeout=DEFAULT_SECONDS)
    assert fixed.code == 0, str(fixed)
    after = (tmp_path / "Dockerfile").read_bytes()
    assert after.startswith(codecs.BOM_UTF16_LE), after[:20]
    assert after.decode("utf-16") == "FROM debian:12\nRUN apt-get install -y curl\n"


def test_mixed_line_endings(tmp_path):
    # a lone CR is no line break for BuildKit: `ENV A=1\rB=2` is one ENV with two pairs
    original = b"FROM debian:12\r\nRUN apt-get install curl\nUSER root\r\nENV A=1\rB=2\nCMD [\"x\"]\r\n"
    (tmp_path / "Dockerfile").write_bytes(original)
    child = check(tmp_path, "Dockerfile")
    assert re.search(r"^Dockerfile:2:\d+: DL3014 ", child.out, re.M), str(child)
    assert re.search(r"^Dockerfile:3:1: DL3002 ", child.out, re.M), str(child)
    fixed = dockerlint(["fix", "--isolated", "Dockerfile"], cwd=str(tmp_path), timeout=DEFAULT_SECONDS)
    assert fixed.code == 0, str(fixed)
    assert (tmp_path / "Dockerfile").read_bytes() == original.replace(b"install curl", b"install -y curl")


# --- the file system ------------------------------------------------------------------------------


def test_symlink_loops_and_links_leaving_the_tree(tmp_path):
    tree, outside = tmp_path / "tree", tmp_path / "outside"
    (tree / "sub").mkdir(parents=True)
    outside.mkdir()
    (tree / "Dockerfile").write_text(GOOD)
    (outside / "Dockerfile").write_text(GOOD)
    os.symlink("loop2", tree / "loop1")
    os.symlink("loop1", tree / "loop2")
    os.symlink("loop1", tree / "Dockerfile.loop")
    os.symlink("Dockerfile.self", tree / "Dockerfile.self")
    os.symlink("nowhere", tree / "Dockerfile.dangling")
    os.symlink("../outside/Dockerfile", tree / "Dockerfile.outside")
    os.symlink("..", tree / "sub" / "up")  # directory loops: not followed
    os.symlink(".", tree / "sub" / "self")
    os.symlink(str(outside), tree / "sub" / "out")
    os.symlink("Dockerfile", tree / "Dockerfile.inside")  # inside the tree: linted
    child = check(tmp_path, "tree")
    err = child.err
    assert "tree/Dockerfile.loop: skipped: symbolic link loop" in err, str(child)
    assert "tree/Dockerfile.self: skipped: symbolic link loop" in err, str(child)
    assert "tree/Dockerfile.dangling: skipped: broken symbolic link" in err, str(child)
    assert "tree/Dockerfile.outside: skipped: symbolic link leaves the tree; not followed" in err, str(child)
    assert re.search(r"^tree/Dockerfile:1:\d+: DL3006 ", child.out, re.M), str(child)
    assert re.search(r"^tree/Dockerfile\.inside:1:\d+: DL3006 ", child.out, re.M), str(child)
    assert "outside" not in child.out and "sub/" not in child.out, str(child)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_in_the_tree_does_not_hang(tmp_path):
    with_good_file(tmp_path)
    os.mkfifo(tmp_path / "Dockerfile.fifo")
    os.mkfifo(tmp_path / "fifo.yaml")
    os.symlink("Dockerfile.fifo", tmp_path / "Dockerfile.link")
    child = check(tmp_path, ".", timeout=30)
    for name in ("Dockerfile.fifo", "fifo.yaml", "Dockerfile.link"):
        assert f"{name}: skipped: not a regular file (a FIFO, socket or device); not read" in child.err, str(child)
    assert_good_file_linted(child)


def _unprivileged() -> tuple[list[str] | None, str | None]:
    """(command prefix, reason to skip): as root, run the child as `nobody` through setpriv(1),
    since root reads mode-000 files. (A preexec_fn setuid is not enough here: the interpreter
    sits under /root, which `nobody` may not search; setpriv gets through, then drops all.)"""
    if os.geteuid() != 0:
        return [], None
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "running as root without setpriv(1) to drop to an unprivileged user"
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = run_child([*prefix, sys.executable, "-c", "import os, dockerlint; print(os.geteuid())"], cwd="/", timeout=60,
                      env=dict(os.environ, PYTHONPATH=REPO))
    if probe.code != 0 or probe.out.strip() != "65534":
        return None, f"running as root and cannot run this Python as uid 65534: {probe.err[-200:]}"
    return prefix, None


def test_unreadable_file_and_directory(tmp_path):
    prefix, reason = _unprivileged()
    if reason:
        pytest.skip(reason)
    drop = bool(prefix)
    # as uid 65534 the tree must be reachable: not under pytest's private (0700) tmp dir
    root = Path(tempfile.mkdtemp(prefix="dockerlint-unreadable-")) if drop else tmp_path
    try:
        root.chmod(0o777)
        (root / "Dockerfile").write_text(GOOD)
        (root / "Dockerfile.secret").write_text(GOOD)
        (root / "closed").mkdir()
        (root / "closed" / "Dockerfile").write_text(GOOD)
        (root / "Dockerfile.secret").chmod(0)
        (root / "closed").chmod(0)
        env = dict(os.environ, NO_COLOR="1", PYTHONPATH=REPO)
        child = run_child([*prefix, sys.executable, "-m", "dockerlint", "check", "--isolated", "--no-source", "."],
                          cwd=str(root), timeout=DEFAULT_SECONDS, env=env)
        assert child.seconds < DEFAULT_SECONDS and child.max_rss_mb < DEFAULT_MB, str(child)
        assert "Dockerfile.secret: error: permission denied" in child.out, str(child)
        assert "closed: skipped: directory not read: permission denied" in child.err, str(child)
        assert_good_file_linted(child)
        assert child.code == 2, str(child)
    finally:
        (root / "closed").chmod(0o755)
        if drop:
            shutil.rmtree(root, ignore_errors=True)


def test_unreadable_as_root_alternatives(tmp_path):
    """Cases that stop root too: a dangling link and a directory named explicitly as a file."""
    with_good_file(tmp_path)
    os.symlink("gone", tmp_path / "Dockerfile.dangling")
    child = check(tmp_path, "Dockerfile.dangling", "Dockerfile", extra=["--kind", "dockerfile"])
    assert "Dockerfile.dangling: error: no such file (was it deleted during the run?)" in child.out, str(child)
    assert_good_file_linted(child)
    assert child.code == 2, str(child)
    if Path("/proc/self/mem").exists():  # EIO on read, even for root
        child = check(tmp_path, "/proc/self/mem", "Dockerfile", extra=["--kind", "dockerfile"])
        assert re.search(r"/proc/self/mem: error: (cannot read: .+|file is .+ over the .+ limit; not linted)", child.out), str(child)
        assert_good_file_linted(child)


_DELETING_DRIVER = """
import os, sys
from dockerlint.cli import main as cli
from dockerlint import discovery
victim = sys.argv[1]
real = discovery.discover
def discover(paths, exclude):
    found = real(paths, exclude)
    os.unlink(victim)  # gone after discovery listed it, before it is read
    return found
discovery.discover = discover
sys.exit(cli.main(sys.argv[2:]))
"""

_DELETING_FIX_DRIVER = """
import os, sys
from dockerlint.cli import main as cli
from dockerlint import fix
victim = sys.argv[1]
real = fix.fix_source
def fix_source(text, path, *args, **kwargs):
    outcome = real(text, path, *args, **kwargs)
    if os.path.basename(path) == os.path.basename(victim):
        os.unlink(victim)  # gone after it was read and fixed, before the fixed text is written
    return outcome
fix.fix_source = fix_source
sys.exit(cli.main(sys.argv[2:]))
"""


def _driver(tmp_path: Path, driver: str, victim: str, args: list[str]):
    env = dict(os.environ, NO_COLOR="1", PYTHONPATH=REPO)
    child = run_child([sys.executable, "-c", driver, victim, *args], cwd=str(tmp_path), timeout=DEFAULT_SECONDS, env=env)
    assert not child.timed_out and child.max_rss_mb < DEFAULT_MB, str(child)
    assert "Traceback" not in child.err, str(child)
    return child


def test_file_deleted_during_the_run(tmp_path):
    with_good_file(tmp_path)
    (tmp_path / "Dockerfile.gone").write_text("FROM debian\nRUN apt-get install curl\n")
    (tmp_path / "Dockerfile.kept").write_text("FROM debian\nRUN apt-get install curl\n")
    child = _driver(tmp_path, _DELETING_DRIVER, "Dockerfile.gone", ["check", "--isolated", "--no-source", "."])
    assert "Dockerfile.gone: error: no such file (was it deleted during the run?)" in child.out, str(child)
    assert_good_file_linted(child)
    assert child.code == 2, str(child)

    (tmp_path / "Dockerfile.gone").write_text("FROM debian\nRUN apt-get install curl\n")
    child = _driver(tmp_path, _DELETING_FIX_DRIVER, "Dockerfile.gone", ["fix", "--isolated", "."])
    assert "Dockerfile.gone: error: fixed text not written: no such file (was it deleted during the run?)" in child.err, str(child)
    assert child.code == 2, str(child)
    assert not (tmp_path / "Dockerfile.gone").exists()  # not re-created
    assert "install -y curl" in (tmp_path / "Dockerfile.kept").read_text()  # the others are written
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dockerlint-")]


# --- regular-expression worst cases, every rule -----------------------------------------------------

PATHOLOGICAL_LENGTH = 50_000
PER_INPUT_SECONDS = 20
CHARACTERS = list(" \t\n\\\"'-_.:/=a0@$#{}[](),;|&*+!?<>~`%^é") + [
    "ab", "a ", "- ", "a-", "0.", "a=", "${", "a:", "a/", "a.b", "a=b ", "$(", "--a=", "{{", "1.", "\\\n",
]
DOCKERFILE_LINES = [
    "FROM {x}", "FROM a:{x}", "FROM a AS {x}", "RUN {x}", "RUN apt-get install -y {x}", "RUN echo '[{x}' deb",
    "RUN pip install {x}", "RUN curl {x} | sh", "ENV A={x}", "ENV A {x}", "LABEL a={x}", "LABEL org.opencontainers.image.url={x}",
    "EXPOSE {x}", "USER {x}", "WORKDIR {x}", "COPY {x} /a", "ADD {x} /a", "ARG {x}", "ARG A={x}", "CMD {x}",
    "ENTRYPOINT {x}", "HEALTHCHECK CMD {x}", "RUN yum install -y {x}", "RUN apk add {x}", "RUN npm install {x}",
    "RUN gem install {x}", "RUN go install {x}", "STOPSIGNAL {x}", "VOLUME {x}", "ONBUILD RUN {x}", "RUN cd {x}",
    "COPY --from={x} a b", "COPY --chown={x} a b", "MAINTAINER {x}", "RUN echo {x} > /etc/apt/sources.list",
    "SHELL [\"/bin/sh\", \"-c\"]\nRUN <<EOF\n{x}\nEOF",
]
MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {x}
  annotations: {{a: {x}}}
  labels: {{app: {x}}}
spec:
  template:
    metadata: {{annotations: {{container.apparmor.security.beta.kubernetes.io/c: {x}}}}}
    spec:
      serviceAccountName: {x}
      hostAliases: [{{ip: {x}}}]
      containers:
      - name: {x}
        image: {x}
        command: [{x}]
        args: [{x}]
        env: [{{name: {x}, value: {x}}}]
        ports: [{{containerPort: {x}, hostPort: {x}}}]
        resources: {{limits: {{memory: {x}, cpu: {x}}}, requests: {{memory: {x}}}}}
        securityContext: {{runAsUser: {x}, capabilities: {{add: [{x}]}}, seccompProfile: {{type: {x}}}}}
        volumeMounts: [{{name: v, mountPath: {x}}}]
      volumes: [{{name: v, hostPath: {{path: {x}}}}}]
"""
COMPOSE = """services:
  web:
    image: {x}
    command: {x}
    environment: [{x}]
    ports: [{x}]
    volumes: [{x}]
    cap_add: [{x}]
    network_mode: {x}
    user: {x}
    security_opt: [{x}]
    labels: [{x}]
    healthcheck: {{test: {x}}}
"""


def _payload(c: str) -> str:
    n = min(PATHOLOGICAL_LENGTH, 65_000 // len(c.encode()))  # a Dockerfile line holds 65,535 bytes
    return (c * (n // len(c) + 1))[:n]


def regex_rule_modules() -> list[str]:
    """Rule modules that use a regular expression (rules/*.py, helpers included), found by
    grepping, so a new rule is covered without editing this test."""
    pattern = re.compile(r"\bre\.(?:compile|match|search|fullmatch|sub|subn|finditer|findall|split)\(")
    return sorted(p.stem for p in (Path(REPO) / "rules").glob("*.py") if pattern.search(p.read_text("utf-8")))


def test_every_regex_rule_module_is_covered():
    from dockerlint import ruleset

    by_module = {r.__module__.rsplit(".", 1)[-1] for r in ruleset.all_rules()}
    modules = regex_rule_modules()
    assert modules, "no rule module uses a regex? the grep is broken"
    uncovered = [m for m in modules if not m.startswith("_") and m not in by_module]
    assert not uncovered, f"rule modules with a regex but no registered rule: {uncovered}"


def _lint_bounded(text: str, path: str, kind, what: str) -> None:
    import time

    from dockerlint import ruleset
    from dockerlint.engine import lint_source
    from dockerlint.settings import Settings

    # every rule, the ShellCheck binary's apart (the native SC rules included)
    codes = [r.code for r in ruleset.all_rules() if kind in r.kinds and not getattr(r, "provided_by", None)]
    start = time.perf_counter()
    result = lint_source(text, path, Settings(select=codes), kind)
    seconds = time.perf_counter() - start
    if seconds >= PER_INPUT_SECONDS:  # name the slow rule
        slow = []
        for code in codes:
            t = time.perf_counter()
            lint_source(text, path, Settings(select=[code]), kind)
            slow.append((time.perf_counter() - t, code))
        pytest.fail(f"{what}: {seconds:.1f}s (bound {PER_INPUT_SECONDS}s); slowest rules {sorted(slow)[-3:]}")
    crashed = [f.message for f in result.findings if "internal error in rule" in f.message]
    assert not crashed, f"{what}: {crashed}"


@pytest.mark.parametrize("c", CHARACTERS, ids=[repr(c) for c in CHARACTERS])
def test_pathological_repetition_every_rule(c):
    from dockerlint.model import FileKind
    from dockerlint.parse.dockerfile import DockerfileParseError, parse_dockerfile

    x = _payload(c)
    lines = [line.replace("{x}", x) for line in DOCKERFILE_LINES]
    whole = "FROM debian:12\n" + "\n".join(lines) + "\n"
    try:
        parse_dockerfile(whole)
        texts = [whole]
    except DockerfileParseError:  # one bad line would hide the others: lint them one by one
        texts = ["FROM debian:12\n" + line + "\n" for line in lines]
    for text in texts:
        _lint_bounded(text, "Dockerfile", FileKind.DOCKERFILE, f"Dockerfile with {c!r} x {len(x)}: {text[15:40]!r}")
    quoted = json.dumps(x)
    _lint_bounded(MANIFEST.format(x=quoted), "deploy.yaml", FileKind.KUBERNETES, f"manifest with {c!r} x {len(x)}")
    _lint_bounded(COMPOSE.format(x=quoted), "compose.yaml", FileKind.COMPOSE, f"compose file with {c!r} x {len(x)}")
