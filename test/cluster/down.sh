#!/usr/bin/env bash
# Stop the test cluster and remove its state.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=versions.env
. "$cluster_here/versions.env"
bin=$(bash "$cluster_here/build-tools.sh" | tail -n 1)
export PATH=$bin:$PATH
kwokctl delete cluster --name "$cluster_name" --kubeconfig "$cluster_kubeconfig" >&2 || true
rm -f "$cluster_kubeconfig"
echo "cluster $cluster_name is down" >&2
