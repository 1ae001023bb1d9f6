#!/usr/bin/env bash
# Installs the Debian packages that real nodes (@kruise/testenv realNodes) and the local image registry
# need, when they are missing: containerd, runc, the CNI plugins, the registry, iptables for
# kube-proxy, and the files the test images are made of (a static busybox and nginx).
# Fast when everything is present (a few `command -v` checks). Without root or apt-get it says in one
# line what is missing and carries on: the simulated nodes need none of it.
set -uo pipefail

need=()
command -v containerd >/dev/null 2>&1 || need+=(containerd)
command -v runc >/dev/null 2>&1 || need+=(runc)
[[ -x /usr/lib/cni/bridge && -x /usr/lib/cni/host-local && -x /usr/lib/cni/loopback ]] || need+=(containernetworking-plugins)
command -v docker-registry >/dev/null 2>&1 || need+=(docker-registry)
[[ -x /bin/busybox || -x /usr/bin/busybox ]] && busybox --list 2>/dev/null | grep -qx httpd || need+=(busybox-static)
[[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
command -v iptables >/dev/null 2>&1 || need+=(iptables)
command -v conntrack >/dev/null 2>&1 || need+=(conntrack)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
((${#need[@]} == 0)) && exit 0

if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "[setup] real nodes unavailable: missing Debian packages ${need[*]} (install them as root; simulated nodes work without)"
  exit 0
fi
echo "[setup] installing Debian packages for real nodes and the image registry: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
# The package lists may be stale on a fresh machine: update them once, then install.
if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/tmp/kruise-apt.log 2>&1; then
  apt-get update -qq >>/tmp/kruise-apt.log 2>&1
  apt-get install -y -qq --no-install-recommends "${need[@]}" >>/tmp/kruise-apt.log 2>&1 || {
    tail -n 20 /tmp/kruise-apt.log >&2
    printf '[setup] FAILED: apt-get install %s (log: /tmp/kruise-apt.log)\n[setup] What to do: read the log above, fix apt, and run this again.\n' "${need[*]}" >&2
    exit 1
  }
fi
# Installing nginx or the registry may start their system services; real nodes start their own.
for svc in nginx docker-registry containerd; do
  command -v service >/dev/null 2>&1 && service "$svc" stop >/dev/null 2>&1 || true
done
