import type { HelmRelease } from '../../clients/helm.js';
import type { PodState } from '../../clients/pod-state.js';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { Deps } from '../../deps.js';

export interface StatusReport {
  namespace: string | undefined;
  releases: HelmRelease[];
  pods: PodState[];
  healthy: boolean;
}

/**
 * The releases of the target namespace and its pods: what `helm list` and `kubectl get pods`
 * show, asked side by side, so the command costs what the slower of the two does.
 */
export async function runStatus(deps: Deps): Promise<StatusReport> {
  const target = await deps.target();
  const [helm, kubectl] = await Promise.all([deps.helm(), deps.kubectl()]);
  const env = shortRunGoEnv(deps.env);
  const [releases, pods] = await Promise.allSettled([helm.withEnv(env).list(), kubectl.withEnv(env).listPods()]);
  // helm's error first: when the cluster is unreachable its message is the clearer one.
  if (releases.status === 'rejected') throw releases.reason;
  if (pods.status === 'rejected') throw pods.reason;
  // nothing deployed is not healthy
  const healthy =
    releases.value.length > 0 &&
    releases.value.every((r) => r.status === 'deployed') &&
    pods.value.every((p) => p.ready || p.phase === 'Succeeded');
  return { namespace: target.namespace, releases: releases.value, pods: pods.value, healthy };
}
