#!/usr/bin/env bash
# Builds the test images (nginx tags serving / on port 80, busybox tags, the pause image, and the NATS
# image the umbrella chart's bundled server runs: our cached nats-server on busybox) with no Docker
# and no outside registry: the files come from Debian's nginx-light and busybox-static packages on
# this machine, crane assembles the layers and pushes them to a temporary docker-registry, and that
# registry's storage is kept in a cache folder keyed by the content. @kruise/testenv copies it for
# the registry of each control plane.
#
#   tools/build-images.sh            build when missing, print the registry storage folder on the last line
#   tools/build-images.sh --print    print the folder only (exit 3 if it is not built)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=versions.env
source "$here/versions.env"
# shellcheck source=images/tags.env
source "$here/images/tags.env"
cache_root="${KRUISE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/kruise-ts}"

fail() {
  printf '\n[images] FAILED: %s\n[images] What to do: %s\n' "$1" "$2" >&2
  exit 1
}

case "${1:-}" in
  -h | --help)
    echo "Usage: tools/build-images.sh [--print]   (builds the test images into $cache_root/images-<content hash>)"
    exit 0 ;;
  "" | --print) ;;
  *) fail "unknown argument '$1'." "run tools/build-images.sh --help." ;;
esac

busybox_bin=/bin/busybox
nginx_bin=/usr/sbin/nginx
# The chart's nats image: the nats-server tools/build-binaries.sh built (the version of tools/versions.env).
nats_bin="$cache_root/nats-server-v$NATS_SERVER_VERSION/nats-server"
[[ -x "$nats_bin" ]] || { [[ "${1:-}" == "--print" ]] && exit 3
  fail "$nats_bin is missing." "run tools/build-binaries.sh (npm run binaries) first."; }
for f in "$busybox_bin" "$nginx_bin" /etc/nginx/mime.types; do
  [[ -e "$f" ]] || { [[ "${1:-}" == "--print" ]] && exit 3
    fail "$f is missing." "run tools/host-packages.sh as root (Debian packages busybox-static and nginx-light)."; }
done
command -v docker-registry >/dev/null 2>&1 || { [[ "${1:-}" == "--print" ]] && exit 3
  fail "docker-registry is not installed." "run tools/host-packages.sh as root (Debian package docker-registry)."; }

# The libraries nginx loads, resolved on this machine.
nginx_libs() { ldd "$nginx_bin" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | sort -u; }

# The cache key: the content (not the path) of every input.
key="$( {
  for f in "${BASH_SOURCE[0]}" "$here/images/nginx.conf" "$here/images/tags.env" "$busybox_bin" "$nginx_bin" /etc/nginx/mime.types "$nats_bin" $(nginx_libs); do
    sha256sum <"$f"
  done
  echo "crane $CRANE_VERSION"
} | sha256sum | cut -c1-16)"
out="$cache_root/images-$key"
if [[ -f "$out/images.json" ]]; then
  [[ "${1:-}" == "--print" ]] || echo "[images] test images present ($out)" >&2
  echo "$out/registry"
  exit 0
fi
[[ "${1:-}" == "--print" ]] && exit 3

crane="$cache_root/crane-v$CRANE_VERSION/crane"
[[ -x "$crane" ]] || fail "crane is not built." "run tools/build-binaries.sh (npm run binaries)."

started=$(date +%s)
work="$(mktemp -d)"
registry_pid=""
cleanup() {
  [[ -n "$registry_pid" ]] && kill "$registry_pid" 2>/dev/null && wait "$registry_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

port=""
for _ in $(seq 1 50); do
  p=$(( 20000 + RANDOM % 30000 ))
  (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { port=$p; break; }
done
[[ -n "$port" ]] || fail "found no free port on 127.0.0.1." "free some ports and run this again."
mkdir -p "$work/storage"
cat >"$work/registry.yml" <<YAML
version: 0.1
log: { level: warn, accesslog: { disabled: true } }
storage: { filesystem: { rootdirectory: $work/storage } }
http: { addr: 127.0.0.1:$port }
YAML
docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 1 100); do
  (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
reg="127.0.0.1:$port"
echo "[images] building the test images with crane into $out" >&2

# Reproducible layer tarballs: fixed owner, time and order.
layer() { tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" . || fail "tar of $1 failed." "read the error above."; }

# busybox: a shell and every applet, plus passwd/group for nobody.
bb="$work/busybox"
mkdir -p "$bb"/{bin,etc,root,tmp,proc,sys,dev,run,var}
chmod 1777 "$bb/tmp"
cp "$busybox_bin" "$bb/bin/busybox"
for applet in $("$busybox_bin" --list); do [[ "$applet" == busybox ]] || ln -sf busybox "$bb/bin/$applet"; done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$bb/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$bb/etc/group"
layer "$bb" "$work/busybox.tar"

# nginx: the Debian binary with the libraries it loads, its mime types and our config.
ng="$work/nginx"
mkdir -p "$ng"/{usr/sbin,etc/nginx,var/lib/nginx,var/log/nginx,usr/share/nginx/html,run}
cp "$nginx_bin" "$ng/usr/sbin/nginx"
while read -r lib; do mkdir -p "$ng$(dirname "$lib")" && cp -L "$lib" "$ng$lib"; done < <(nginx_libs)
cp /etc/nginx/mime.types "$ng/etc/nginx/mime.types"
cp "$here/images/nginx.conf" "$ng/etc/nginx/nginx.conf"
layer "$ng" "$work/nginx.tar"

# nats: the server at the path of the official image, on busybox (the chart's probes run its wget); the chart
# runs it as uid 1000 with a read-only root, so nothing in the image needs to be writable.
na="$work/nats"
mkdir -p "$na/usr/local/bin"
cp "$nats_bin" "$na/usr/local/bin/nats-server"
layer "$na" "$work/nats.tar"

env_path="PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# push repo tag entrypoint-json cmd-json layer... ; the last layer names the image, so every tag has its own digest.
push() {
  local name="$1" entrypoint="$2" cmd="$3"; shift 3
  local ref="$reg/$name"
  local tagdir="$work/tag-${name//[^a-zA-Z0-9]/_}"
  mkdir -p "$tagdir/etc"
  local files=()
  for l in "$@"; do files+=(-f "$l"); done
  printf '%s\n' "$name" >"$tagdir/etc/kruise-test-image"
  if [[ "$name" == library/nginx:* ]]; then
    mkdir -p "$tagdir/usr/share/nginx/html"
    printf '<!doctype html><title>%s</title><h1>Welcome to nginx (%s, a Kruise-TS test image)</h1>\n' "${name#library/}" "${name#library/}" >"$tagdir/usr/share/nginx/html/index.html"
  fi
  layer "$tagdir" "$tagdir.tar"
  "$crane" append --platform linux/amd64 "${files[@]}" -f "$tagdir.tar" -t "$ref.tmp" >/dev/null 2>>"$work/crane.log" \
    || { cat "$work/crane.log" >&2; fail "crane append for $name failed." "read the error above."; }
  local mutate=(mutate "$ref.tmp" -t "$ref" --env "$env_path")
  [[ -n "$entrypoint" ]] && mutate+=(--entrypoint "$entrypoint")
  [[ -n "$cmd" ]] && mutate+=(--cmd "$cmd")
  [[ "$name" == library/nginx:* ]] && mutate+=(--exposed-ports 80/tcp)
  [[ "$name" == library/nats:* ]] && mutate+=(--exposed-ports 4222/tcp,6222/tcp,8222/tcp)
  "$crane" "${mutate[@]}" >/dev/null 2>>"$work/crane.log" \
    || { cat "$work/crane.log" >&2; fail "crane mutate for $name failed." "read the error above."; }
  local digest; digest="$("$crane" digest "$ref")"
  printf '  "%s": "%s",\n' "$name" "$digest" >>"$work/images.json.part"
  echo "[images]   $name $digest" >&2
}

for tag in $NGINX_TAGS; do push "library/nginx:$tag" 'nginx,-g,daemon off;' "" "$work/busybox.tar" "$work/nginx.tar"; done
for tag in $BUSYBOX_TAGS; do push "library/busybox:$tag" "" "sh" "$work/busybox.tar"; done
for tag in $PROXY_TAGS; do push "library/proxy:$tag" "/bin/sleep,inf" "" "$work/busybox.tar"; done
# The official image's entrypoint script runs nats-server with the container's args; ours runs it directly.
push "library/nats:$NATS_SERVER_VERSION-alpine" "/usr/local/bin/nats-server" "" "$work/busybox.tar" "$work/nats.tar"
push "pause:$PAUSE_TAG" "/bin/sleep,inf" "" "$work/busybox.tar"

kill "$registry_pid" 2>/dev/null; wait "$registry_pid" 2>/dev/null; registry_pid=""
# Drop the intermediate .tmp tags so only the real ones are served.
find "$work/storage" -path '*/_manifests/tags/*.tmp' -prune -exec rm -rf {} +
mkdir -p "$out"
rm -rf "$out/registry"
mv "$work/storage" "$out/registry"
{ echo "{"; sed '$ s/,$//' "$work/images.json.part"; echo "}"; } >"$out/images.json"
echo "[images] done in $(( $(date +%s) - started ))s ($(du -sh "$out" | cut -f1))" >&2
echo "$out/registry"
