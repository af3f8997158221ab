#!/usr/bin/env bash
# Installs what tests/test_vscode_extension.py needs, from the package registries only:
#   Debian: Chromium (the headless browser), ripgrep, and the headers that code-server's
#           native modules (node-pty, kerberos, spdlog, argon2, ...) are compiled against;
#   npm:    code-server (VS Code's server and workbench) + playwright-core in build/vscode-e2e/,
#           the extension's own dependencies, then the .vsix (scripts/package.sh).
# Run as root (CI is). Idempotent: a second run skips what is already there.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"

apt_pkgs=(chromium ripgrep build-essential pkg-config python3 libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "ci-setup: apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [[ "$node_major" != 20 ]]; then
  # code-server 4.100.x is the last line built for Node 20 (4.103+ want 22, 4.110+ want 24);
  # its postinstall refuses any other major.
  echo "ci-setup: code-server 4.100.3 needs Node 20, this is Node $node_major" >&2
  exit 1
fi

# Native modules compile against the installed Node's headers instead of downloading them.
if [[ -f /usr/include/node/node.h ]]; then export npm_config_nodedir=/usr; fi
# node-pty's postinstall runs `npx node-gyp ...`, which without a TTY asks nobody and gives up.
export npm_config_yes=true

# code-server + playwright-core, installed from e2e/package-lock.json into build/vscode-e2e/
# (out of the source tree, which tests copy whole; reinstalled when the lockfile changes).
root="$(cd "$here/../.." && pwd)"
e2e="$root/build/vscode-e2e"
mkdir -p "$e2e"
cp "$here/e2e/package.json" "$here/e2e/package-lock.json" "$e2e/"
lock_sha="$(sha256sum "$e2e/package-lock.json" | cut -d' ' -f1)"
if [[ "$(cat "$e2e/node_modules/.dockerlint-lock-sha" 2>/dev/null)" != "$lock_sha" ]]; then
  # @vscode/ripgrep's postinstall downloads rg from outside the registries unless the asset is
  # already in its cache under $TMPDIR; give it Debian's rg packed under the name it looks for.
  cache_tmp="$(mktemp -d)"
  trap 'rm -rf "$cache_tmp"' EXIT
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "ci-setup: no ripgrep mapping for $(uname -m)" >&2; exit 1 ;;
  esac
  # The version pair that code-server 4.100.3's lib/vscode/npm-shrinkwrap.json pins.
  mkdir -p "$cache_tmp/vscode-ripgrep-cache-1.15.11"
  tar -czf "$cache_tmp/vscode-ripgrep-cache-1.15.11/ripgrep-v13.0.0-10-$rg_target.tar.gz" -C /usr/bin rg
  echo "ci-setup: npm ci in $e2e (code-server builds native modules; several minutes)"
  (cd "$e2e" && TMPDIR="$cache_tmp" npm ci --unsafe-perm --no-audit --no-fund --loglevel=error)
  echo "$lock_sha" > "$e2e/node_modules/.dockerlint-lock-sha"
fi

echo "ci-setup: building the .vsix"
bash "$here/scripts/package.sh"
