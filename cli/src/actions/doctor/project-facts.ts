/**
 * What the project's charts say a namespace needs, read from todoctl.yaml and the charts'
 * values (values.yaml with the environment's file over it): the releases deployed there, the
 * Secrets they take (`existingSecret` and the keys of `secretKeys`), and which release creates
 * the namespace (todo-infrastructure lists its `namespaces`).
 */
import path from 'node:path';
import type { Environment, LoadedConfig } from '../../config.js';
import { chartValues, isMap } from '../../project.js';
import { secretsOfValues } from '../secrets/plan.js';
import { installCommand, type ExpectedRelease, type NamespaceCreator, type RequiredSecret } from './cluster-checks.js';

function releaseOf(loaded: LoadedConfig, env: Environment, release: { name: string; chart: string }): ExpectedRelease {
  const valuesFile = loaded.config.environments[env]?.valuesFile ?? `values-${env}.yaml`;
  return { name: release.name, chart: release.chart, valuesFile: path.posix.join(release.chart, valuesFile) };
}

/** The releases todoctl.yaml deploys to `ns`: those without a fixed namespace, and those fixed to it. */
export function releasesIn(loaded: LoadedConfig, env: Environment, ns: string): ExpectedRelease[] {
  return loaded.config.releases.filter((r) => (r.namespace ?? ns) === ns).map((r) => releaseOf(loaded, env, r));
}

/** The Secrets the releases deployed to a namespace take, merged by name. */
export async function requiredSecrets(
  loaded: LoadedConfig,
  env: Environment,
  releases: readonly ExpectedRelease[],
): Promise<RequiredSecret[]> {
  const byName = new Map<string, RequiredSecret>();
  for (const release of releases) {
    const values = await chartValues(loaded.root, release.chart, env);
    // the namespaces do not matter here: doctor looks in one
    for (const { name, keys } of secretsOfValues(values, { release: '', env: '' })) {
      const secret = byName.get(name) ?? { name, keys: [], releases: [] };
      secret.keys = [...new Set([...secret.keys, ...Object.keys(keys)])];
      secret.releases.push(release.name);
      byName.set(name, secret);
    }
  }
  return [...byName.values()];
}

/** The release with a fixed namespace whose values list `ns` among the `namespaces` it creates. */
export async function creatorOf(loaded: LoadedConfig, env: Environment, ns: string): Promise<NamespaceCreator | undefined> {
  for (const release of loaded.config.releases) {
    if (!release.namespace) continue;
    const values = await chartValues(loaded.root, release.chart, env);
    const listed = Array.isArray(values.namespaces) && values.namespaces.some((n) => isMap(n) && n.name === ns);
    if (listed) return { release: release.name, command: installCommand(releaseOf(loaded, env, release), release.namespace) };
  }
  return undefined;
}
