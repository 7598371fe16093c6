#!/usr/bin/env bash
# The remote-cache integration tests' own components, apart from the shared engine (.ci/docker-up.sh):
#  - Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1:$BCA_RC_REGISTRY_PORT, own config, no auth;
#  - a second dockerd of its own (data root, exec root, pid file, socket), so the tests can empty its builder cache
#    without touching the builds of anyone using the shared engine; the offline base image is imported there too.
# Idempotent: every step checks first. Run as root on Debian 12 after .ci/docker-up.sh (which installs docker.io).
# Prints nothing on stdout; the test set-up runs it too (test/support/remote-cache.ts).
set -euo pipefail

DOCKER=/usr/bin/docker
BASE_IMAGE=local/busybox:1
PORT=${BCA_RC_REGISTRY_PORT:-5516}
ROOT=${BCA_RC_ROOT:-/var/lib/bca-remote-cache}
RUN_DIR=${BCA_RC_RUN:-/run/bca-remote-cache}
SOCKET=${BCA_RC_SOCKET:-/run/bca-remote-cache/docker.sock}
LOG_DIR=/tmp/bca-remote-cache

log() { echo "remote-cache-up: $*" >&2; }
mkdir -p "$ROOT" "$RUN_DIR" "$LOG_DIR"

install_registry() {
  command -v docker-registry >/dev/null 2>&1 && return 0
  log "installing docker-registry"
  export DEBIAN_FRONTEND=noninteractive
  local wait=(-o DPkg::Lock::Timeout=600)
  apt-get "${wait[@]}" update -q
  apt-get "${wait[@]}" install -y -q --no-install-recommends docker-registry
  # The package starts its service with the packaged config (htpasswd auth on :5000); ours is separate.
}

registry_up() { curl -fsS -m 2 "http://127.0.0.1:$PORT/v2/" >/dev/null 2>&1; }

start_registry() {
  registry_up && return 0
  mkdir -p "$ROOT/registry"
  cat >"$ROOT/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $ROOT/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$PORT
EOF
  log "starting docker-registry on 127.0.0.1:$PORT (log: $LOG_DIR/registry.log)"
  nohup docker-registry serve "$ROOT/registry.yml" >>"$LOG_DIR/registry.log" 2>&1 &
  echo $! >"$RUN_DIR/registry.pid"
  local i
  for i in $(seq 1 30); do
    registry_up && return 0
    sleep 0.5
  done
  log "the registry did not answer; last lines of its log:"; tail -n 20 "$LOG_DIR/registry.log" >&2 || true
  return 1
}

daemon_up() { "$DOCKER" -H "unix://$SOCKET" info >/dev/null 2>&1; }

# A bridge of its own: dockerd started with --bridge=none deletes docker0 (moby's removeDefaultBridgeInterface),
# which breaks every RUN on the shared engine; with -b it uses this one and leaves docker0 alone.
BRIDGE=${BCA_RC_BRIDGE:-bca-rc0}
BRIDGE_ADDR=${BCA_RC_BRIDGE_ADDR:-172.31.254.1/24}
bridge_up() {
  ip link show "$BRIDGE" >/dev/null 2>&1 && return 0
  ip link add "$BRIDGE" type bridge
  ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

start_daemon() {
  daemon_up && return 0
  bridge_up
  log "starting a dockerd of its own on $SOCKET (log: $LOG_DIR/dockerd.log)"
  nohup dockerd --data-root "$ROOT/docker" --exec-root "$RUN_DIR/exec" --pidfile "$RUN_DIR/dockerd.pid" \
    -H "unix://$SOCKET" --iptables=false --bridge="$BRIDGE" >>"$LOG_DIR/dockerd.log" 2>&1 &
  local i
  for i in $(seq 1 60); do
    daemon_up && return 0
    sleep 1
  done
  log "dockerd did not answer within 60 s; last lines of its log:"; tail -n 30 "$LOG_DIR/dockerd.log" >&2 || true
  return 1
}

import_base_image() {
  "$DOCKER" -H "unix://$SOCKET" image inspect "$BASE_IMAGE" >/dev/null 2>&1 && return 0
  log "importing $BASE_IMAGE"
  local root
  root=$(mktemp -d)
  trap 'rm -rf "$root"' RETURN
  mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/root"
  chmod 1777 "$root/tmp"
  cp /bin/busybox "$root/bin/busybox"
  chroot "$root" /bin/busybox --install -s /bin
  echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
  echo 'root:x:0:' >"$root/etc/group"
  tar -C "$root" -c . | "$DOCKER" -H "unix://$SOCKET" import - "$BASE_IMAGE" >/dev/null
}

install_registry
start_registry
start_daemon
import_base_image
