#!/usr/bin/env bash
# Builds editors/vscode/dist/dockerlint-<version>.vsix from a clean clone:
#   bash editors/vscode/scripts/package.sh
# <version> is the project's own (pyproject.toml), so the extension always follows it.
# Needs Node >= 20 and npm; everything else comes from package-lock.json. The build runs in
# build/vscode-extension/ (a copy of the sources), so node_modules stays out of the source tree,
# which tests copy whole (tests/test_packaging.py).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/../.." && pwd)"
stage="$root/build/vscode-extension"

pep440="$(sed -n 's/^version *= *"\(.*\)"/\1/p' "$root/pyproject.toml" | head -n1)"
[[ -n "$pep440" ]] || { echo "package.sh: no version in $root/pyproject.toml" >&2; exit 1; }
# PEP 440 pre-releases as semver: 1.2.0rc1 -> 1.2.0-rc.1, 1.2.0.dev3 -> 1.2.0-dev.3
version="$(echo "$pep440" | sed -E 's/\.?(a|b|rc|dev)([0-9]+)$/-\1.\2/')"

mkdir -p "$stage"
rm -rf "$stage/src" "$stage/out"
cp -R "$here/src" "$stage/src"
cp "$here"/{package.json,package-lock.json,tsconfig.json,README.md,CHANGELOG.md,LICENSE,.vscodeignore} "$stage/"
cd "$stage"
# --ignore-scripts: nothing in the tree needs an install script to compile or package
# (vsce's optional keytar would try to download a prebuilt binary). Skipped when
# node_modules was installed from this very lockfile already.
stamp=node_modules/.dockerlint-lock-sha
lock_sha="$(sha256sum package-lock.json | cut -d' ' -f1)"
if [[ "$(cat "$stamp" 2>/dev/null)" != "$lock_sha" ]]; then
  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_sha" > "$stamp"
fi
npx --no-install tsc -p ./
mkdir -p "$here/dist"
out="$here/dist/dockerlint-$version.vsix"
npx --no-install vsce package "$version" --no-git-tag-version --no-update-package-json \
  --allow-missing-repository --out "$out"
echo "package.sh: built $out"
