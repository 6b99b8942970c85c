#!/usr/bin/env bash
# Print the summed resident memory (KiB) of the test cluster's processes.
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
total=0
for pidfile in "$KWOK_WORKDIR/clusters/$cluster_name"/pids/*.pid; do
  [ -f "$pidfile" ] || continue
  pid=$(cat "$pidfile")
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  total=$((total + ${rss:-0}))
done
echo "$total"
