#!/usr/bin/env bash
# Installs what Slipway needs on a Debian 12 machine and the npm dependencies.
# As root, missing Debian packages are installed; otherwise they are named and the script stops.
set -euo pipefail
cd "$(dirname "$0")/.."

# command -> Debian package that provides it
declare -A needed=(
  [/usr/lib/postgresql/*/bin/initdb]=postgresql
  [redis-server]=redis-server
  [openssl]=openssl
  [runc]=runc
  [docker-registry]=docker-registry
  [/bin/busybox]=busybox-static
  # The testbed's real node (cluster:up --real-node, testbed/test/real-node).
  [/usr/bin/containerd]=containerd
  [/usr/lib/cni/bridge]=containernetworking-plugins
  [/usr/sbin/iptables]=iptables
  [gcc]=gcc
  [/usr/lib/*/libc.a]=libc6-dev
  # The node:20-slim base image of Slipway's own images (testbed/src/images/node-base-image.ts).
  [/usr/sbin/debootstrap]=debootstrap
  # The dashboard's browser tests (Playwright drives Debian's Chromium; no browser download).
  [/usr/bin/chromium]=chromium
)

missing=()
for command in "${!needed[@]}"; do
  if [[ "$command" == /* ]]; then
    compgen -G "$command" >/dev/null || missing+=("${needed[$command]}")
  elif [[ "$command" == runc || "$command" == docker-registry ]]; then
    # Both live in /usr/sbin or /usr/bin, which a non-root PATH may lack.
    command -v "$command" >/dev/null || [[ -x /usr/sbin/$command || -x /usr/bin/$command ]] || missing+=("${needed[$command]}")
  else
    command -v "$command" >/dev/null || missing+=("${needed[$command]}")
  fi
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    echo "setup: installing ${missing[*]}" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages; install them with: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
fi

if ! command -v go >/dev/null && [[ ! -x /usr/local/go/bin/go ]]; then
  echo "setup: the Go toolchain (1.26 or newer) is needed to build the Kubernetes and BuildKit binaries the tests run; install it to /usr/local/go" >&2
  exit 1
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  echo "setup: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci only when the lockfile changed since the last install: it takes a while.
stamp=node_modules/.slipway-lock-hash
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_hash" ]]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" >"$stamp"
fi
