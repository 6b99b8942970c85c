#!/usr/bin/env bash
# Start a real, container-less Kubernetes control plane on 127.0.0.1:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler and the KWOK
# controller, which plays the kubelet for fake nodes. Idempotent: a cluster that
# already answers is left as it is.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=versions.env
. "$cluster_here/versions.env"
# shellcheck source=forwards.env
. "$cluster_here/forwards.env"

t0=$(date +%s%N)
bin=$(bash "$cluster_here/build-tools.sh" | tail -n 1)
stage=$(dirname "$bin")/stage
export PATH=$bin:$PATH
k() { kubectl --kubeconfig "$cluster_kubeconfig" "$@"; }

if [ -f "$cluster_kubeconfig" ] && k get --raw /readyz >/dev/null 2>&1; then
  echo "cluster $cluster_name is already up; kubeconfig: $cluster_kubeconfig" >&2
  echo "$cluster_kubeconfig"
  exit 0
fi

mkdir -p "$KWOK_WORKDIR"
# A cluster left behind by a killed run: remove it before creating a new one.
kwokctl delete cluster --name "$cluster_name" --kubeconfig "$cluster_kubeconfig" >/dev/null 2>&1 || true

config=$KWOK_WORKDIR/kwokctl.yaml
{
  cat <<YAML
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokctlConfiguration
options:
  runtime: binary
  bindAddress: 127.0.0.1
  kubeVersion: v$KUBERNETES_VERSION
  kubeBinaryPrefix: $bin
  kubectlBinary: $bin/kubectl
  etcdBinary: $bin/etcd
  kwokControllerBinary: $bin/kwok
  kubeAuthorization: true
  kubeAdmission: true
YAML
  # KWOK's default stages from the same module version as the controller, then ours.
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
           pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    echo '---'; cat "$stage/$f.yaml"
  done
  echo '---'; cat "$cluster_here/stages.yaml"
  # Observable pods: `kubectl logs` (and --previous) of every container reads these CRI-format
  # files, and `kubectl port-forward` to a pod port reaches a local process (forwards.env).
  cat <<YAML
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: todoctl-logs
spec:
  logs:
    - logsFile: $cluster_here/logs/current.log
      previousLogsFile: $cluster_here/logs/previous.log
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: todoctl-forwards
spec:
  forwards:
    - ports: [8080]
      target: { port: $FORWARD_HTTP_8080, address: 127.0.0.1 }
    - ports: [3000]
      target: { port: $FORWARD_HTTP_3000, address: 127.0.0.1 }
    - ports: [9090]
      target: { port: $FORWARD_METRICS_9090, address: 127.0.0.1 }
YAML
} > "$config"

kwokctl create cluster --name "$cluster_name" --runtime binary -c "$config" \
  --kubeconfig "$cluster_kubeconfig" \
  --extra-args kube-apiserver=advertise-address=127.0.0.1 \
  --wait 3m >&2

# Nodes: KWOK only updates status, so the node objects are created here. They
# are built as JSON in the script, not kept as Kubernetes YAML in the repo.
for i in $(seq 0 $(( ${TODOCTL_CLUSTER_NODES:-2} - 1 ))); do
  cat <<JSON | k apply -f - >&2
{"apiVersion":"v1","kind":"Node",
 "metadata":{"name":"kwok-node-$i",
   "annotations":{"kwok.x-k8s.io/node":"fake","node.alpha.kubernetes.io/ttl":"0"},
   "labels":{"kubernetes.io/hostname":"kwok-node-$i","kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","type":"kwok"}},
 "status":{"allocatable":{"cpu":"32","memory":"256Gi","pods":"110"},
   "capacity":{"cpu":"32","memory":"256Gi","pods":"110"},
   "addresses":[{"type":"InternalIP","address":"127.0.0.1"},{"type":"Hostname","address":"localhost"}]}}
JSON
done
k wait --for=condition=Ready node --all --timeout=60s >&2
# The ServiceAccount admission plugin rejects pods until the default SA exists.
for _ in $(seq 1 60); do
  k -n default get serviceaccount default >/dev/null 2>&1 && break
  sleep 1
done
k -n default get serviceaccount default >/dev/null

elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
rss_kib=$(bash "$cluster_here/rss.sh")
printf 'cluster %s up in %d.%03ds, control plane RSS %d MiB; kubeconfig: %s\n' \
  "$cluster_name" $((elapsed_ms / 1000)) $((elapsed_ms % 1000)) $((rss_kib / 1024)) "$cluster_kubeconfig" >&2
echo "$cluster_kubeconfig"
