#!/usr/bin/env bash
# Builds the image tools from Go modules into a cache folder outside the repository, keyed by
# the pinned versions in versions.env: trivy (the vulnerability scanner), crane (a local OCI
# registry for the tests, `crane registry serve`), actionlint (the workflow checker) and
# trivy-db (this folder's fixture loader). Each tool has its own marker, so a warm run costs a
# few stat calls. Prints the bin folder on the last line of stdout.
#   --bin-dir   print the bin folder without building; exit 1 if a tool is missing
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"
command -v go >/dev/null || { echo "images/build-tools: Go is required (>= 1.26); install it and re-run." >&2; exit 1; }

fixture_hash=$(cat "$here/trivy-db/go.mod" "$here/trivy-db/go.sum" "$here/trivy-db/main.go" | sha256sum | cut -c1-12)
key="trivy${TRIVY_VERSION}-crane${CRANE_VERSION}-actionlint${ACTIONLINT_VERSION}-db${fixture_hash}"
cache_root=${TODOCTL_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todoctl/tools}
cache=$cache_root/images-$key
bin=$cache/bin
tools=(crane actionlint trivy-db trivy)
if [ "${1:-}" = "--bin-dir" ]; then
  for t in "${tools[@]}"; do
    [ -f "$cache/done/$t" ] || { echo "images/build-tools: $t is not built for the pinned versions ($key); run: bash test/images/build-tools.sh" >&2; exit 1; }
  done
  echo "$bin"
  exit 0
fi
mkdir -p "$bin" "$cache/done"
export CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false" GOTOOLCHAIN=local

log() { echo "images/build-tools: $*" >&2; }
step() { # step NAME COMMAND...: run once, remember success
  local name=$1; shift
  [ -f "$cache/done/$name" ] && return 0
  local t0=$SECONDS
  log "building $name ..."
  "$@" >&2
  touch "$cache/done/$name"
  log "built $name in $((SECONDS - t0))s"
}

step crane env GOBIN="$bin" go install -ldflags="-s -w" "github.com/google/go-containerregistry/cmd/crane@v$CRANE_VERSION"
step actionlint env GOBIN="$bin" go install -ldflags="-s -w -X github.com/rhysd/actionlint.version=$ACTIONLINT_VERSION" \
  "github.com/rhysd/actionlint/cmd/actionlint@v$ACTIONLINT_VERSION"
step trivy-db bash -c "cd '$here/trivy-db' && go build -ldflags='-s -w' -o '$bin/trivy-db' ."
# trivy is large (a few minutes on two cores); its version string is set as its release does
step trivy env GOBIN="$bin" GOEXPERIMENT=jsonv2 go install -ldflags="-s -w -X github.com/aquasecurity/trivy/pkg/version/app.ver=$TRIVY_VERSION" \
  "github.com/aquasecurity/trivy/cmd/trivy@v$TRIVY_VERSION"
echo "$bin"
