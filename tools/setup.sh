#!/usr/bin/env bash
# Brings a fresh clone to a runnable state: the npm dependencies (which carry Node 24), the Debian
# packages real nodes need (tools/host-packages.sh: containerd, runc, CNI plugins, the registry, the
# files the test images are made of) and the cached Go-built binaries. Cheap when nothing changed;
# `npm start` and `npm test` (so `.ci/run` too) call it first.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root" || exit 1

fail() { printf '\n[setup] FAILED: %s\n[setup] What to do: %s\n' "$1" "$2" >&2; exit 1; }

command -v npm >/dev/null 2>&1 || fail "npm is not installed." "install Node.js (any version that runs npm 10+); the project brings Node 24 itself."

lock_hash="$(sha256sum package-lock.json | cut -d' ' -f1)"
stamp="node_modules/.kruise-lock-hash"
if [[ ! -d node_modules ]]; then
  echo "[setup] installing npm dependencies from package-lock.json (this brings Node 24 as well)"
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed." "read the npm error above; if the lockfile is out of date run 'npm install' and commit package-lock.json."
  echo "$lock_hash" >"$stamp"
elif [[ ! -f "$stamp" || "$(cat "$stamp")" != "$lock_hash" ]]; then
  # An existing tree is updated in place: npm ci would delete node_modules under running processes.
  echo "[setup] package-lock.json changed; updating node_modules"
  npm install --no-audit --no-fund --loglevel=error || fail "npm install failed." "read the npm error above, fix it, and run this again."
  echo "$(sha256sum package-lock.json | cut -d' ' -f1)" >"$stamp"
fi

node24="$root/node_modules/.bin/node"
[[ -x "$node24" ]] || fail "node_modules/.bin/node is missing, so Node 24 was not installed." "run 'rm -rf node_modules && npm ci'; the 'node' devDependency downloads the Node 24 binary from the npm registry."
major="$("$node24" -p 'process.versions.node.split(".")[0]')"
[[ "$major" == "24" ]] || fail "the project's Node is $("$node24" --version), expected 24.x." "run 'rm -rf node_modules && npm ci'."

bash "$root/tools/host-packages.sh" >&2 || exit 1
# `npm run images` builds without a container engine, with Debian's tools; install the missing ones when we can.
image_tools=()
for pair in mmdebstrap:mmdebstrap umoci:umoci skopeo:skopeo strip:binutils runc:runc; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || image_tools+=("${pair#*:}")
done
if ((${#image_tools[@]} > 0)); then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing the image build tools: ${image_tools[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${image_tools[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${image_tools[@]}" >/dev/null; } ||
      echo "[setup] could not install ${image_tools[*]}; npm run images needs them (apt-get install ${image_tools[*]})" >&2
  else
    echo "[setup] npm run images needs: apt-get install ${image_tools[*]}" >&2
  fi
fi

bash "$root/tools/build-binaries.sh" >&2 || exit 1
# The test images need the registry and the files from tools/host-packages.sh; without them (no root)
# @kruise/testenv runs with no registry and says why.
if command -v docker-registry >/dev/null 2>&1 && [[ -x /usr/sbin/nginx && -x /bin/busybox ]]; then
  bash "$root/tools/build-images.sh" >/dev/null || exit 1
fi
