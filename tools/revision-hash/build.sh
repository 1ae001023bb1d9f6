#!/usr/bin/env bash
# Builds tools/revision-hash, our golden-value generator for revision hashes, from the Go module proxy into
# the cache folder outside the repo, keyed by the hash of its sources. Prints the binary's path last.
# The module pins k8s.io/api at the version OpenKruise builds with: its encoding rules decide the hash.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
fail() { printf '[revision-hash] FAILED: %s\n[revision-hash] What to do: %s\n' "$1" "$2" >&2; exit 1; }

cache_root="${KRUISE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kruise-ts}"
key="$(cd "$here" && find . -name "*.go" -o -name go.mod -o -name go.sum | LC_ALL=C sort | xargs cat | sha256sum | cut -c1-12)"
bin="$cache_root/revision-hash-$key/revision-hash"
if [[ -x "$bin" ]]; then echo "$bin"; exit 0; fi

command -v go >/dev/null 2>&1 || fail "Go is not installed." "install Go 1.22 or newer."
mkdir -p "$(dirname "$bin")"
(cd "$here" && CGO_ENABLED=0 GOFLAGS=-buildvcs=false go build -trimpath -o "$bin" . >"$(dirname "$bin")/build.log" 2>&1) \
  || fail "go build of revision-hash failed (log: $(dirname "$bin")/build.log)." "read the log; check that the Go module proxy is reachable."
echo "$bin"
