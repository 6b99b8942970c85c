import type { HelmRelease } from '../../clients/helm.js';
import type { PodState } from '../../clients/pod-state.js';
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { Deps } from '../../deps.js';
import { clusterAccess, serviceObjects, urlsFrom, type ServiceUrl } from '../urls/urls.js';

export interface StatusReport {
  namespace: string | undefined;
  releases: HelmRelease[];
  pods: PodState[];
  /** How each release's service is reached from this machine. */
  urls: ServiceUrl[];
  healthy: boolean;
}

/**
 * The releases of the target namespace, its pods and the URLs of its services: what `helm list`,
 * `kubectl get pods` and `kubectl get ingresses,services` show, asked side by side, so the
 * command costs what the slowest of them does.
 */
export async function runStatus(deps: Deps): Promise<StatusReport> {
  const target = await deps.target();
  const [helm, kubectl] = await Promise.all([deps.helm(), deps.kubectl()]);
  const env = shortRunGoEnv(deps.env);
  const k = kubectl.withEnv(env);
  const namespace = target.namespace ?? 'default';
  const [releases, pods, objects, access] = await Promise.allSettled([
    helm.withEnv(env).list(),
    k.listPods(),
    serviceObjects(k, namespace),
    clusterAccess(deps, k),
  ]);
  // helm's error first: when the cluster is unreachable its message is the clearer one.
  if (releases.status === 'rejected') throw releases.reason;
  if (pods.status === 'rejected') throw pods.reason;
  if (objects.status === 'rejected') throw objects.reason;
  const urls =
    access.status === 'fulfilled'
      ? urlsFrom(
          releases.value.map((r) => r.name),
          objects.value.services,
          objects.value.ingresses,
          namespace,
          access.value,
        )
      : [];
  // nothing deployed is not healthy
  const healthy =
    releases.value.length > 0 &&
    releases.value.every((r) => r.status === 'deployed') &&
    pods.value.every((p) => p.ready || p.phase === 'Succeeded');
  return { namespace: target.namespace, releases: releases.value, pods: pods.value, urls, healthy };
}
