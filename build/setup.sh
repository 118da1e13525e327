#!/usr/bin/env bash
# Sets up what npm cannot: a Docker engine, debootstrap and Chromium, a private
# Docker daemon when none is reachable, and the Environment base image, built
# offline from Debian's packages once and cached. Safe to run again and again.
set -euo pipefail

BASE_IMAGE="${ORRERY_BASE_IMAGE:-orrery/env-base:bookworm}"
# Bumped whenever the way the base image is made changes, so cached copies are replaced.
BASE_VERSION=2
CACHE_DIR="${ORRERY_SETUP_CACHE:-/var/cache/orrery}"
DOCKER_ROOT="${ORRERY_DOCKER_ROOT:-/var/lib/orrery/docker}"
DOCKER_SOCK="/var/run/docker.sock"
PACKAGES=(docker.io debootstrap chromium fonts-liberation openssl)
# --cluster: also PostgreSQL and Redis, which the tests (and several sync servers) need.
for arg in "$@"; do
  case "$arg" in
    --cluster) PACKAGES+=(postgresql redis-server) ;;
    *) printf '[setup] unknown option %s (the only one is --cluster)\n' "$arg" >&2; exit 2 ;;
  esac
done

say() { printf '[setup] %s\n' "$*"; }

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || printf '%s ' "$p"
  done
}

docker_reachable() { timeout 10 docker info >/dev/null 2>&1; }

install_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "missing Debian packages: $missing"
    say "install them as root:  sudo apt-get update && sudo apt-get install -y $missing"
    return 1
  fi
  say "installing $missing"
  apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

start_private_daemon() {
  docker_reachable && return 0
  # A private daemon only ever stands in for the local socket, never for an engine named in DOCKER_HOST.
  if [ -n "${DOCKER_HOST:-}" ] && [ "$DOCKER_HOST" != "unix://$DOCKER_SOCK" ]; then
    say "the Docker engine at DOCKER_HOST=$DOCKER_HOST does not answer: start it, or fix DOCKER_HOST (and DOCKER_CERT_PATH / DOCKER_TLS_VERIFY)."
    say "what docker says: $(timeout 10 docker info 2>&1 | grep -m1 -iE 'error|cannot|refused' || echo 'no answer')"
    return 1
  fi
  if [ -f "$DOCKER_ROOT/dockerd.pid" ] && kill -0 "$(cat "$DOCKER_ROOT/dockerd.pid")" 2>/dev/null; then
    say "a private Docker daemon is running (pid $(cat "$DOCKER_ROOT/dockerd.pid")) but does not answer on $DOCKER_SOCK; see /var/log/orrery/dockerd.log"
    return 1
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "no Docker engine is reachable (DOCKER_HOST=${DOCKER_HOST:-unix://$DOCKER_SOCK})."
    say "start one as root:  sudo bash build/setup.sh   (or point DOCKER_HOST at a running engine)"
    return 1
  fi
  mkdir -p "$DOCKER_ROOT/data" "$DOCKER_ROOT/exec" /var/log/orrery
  say "starting a private Docker daemon on $DOCKER_SOCK (data in $DOCKER_ROOT)"
  # No iptables and no bridge: this machine's containers run with --network none.
  setsid nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
    --data-root "$DOCKER_ROOT/data" --exec-root "$DOCKER_ROOT/exec" \
    --pidfile "$DOCKER_ROOT/dockerd.pid" -H "unix://$DOCKER_SOCK" \
    >/var/log/orrery/dockerd.log 2>&1 </dev/null &
  local i
  for i in $(seq 1 60); do
    docker_reachable && return 0
    sleep 0.5
  done
  say "dockerd did not answer within 30 s; see /var/log/orrery/dockerd.log"
  tail -n 20 /var/log/orrery/dockerd.log >&2 || true
  return 1
}

build_base_image() {
  local have
  have=$(docker image inspect -f '{{ index .Config.Labels "dev.orrery.base-version" }}' "$BASE_IMAGE" 2>/dev/null || true)
  [ "$have" = "$BASE_VERSION" ] && return 0
  local tarball="$CACHE_DIR/env-base-bookworm-v$BASE_VERSION.tar"
  if [ ! -s "$tarball" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      say "the Environment base image $BASE_IMAGE is missing; build it as root: sudo bash build/setup.sh"
      return 1
    fi
    local root
    mkdir -p "$CACHE_DIR"
    root=$(mktemp -d "$CACHE_DIR/rootfs.XXXXXX")
    # mktemp makes the folder 0700, and it becomes the image's "/": the agent's user must be able to enter it.
    chmod 755 "$root"
    say "building the Environment base image with debootstrap (about a minute)"
    debootstrap --variant=minbase --include=git,ca-certificates bookworm "$root" \
      "${ORRERY_DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$CACHE_DIR/debootstrap.log" 2>&1 || {
      say "debootstrap failed; see $CACHE_DIR/debootstrap.log"; rm -rf "$root"; return 1; }
    # The agent works as an unprivileged user in /workspace.
    chroot "$root" /usr/sbin/groupadd --gid 1000 orrery
    chroot "$root" /usr/sbin/useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash orrery
    mkdir -p "$root/workspace" && chown 1000:1000 "$root/workspace"
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar -C "$root" -cf "$tarball.tmp" . && mv "$tarball.tmp" "$tarball"
    rm -rf "$root"
  fi
  # Older versions' tarballs are of no further use.
  find "$CACHE_DIR" -maxdepth 1 -name 'env-base-bookworm*.tar' ! -name "$(basename "$tarball")" -delete 2>/dev/null || true
  say "importing $BASE_IMAGE"
  docker import --change 'CMD ["/bin/bash"]' --change 'WORKDIR /workspace' \
    --change "LABEL dev.orrery.base-version=$BASE_VERSION" "$tarball" "$BASE_IMAGE" >/dev/null
}

status=0
install_packages || status=1
if command -v dockerd >/dev/null 2>&1 || docker_reachable; then
  start_private_daemon || status=1
  if docker_reachable; then build_base_image || status=1; fi
fi
if [ "$status" -eq 0 ]; then
  say "ready: Docker engine reachable, base image $BASE_IMAGE present, Chromium at $(command -v chromium)"
fi
exit "$status"
