"""Build the fuzzers' seed directories from the shared real-world corpus (nothing is committed).

    python fuzz/build_seeds.py                 # fuzz/seeds/<target>/, up to 400 seeds each
    python fuzz/build_seeds.py --out DIR --max 40

Seeds per target: whole Dockerfiles (dockerfile; fix: only those with a fixable finding, small
ones first), whole Kubernetes and Compose files (yaml), RUN scripts and heredoc bodies (shell),
comment lines (pragmas), and hand-written configs (config: one selector byte, then the file).
A few hand-written edge cases are added to each. The choice is deterministic (sorted by a hash
of the name), so two runs give the same seeds.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

CORPUS = HERE.parent.parent / "shared" / "corpus"
TARGETS = ("dockerfile", "yaml", "shell", "pragmas", "config", "fix")
MAX_SEED_BYTES = 16_384

EXTRA_DOCKERFILES = [
    "FROM debian\nRUN apt-get update && apt-get install -y curl\n",
    "\ufeff# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows/servercore\nRUN dir `\n  c:\\\n",
    "FROM alpine AS build\r\nRUN <<EOF bash\r\nset -e\r\necho hi\r\nEOF\r\nCOPY --from=build --chown=1:1 <<-EOT /x\n\tbody\n\tEOT\n",
    "ARG V=1\nFROM busybox:${V}\nONBUILD ONBUILD RUN echo $V\nHEALTHCHECK --interval=5s CMD [\"true\"]\nCMD [\"a\", \"b\"]\n",
    "FROM x\nRUN a \\\n# comment\n\n  b \\\n\nENV A=1 B=\"$A\" C='$A'\nLABEL \"a b\"=c\nUSER root\nEXPOSE 80/tcp 99999\n",
    "FROM ubuntu\nRUN pip install flask && npm install -g x && gem install y && apk add z && yum install w\n",
    "FROM scratch\nSHELL [\"powershell\", \"-c\"]\nRUN Write-Host hi\nWORKDIR app\nADD http://x/a.tar.gz /\nMAINTAINER me\n",
]
EXTRA_YAML = [
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext:\n      privileged: true\n",
    "a: &a {x: 1}\nb: &b [*a, *a]\nc: {<<: *a, y: 2}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: {spec: {containers: [{name: c, image: 'x:latest'}]}}}\n",
    "services:\n  web:\n    image: nginx\n    privileged: true\n    ports: [\"80:80\"]\n    command: |\n      echo # not a comment\n",
    "{\"apiVersion\": \"v1\", \"kind\": \"Pod\", \"metadata\": {\"name\": \"j\"}}\n",
    "# dockerlint: ignore-file=KS003\n--- !!map\n? [complex, key]\n: value\n...\n",
]
EXTRA_SHELL = [
    "set -eux; apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*",
    "curl -fsSL https://x | bash -s -- --flag 2>&1 | tee log; exit ${PIPESTATUS[0]}",
    "for f in $(ls *.tar.gz); do tar xzf \"$f\" -C /opt; done && cd /opt || exit 1",
    "cat <<'EOF' > /etc/apt/sources.list\ndeb [trusted=yes] http://x stable main\nEOF",
    "FOO=bar sudo -E env A=1 nice -n 5 pip3 install --user -r requirements.txt",
]
EXTRA_PRAGMAS = [
    "hadolint ignore=DL3008,DL3002",
    "hadolint global ignore=DL3006",
    "hadolint stage ignore=DL3003 # reason",
    "hadolint shell=powershell",
    "dockerlint: ignore=DL3002,untagged-base-image",
    "dockerlint: ignore-file=KS003",
    "dockerlint: ignore",
    "check=skip=JSONArgsRecommended,StageNameCasing;error=true",
]
EXTRA_CONFIGS = [
    (0, "ignored: [DL3008, DL3006]\noverride:\n  error: [DL3002]\nfailure-threshold: warning\ntrustedRegistries: [docker.io]\nlabel-schema:\n  author: text\nstrict-labels: true\n"),
    (1, "select = [\"DL\", \"KS003\"]\nignore = [\"DL3008\"]\nfailure-threshold = \"warning\"\n[severity]\nDL3002 = \"error\"\n[rules.DL3026]\n"),
    (2, "[project]\nname = \"x\"\n[tool.dockerlint]\nextend-select = [\"DF004\"]\nunsafe-fixes = true\nexclude = [\"vendor/\"]\n[tool.dockerlint.build-args]\nV = \"1\"\n"),
    (0, "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nignored: *b\n"),
    (1, "approved-images = [\"docker.io/library/*\"]\nlabel-schema = { a = \"url\" }\n"),
]


def _order(paths):
    return sorted(paths, key=lambda p: hashlib.sha1(p.name.encode()).hexdigest())


def _write(directory: Path, name: str, data: bytes) -> None:
    if len(data) <= MAX_SEED_BYTES:
        (directory / name).write_bytes(data)


def _files(folder: str):
    root = CORPUS / folder
    if not root.is_dir():
        return []
    return _order([p for p in root.iterdir() if p.is_file()])


def build(out: Path, limit: int) -> dict[str, int]:
    from dockerlint.parse.dockerfile import DockerfileParseError, parse_dockerfile

    dirs = {t: out / t for t in TARGETS}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
        for old in d.iterdir():
            old.unlink()

    dockerfiles = [p for p in _files("dockerfiles") if p.stat().st_size <= MAX_SEED_BYTES]
    for p in dockerfiles[:limit]:
        _write(dirs["dockerfile"], p.name, p.read_bytes())
    for i, text in enumerate(EXTRA_DOCKERFILES):
        _write(dirs["dockerfile"], f"extra-{i}", text.encode())

    yaml_files = [p for p in _files("kubernetes") + _files("compose") if p.stat().st_size <= MAX_SEED_BYTES]
    for p in _order(yaml_files)[:limit]:
        _write(dirs["yaml"], p.name, p.read_bytes())
    for i, text in enumerate(EXTRA_YAML):
        _write(dirs["yaml"], f"extra-{i}", text.encode())

    scripts: list[str] = list(EXTRA_SHELL)
    comments: list[str] = list(EXTRA_PRAGMAS)
    fixable: list[tuple[int, str, bytes]] = []
    for p in dockerfiles:
        text = p.read_bytes().decode("utf-8", "replace")
        try:
            df = parse_dockerfile(text)
        except DockerfileParseError:
            continue
        comments += [c.text for c in df.comments]
        for ins in df.instructions:
            if ins.keyword == "RUN" and ins.json is None and len(scripts) < limit * 4:
                scripts.append(ins.args)
                scripts += [h.content for h in ins.heredocs]
        if len(fixable) < limit * 3 and len(text) < 4096:
            fixable.append((len(text), p.name, text.encode()))
    for p in yaml_files[: limit * 2]:
        for line in p.read_text("utf-8", "replace").splitlines():
            if line.lstrip().startswith("#"):
                comments.append(line.lstrip()[1:])
    for i, script in enumerate(_dedupe(scripts)[:limit]):
        _write(dirs["shell"], f"run-{i}", script.encode())
    pragmas = _dedupe(comments)
    for i in range(0, min(len(pragmas), limit * 4), 4):  # a few comment lines per seed
        _write(dirs["pragmas"], f"comments-{i}", "\n".join(pragmas[i : i + 4]).encode())
    for i, (selector, text) in enumerate(EXTRA_CONFIGS):
        _write(dirs["config"], f"config-{i}", bytes([selector]) + text.encode())
    _fixable_seeds(dirs["fix"], sorted(fixable)[: limit * 3], limit)
    for i, text in enumerate(EXTRA_DOCKERFILES):
        _write(dirs["fix"], f"extra-{i}", text.encode())
    return {t: len(os.listdir(d)) for t, d in dirs.items()}


def _fixable_seeds(directory: Path, candidates, limit: int) -> None:
    from dockerlint.engine import lint_source
    from dockerlint.model import FileKind
    from dockerlint.settings import Settings

    from properties import all_codes

    settings = Settings(select=list(all_codes()))
    kept = 0
    for _size, name, data in candidates:
        result = lint_source(data.decode("utf-8", "replace"), "Dockerfile", settings, FileKind.DOCKERFILE)
        if result.error is None and any(f.fix is not None for f in result.findings):
            _write(directory, name, data)
            kept += 1
            if kept >= limit:
                return


def _dedupe(items: list[str]) -> list[str]:
    seen, out = set(), []
    for item in items:
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "seeds")
    parser.add_argument("--max", type=int, default=400, help="seeds taken from the corpus per target")
    args = parser.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"note: {CORPUS} not found; only the hand-written seeds are built", file=sys.stderr)
    counts = build(args.out, args.max)
    for target, n in counts.items():
        print(f"{target:12} {n:5} seeds in {args.out / target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
