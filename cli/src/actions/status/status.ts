import type { HelmRelease } from '../../clients/helm.js';
import type { PodState } from '../../clients/pod-state.js';
import type { Deps } from '../../deps.js';

export interface StatusReport {
  namespace: string | undefined;
  releases: HelmRelease[];
  pods: PodState[];
  healthy: boolean;
}

export async function runStatus(deps: Deps): Promise<StatusReport> {
  const target = await deps.target();
  // helm first: when the cluster is unreachable its message is the clearer one.
  const releases = await (await deps.helm()).list();
  const pods = await (await deps.kubeApi()).listPods();
  const healthy = releases.every((r) => r.status === 'deployed') && pods.every((p) => p.ready || p.phase === 'Succeeded');
  return { namespace: target.namespace, releases, pods, healthy };
}
