#!/usr/bin/env bash
# Build the test cluster and client tools from Go modules into a cache folder
# outside the repository, keyed by the pinned versions in versions.env.
# Each tool has its own marker, so an interrupted build resumes where it stopped
# and a warm run costs a few stat calls.
#
# Prints the bin folder on the last line of stdout.
#   --bin-dir   print the bin folder without building; exit 1 if a tool is missing
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

command -v go >/dev/null || { echo "build-tools: Go is required (>= 1.26) to build the test cluster tools; install it and re-run." >&2; exit 1; }

key="k8s${KUBERNETES_VERSION}-etcd${ETCD_VERSION}-kwok${KWOK_VERSION}-helm${HELM4_VERSION}-helm${HELM3_VERSION}"
cache_root=${TODOCTL_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/todoctl/tools}
cache=$cache_root/$key
bin=$cache/bin
tools=(kwok helm4 helm3 etcd kubernetes)

if [ "${1:-}" = "--bin-dir" ]; then
  for t in "${tools[@]}"; do
    if [ ! -f "$cache/done/$t" ]; then
      echo "build-tools: $t is not built for the pinned versions ($key); run: npm run tools" >&2
      exit 1
    fi
  done
  echo "$bin"
  exit 0
fi

mkdir -p "$bin" "$cache/src" "$cache/done"

export CGO_ENABLED=0
export GOFLAGS="-trimpath -buildvcs=false"
export GOTOOLCHAIN=local

log() { echo "build-tools: $*" >&2; }
step() { # step NAME COMMAND...: run once, remember success
  local name=$1; shift
  if [ -f "$cache/done/$name" ]; then return 0; fi
  local t0=$SECONDS
  log "building $name ..."
  "$@" >&2
  touch "$cache/done/$name"
  log "built $name in $((SECONDS - t0))s"
}

build_kwok() {
  GOBIN=$bin go install -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION" "sigs.k8s.io/kwok/cmd/kwokctl@v$KWOK_VERSION"
  local src
  src=$(go env GOMODCACHE)/sigs.k8s.io/kwok@v$KWOK_VERSION/kustomize/stage
  rm -rf "$cache/stage" && cp -r "$src" "$cache/stage" && chmod -R u+w "$cache/stage"
}

build_helm4() {
  go install -ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=v$HELM4_VERSION" "helm.sh/helm/v4/cmd/helm@v$HELM4_VERSION"
  mv "$(go env GOPATH)/bin/helm" "$bin/helm"
}

build_helm3() {
  local tmp; tmp=$(mktemp -d)
  GOBIN=$tmp go install -ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=v$HELM3_VERSION" "helm.sh/helm/v3/cmd/helm@v$HELM3_VERSION"
  mv "$tmp/helm" "$bin/helm3"; rmdir "$tmp"
}

build_etcd() {
  # server/v3 has replace directives, so `go install pkg@version` refuses it:
  # build it from a small wrapper module instead.
  local w=$cache/src/etcd
  rm -rf "$w"; mkdir -p "$w"; cd "$w"
  printf 'module todoctl.local/etcdbin\n\ngo 1.26.0\n' > go.mod
  go mod edit -require="go.etcd.io/etcd/server/v3@v$ETCD_VERSION"
  printf 'tool go.etcd.io/etcd/server/v3\n' >> go.mod
  go mod tidy
  go build -ldflags="-s -w" -o "$bin/etcd" go.etcd.io/etcd/server/v3
}

build_kubernetes() {
  # k8s.io/kubernetes replaces its staging modules with ./staging/src/...; a
  # wrapper module points those at the published versions instead.
  local w=$cache/src/k8s
  rm -rf "$w"; mkdir -p "$w"; cd "$w"
  printf 'module todoctl.local/k8sbins\n\ngo 1.26.0\n' > go.mod
  local kmod
  kmod=$(go mod download -json "k8s.io/kubernetes@v$KUBERNETES_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  local m
  for m in $(sed -n 's|^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/src/.*|\1|p' "$kmod"); do
    go mod edit -replace="$m=$m@v$KUBERNETES_STAGING_VERSION"
  done
  go mod edit -require="k8s.io/kubernetes@v$KUBERNETES_VERSION"
  local c
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    printf 'tool k8s.io/kubernetes/cmd/%s\n' "$c" >> go.mod
  done
  go mod tidy
  local minor=${KUBERNETES_VERSION#*.}; minor=${minor%%.*}
  local ldf="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $p.gitVersion=v$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  done
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    log "  linking $c"
    go build -tags=selinux,notest,grpcnotrace -ldflags="$ldf" -o "$bin/$c" "k8s.io/kubernetes/cmd/$c"
  done
}

for t in "${tools[@]}"; do step "$t" "build_$t"; done

echo "$bin"
