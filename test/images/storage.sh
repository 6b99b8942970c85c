#!/usr/bin/env bash
# Where podman and buildah keep images for the tests: a storage folder in the cache outside the
# repository (so a warm run reuses the base image and the build layers), builds isolated with
# chroot (this machine has no container runtime that can start a container). Sourced by the
# image scripts; prints the export lines when run, for a shell or a test to take.
#   eval "$(bash test/images/storage.sh)"
set -euo pipefail
cache_root=${TODOCTL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todoctl}
# overlay is several times faster; it needs a kernel that lets this user mount overlayfs, which a
# sandbox may not: probed once with a real mount. vfs works everywhere (a full copy per layer).
probe_overlay() {
  local d
  d=$(mktemp -d)
  mkdir -p "$d/lower" "$d/upper" "$d/work" "$d/merged"
  if mount -t overlay overlay -o "lowerdir=$d/lower,upperdir=$d/upper,workdir=$d/work" "$d/merged" 2>/dev/null; then
    umount "$d/merged"; rm -rf "$d"; return 0
  fi
  rm -rf "$d"; return 1
}
if [ -z "${TODOCTL_STORAGE_DRIVER:-}" ]; then
  if probe_overlay; then TODOCTL_STORAGE_DRIVER=overlay; else TODOCTL_STORAGE_DRIVER=vfs; fi
fi
driver=$TODOCTL_STORAGE_DRIVER
storage=$cache_root/containers/$driver
mkdir -p "$storage/storage" "$storage/run"
conf=$storage/storage.conf
cat > "$conf.tmp" <<CONF
[storage]
driver = "$driver"
graphroot = "$storage/storage"
runroot = "$storage/run"
CONF
mv "$conf.tmp" "$conf"
printf 'export CONTAINERS_STORAGE_CONF=%q\nexport BUILDAH_ISOLATION=chroot\n' "$conf"
