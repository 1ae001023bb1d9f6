#!/usr/bin/env bash
# Builds the Kubernetes control-plane binaries, etcd, kubectl, the node binaries (kubelet, kube-proxy),
# nats-server, helm, crane (builds and pushes the test images), crictl (cleans up real nodes) and CoreDNS
# (the real nodes' cluster DNS, with only the plugins of tools/coredns/main.go) from the Go module proxy into a cache folder outside the repo, keyed by version. Skips whatever is there.
#
#   tools/build-binaries.sh            build what is missing, print the bin folder on the last line
#   tools/build-binaries.sh --print    print the bin folder only (exit 3 if something is missing)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"

cache_root="${KRUISE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kruise-ts}"
kube_dir="$cache_root/kube-v$KUBE_VERSION"
nats_dir="$cache_root/nats-server-v$NATS_SERVER_VERSION"
helm_dir="$cache_root/helm-v$HELM_VERSION"
crane_dir="$cache_root/crane-v$CRANE_VERSION"
crictl_dir="$cache_root/crictl-v$CRICTL_VERSION"
# Keyed by the version and by tools/coredns/main.go's content (the plugin set).
coredns_dir="$cache_root/coredns-v$COREDNS_VERSION-$(sha256sum <"$here/coredns/main.go" | cut -c1-8)"
bin_dir="$cache_root/bin-k$KUBE_VERSION-n$NATS_SERVER_VERSION-h$HELM_VERSION-c$CRANE_VERSION-r$CRICTL_VERSION"
kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd)
# Built in the same tools module as kube_bins, in a second step, so a cache of the control plane is kept.
node_bins=(kubelet kube-proxy)

fail() {
  printf '\n[binaries] FAILED: %s\n[binaries] What to do: %s\n' "$1" "$2" >&2
  exit 1
}

# What a control plane with simulated nodes needs (`--print` asks only for these).
have_core() {
  local b
  for b in "${kube_bins[@]}"; do [[ -x "$kube_dir/$b" ]] || return 1; done
  [[ -x "$nats_dir/nats-server" && -x "$helm_dir/helm" ]]
}

have_all() {
  local b
  for b in "${node_bins[@]}"; do [[ -x "$kube_dir/$b" ]] || return 1; done
  have_core && [[ -x "$crane_dir/crane" && -x "$crictl_dir/crictl" && -x "$coredns_dir/coredns" ]]
}

link_bin_dir() {
  mkdir -p "$bin_dir"
  local b
  for b in "${kube_bins[@]}"; do ln -sf "$kube_dir/$b" "$bin_dir/$b"; done
  ln -sf "$nats_dir/nats-server" "$bin_dir/nats-server"
  ln -sf "$helm_dir/helm" "$bin_dir/helm"
  # Real nodes and the image registry need these; a missing one is reported by @kruise/testenv.
  for b in "${node_bins[@]}"; do [[ -x "$kube_dir/$b" ]] && ln -sf "$kube_dir/$b" "$bin_dir/$b"; done
  [[ -x "$crane_dir/crane" ]] && ln -sf "$crane_dir/crane" "$bin_dir/crane"
  [[ -x "$crictl_dir/crictl" ]] && ln -sf "$crictl_dir/crictl" "$bin_dir/crictl"
  [[ -x "$coredns_dir/coredns" ]] && ln -sf "$coredns_dir/coredns" "$bin_dir/coredns"
  return 0
}

case "${1:-}" in
  -h | --help)
    cat <<USAGE
Usage: tools/build-binaries.sh [--print]

Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd, kubelet and kube-proxy
(Kubernetes v$KUBE_VERSION), nats-server v$NATS_SERVER_VERSION, helm v$HELM_VERSION, crane v$CRANE_VERSION
crictl v$CRICTL_VERSION and CoreDNS v$COREDNS_VERSION (tools/coredns/main.go) from the Go module proxy into $cache_root,
one folder per version, skipping whatever is already there. Prints the bin folder on the last line.

  --print   print the bin folder without building (exit 3 if a control-plane binary is missing)

Environment: KRUISE_CACHE_DIR (cache folder), KUBE_VERSION, NATS_SERVER_VERSION, HELM_VERSION, CRANE_VERSION,
CRICTL_VERSION, COREDNS_VERSION (override tools/versions.env).
USAGE
    exit 0 ;;
  "" | --print) ;;
  *) fail "unknown argument '$1'." "run tools/build-binaries.sh --help." ;;
esac

if [[ "${1:-}" == "--print" ]]; then
  have_core || exit 3
  link_bin_dir
  echo "$bin_dir"
  exit 0
fi

command -v go >/dev/null 2>&1 || fail "Go is not installed (needed to build the Kubernetes binaries)." \
  "install Go 1.26 or newer (apt-get install golang, or your usual Go install) and run this again."
# Kubernetes 1.36 needs Go 1.26. An older local Go fetches that toolchain from the Go module proxy.
go_minor="$(GOTOOLCHAIN=local go env GOVERSION | sed -E 's/^go1\.([0-9]+).*/\1/')"
if [[ "$go_minor" =~ ^[0-9]+$ && "$go_minor" -ge 26 ]]; then
  export GOTOOLCHAIN=local
else
  echo "[binaries] local Go is $(GOTOOLCHAIN=local go env GOVERSION); using go$GO_TOOLCHAIN_FALLBACK from the Go module proxy"
  export GOTOOLCHAIN="go$GO_TOOLCHAIN_FALLBACK"
  go version >/dev/null 2>&1 || fail "could not fetch Go $GO_TOOLCHAIN_FALLBACK from the Go module proxy." \
    "install Go 1.26 or newer yourself, then run this again."
fi
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
started=$(date +%s)

# Runs a go command in the background, printing a heartbeat with the number of packages compiled so far.
run_with_progress() {
  local label="$1" log="$2"; shift 2
  "$@" >"$log" 2>&1 &
  local pid=$! last=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 2
    local now; now=$(date +%s)
    if (( now - last >= 20 )); then
      last=$now
      printf '[binaries] %s: still building, %ds elapsed, %d packages compiled\n' \
        "$label" "$(( now - started ))" "$(grep -c . "$log" 2>/dev/null || true)"
    fi
  done
  wait "$pid"
}

# A tools module: no Go source of ours, only go.mod with `tool` lines.
make_module() {
  local dir="$1" module="$2"
  mkdir -p "$dir/src"
  printf 'module %s\n\ngo 1.26.0\n' "$module" >"$dir/src/go.mod"
}

build_kube() {
  local src="$kube_dir/src" v="v$KUBE_VERSION" staging="v0.${KUBE_VERSION#1.}"
  echo "[binaries] building Kubernetes $v (${kube_bins[*]}) into $kube_dir"
  echo "[binaries] a cold build takes 15-30 minutes on 2 cores; later runs reuse it"
  make_module "$kube_dir" kruise-ts.local/tools/kube
  local mod_json upstream_mod
  mod_json="$(go mod download -json "k8s.io/kubernetes@$v")" || fail "could not download k8s.io/kubernetes@$v from the Go module proxy." \
    "check that GOPROXY ($(go env GOPROXY)) is reachable, then run this again."
  upstream_mod="$(printf '%s' "$mod_json" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')"
  (
    cd "$src" || exit 1
    go mod edit -require="k8s.io/kubernetes@$v"
    # k8s.io/kubernetes maps its staging modules to local folders; point each at its published version.
    awk '/^replace \(/{f=1;next} f&&/^\)/{f=0} f&&/=> \.\/staging/{print $1}' "$upstream_mod" | while read -r m; do
      go mod edit -replace="$m=$m@$staging"
    done
    for t in kube-apiserver kube-controller-manager kube-scheduler kubectl; do go mod edit -tool="k8s.io/kubernetes/cmd/$t"; done
    go mod edit -tool=go.etcd.io/etcd/server/v3
    go mod tidy >"$kube_dir/tidy.log" 2>&1
  ) || fail "resolving the Kubernetes $v modules failed (log: $kube_dir/tidy.log)." \
    "read the log; if this version no longer resolves, change KUBE_VERSION in tools/versions.env."
  local ldflags; ldflags="$(kube_ldflags)"
  local out="$kube_dir/out"
  mkdir -p "$out"
  (cd "$src" && run_with_progress "kubernetes $v" "$kube_dir/build.log" \
    go build -v -trimpath -ldflags "$ldflags" -o "$out/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3) \
    || { tail -n 30 "$kube_dir/build.log" >&2; fail "go build of Kubernetes $v failed (log: $kube_dir/build.log)." \
      "read the log above; a disk-full or out-of-memory error needs space or memory, anything else a different KUBE_VERSION."; }
  # go names the binary of a ".../server/v3" main after "server".
  mv "$out/server" "$out/etcd" 2>/dev/null || true
  local b
  for b in "${kube_bins[@]}"; do mv "$out/$b" "$kube_dir/$b" || fail "$b was not produced." "read $kube_dir/build.log."; done
}

kube_ldflags() {
  local pkg="k8s.io/component-base/version"
  echo "-s -w -X $pkg.gitVersion=v$KUBE_VERSION -X $pkg.gitMajor=${KUBE_VERSION%%.*} -X $pkg.gitMinor=$(echo "$KUBE_VERSION" | cut -d. -f2) -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
}

# kubelet and kube-proxy: two more tools in the Kubernetes tools module (its go.mod already pins every
# staging module), so they share the control plane's module and build caches.
build_kube_node() {
  local src="$kube_dir/src" v="v$KUBE_VERSION"
  echo "[binaries] building Kubernetes $v (${node_bins[*]}) into $kube_dir"
  [[ -f "$src/go.mod" ]] || fail "$src/go.mod is missing." "delete $kube_dir and run this again."
  (
    cd "$src" || exit 1
    for t in "${node_bins[@]}"; do go mod edit -tool="k8s.io/kubernetes/cmd/$t"; done
    go mod tidy >"$kube_dir/tidy-node.log" 2>&1
  ) || fail "resolving the modules of ${node_bins[*]} failed (log: $kube_dir/tidy-node.log)." "read the log."
  local out="$kube_dir/out-node"
  mkdir -p "$out"
  (cd "$src" && run_with_progress "kubelet, kube-proxy $v" "$kube_dir/build-node.log" \
    go build -v -trimpath -ldflags "$(kube_ldflags)" -o "$out/" k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy) \
    || { tail -n 30 "$kube_dir/build-node.log" >&2; fail "go build of ${node_bins[*]} failed (log: $kube_dir/build-node.log)." "read the log above."; }
  local b
  for b in "${node_bins[@]}"; do mv "$out/$b" "$kube_dir/$b" || fail "$b was not produced." "read $kube_dir/build-node.log."; done
}

build_simple() { # name dir module version main-package [extra ldflags]
  local name="$1" dir="$2" module="$3" version="$4" main="$5" extra="${6:-}"
  echo "[binaries] building $name $version into $dir"
  make_module "$dir" "kruise-ts.local/tools/$name"
  (cd "$dir/src" && go mod edit -require="$module@v$version" -tool="$main" && go mod tidy >"$dir/tidy.log" 2>&1) \
    || fail "resolving $module@v$version failed (log: $dir/tidy.log)." "check the Go module proxy, or the version in tools/versions.env."
  (cd "$dir/src" && run_with_progress "$name $version" "$dir/build.log" \
    go build -v -trimpath -ldflags "-s -w $extra" -o "$dir/$name" "$main") \
    || { tail -n 30 "$dir/build.log" >&2; fail "go build of $name failed (log: $dir/build.log)." "read the log above."; }
}

# CoreDNS: our main package (the plugin set) in a module that requires CoreDNS at its version.
build_coredns() {
  local dir="$coredns_dir" version="v$COREDNS_VERSION"
  echo "[binaries] building CoreDNS $version into $dir"
  make_module "$dir" kruise-ts.local/tools/coredns
  cp "$here/coredns/main.go" "$dir/src/main.go"
  (cd "$dir/src" && go get "github.com/coredns/coredns@$version" >"$dir/tidy.log" 2>&1 && go mod tidy >>"$dir/tidy.log" 2>&1) \
    || fail "resolving github.com/coredns/coredns@$version failed (log: $dir/tidy.log)." \
      "check the Go module proxy, or COREDNS_VERSION in tools/versions.env."
  (cd "$dir/src" && run_with_progress "coredns $version" "$dir/build.log" \
    go build -v -trimpath -ldflags "-s -w -X github.com/coredns/coredns/coremain.GitCommit=$version" -o "$dir/coredns" .) \
    || { tail -n 30 "$dir/build.log" >&2; fail "go build of CoreDNS failed (log: $dir/build.log)." "read the log above."; }
}

if have_all; then
  link_bin_dir
  echo "[binaries] all binaries present (cache: $cache_root)"
  echo "$bin_dir"
  exit 0
fi

[[ -x "$nats_dir/nats-server" ]] || build_simple nats-server "$nats_dir" github.com/nats-io/nats-server/v2 "$NATS_SERVER_VERSION" github.com/nats-io/nats-server/v2
[[ -x "$helm_dir/helm" ]] || build_simple helm "$helm_dir" helm.sh/helm/v3 "$HELM_VERSION" helm.sh/helm/v3/cmd/helm "-X helm.sh/helm/v3/internal/version.version=v$HELM_VERSION"
need_kube=0
for b in "${kube_bins[@]}"; do [[ -x "$kube_dir/$b" ]] || need_kube=1; done
(( need_kube )) && build_kube
need_node=0
for b in "${node_bins[@]}"; do [[ -x "$kube_dir/$b" ]] || need_node=1; done
(( need_node )) && build_kube_node
[[ -x "$crane_dir/crane" ]] || build_simple crane "$crane_dir" github.com/google/go-containerregistry "$CRANE_VERSION" github.com/google/go-containerregistry/cmd/crane
[[ -x "$crictl_dir/crictl" ]] || build_simple crictl "$crictl_dir" sigs.k8s.io/cri-tools "$CRICTL_VERSION" sigs.k8s.io/cri-tools/cmd/crictl "-X sigs.k8s.io/cri-tools/pkg/version.Version=v$CRICTL_VERSION"
[[ -x "$coredns_dir/coredns" ]] || build_coredns
link_bin_dir
echo "[binaries] done in $(( $(date +%s) - started ))s; disk used: $(du -sh "$cache_root" | cut -f1) (cache), $(du -sh "$(go env GOMODCACHE)" 2>/dev/null | cut -f1) (Go modules), $(du -sh "$(go env GOCACHE)" 2>/dev/null | cut -f1) (Go build cache)"
echo "$bin_dir"
