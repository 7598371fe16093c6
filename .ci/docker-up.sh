#!/usr/bin/env bash
# Bring up a Docker engine with BuildKit and an offline base image for the integration tests.
# Idempotent: every step checks first. Run as root on Debian 12 (CI) or a developer box.
# Always /usr/bin/docker: Debian's 20.10 client still does BuildKit builds without buildx;
# the 28.x client some images put in /usr/local/bin refuses them.
set -euo pipefail

DOCKER=/usr/bin/docker
BASE_IMAGE=local/busybox:1
LOG=/tmp/dockerd.log

log() { echo "docker-up: $*" >&2; }

install_packages() {
  local missing=()
  dpkg -s docker.io >/dev/null 2>&1 || missing+=(docker.io)
  dpkg -s busybox-static >/dev/null 2>&1 || missing+=(busybox-static)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (a provisioning job) may hold the dpkg lock: wait for it rather than fail.
  local wait=(-o DPkg::Lock::Timeout=600)
  apt-get "${wait[@]}" update -q
  apt-get "${wait[@]}" install -y -q --no-install-recommends "${missing[@]}"
}

daemon_up() { "$DOCKER" info >/dev/null 2>&1; }

start_daemon() {
  daemon_up && return 0
  # No iptables: the container may not be allowed to touch them, and builds need no network.
  log "starting dockerd (log: $LOG)"
  nohup dockerd --iptables=false >>"$LOG" 2>&1 &
  local i
  for i in $(seq 1 60); do
    daemon_up && { log "dockerd is up"; return 0; }
    sleep 1
  done
  log "dockerd did not answer within 60 s; last lines of $LOG:"; tail -n 30 "$LOG" >&2 || true
  return 1
}

# An engine whose docker0 was deleted under it (an older .ci/remote-cache-up.sh started a second dockerd with
# --bridge=none, which removes docker0) fails every RUN with "could not find bridge docker0": put it back.
repair_bridge() {
  ip link show docker0 >/dev/null 2>&1 && return 0
  local gw subnet
  gw=$("$DOCKER" network inspect bridge --format '{{range .IPAM.Config}}{{.Gateway}}{{end}}')
  subnet=$("$DOCKER" network inspect bridge --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}')
  log "docker0 is missing: recreating it ($gw, $subnet)"
  ip link add docker0 type bridge
  ip addr add "$gw/${subnet#*/}" dev docker0
  ip link set docker0 up
}

# No registry is reachable, so the base image is built from busybox-static's binary.
import_base_image() {
  "$DOCKER" image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  log "importing $BASE_IMAGE"
  local root
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  # Applet links (sh, ls, cat, ...) made by busybox itself, inside the new root.
  chroot "$root" /bin/busybox --install -s /bin
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | "$DOCKER" import - "$BASE_IMAGE" >/dev/null
}

install_packages
start_daemon
repair_bridge
import_base_image
"$DOCKER" version --format 'docker-up: client {{.Client.Version}}, server {{.Server.Version}}' >&2
