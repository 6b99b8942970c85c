# Shared settings for the test cluster scripts (sourced, not run).
cluster_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cluster_here=$cluster_root/test/cluster
cluster_name=${TODOCTL_CLUSTER_NAME:-todoctl-test}
# KWOK keeps its state (PKI, etcd data, logs, pids) here; test helpers read
# the kubeconfig from the same place unless TODOCTL_TEST_KUBECONFIG says otherwise.
export KWOK_WORKDIR=${TODOCTL_CLUSTER_DIR:-$cluster_root/.kwok}
cluster_kubeconfig=${TODOCTL_TEST_KUBECONFIG:-$KWOK_WORKDIR/kubeconfig}
