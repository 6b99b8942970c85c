/**
 * `todoctl rollback`: back to the last revision todoctl verified healthy (recorded on Helm's own
 * release Secret, so it holds whoever deployed), not to "revision - 1", which may be the broken
 * one. Shows what changes (images, values), asks, rolls back with wait, and verifies again.
 */
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { Deps } from '../../deps.js';
import { chartValues } from '../../project.js';
import { ClusterError, TodoctlError, UsageError } from '../../runtime/errors.js';
import { healthTargets } from '../up/up.js';
import { markVerified, verifiedRevisions, verifyService, type ServiceHealth } from '../up/verify.js';

export interface RollbackOptions {
  /** Release names; empty with `all`. */
  releases: string[];
  all: boolean;
  to?: number | undefined;
  timeout: string;
}

export interface RollbackOutcome {
  release: string;
  namespace: string;
  from: number;
  /** The revision rolled back to. */
  to: number;
  /** The new revision helm records for the rollback. */
  revision: number;
  images: { before: string[]; after: string[] };
  /** Top-level values that differ between the two revisions (names only). */
  valuesChanged: string[];
  health: ServiceHealth;
}

export async function runRollback(deps: Deps, o: RollbackOptions): Promise<RollbackOutcome[]> {
  const [{ config }, root, env, { namespace }] = await Promise.all([
    deps.config(),
    deps.root(),
    deps.environment(),
    deps.target(),
  ]);
  if (!namespace) throw new UsageError(`environment ${env} has no namespace`);
  const apps = config.releases.filter((r) => r.namespace === undefined);
  if (!o.all && o.releases.length === 0) {
    throw new UsageError('name the release to roll back, or pass --all', {
      hint: `Releases: ${apps.map((r) => r.name).join(', ')}.`,
    });
  }
  const chosen = o.all ? apps : o.releases.map((name) => apps.find((r) => r.name === name) ?? { name, chart: '' });
  if (o.to !== undefined && chosen.length !== 1)
    throw new UsageError('--to takes one release', { hint: 'Name one release with --to.' });
  const goEnv = shortRunGoEnv(deps.env);
  const helm = (await deps.helm()).withEnv(goEnv).inNamespace(namespace);
  const kubectl = (await deps.kubectl()).withEnv(goEnv).inNamespace(namespace);

  // plan every release first, so nothing changes unless all of them can go back
  const plans = await Promise.all(
    chosen.map(async (release) => {
      const current = await helm.status(release.name);
      if (!current) throw new UsageError(`release ${release.name} is not installed in ${namespace}`);
      const verified = await verifiedRevisions(kubectl, release.name);
      const to = o.to ?? verified.find((r) => r < current.revision);
      if (to === undefined) {
        throw new TodoctlError(`${release.name} has no verified revision before ${current.revision}`, {
          hint: `Pick one from helm history ${release.name} -n ${namespace} and pass --to <revision>.`,
        });
      }
      if (to === current.revision) throw new UsageError(`${release.name} is already at revision ${to}`);
      const [manifestNow, manifestThen, valuesNow, valuesThen] = await Promise.all([
        helm.getManifest(release.name),
        helm.getManifest(release.name, to),
        helm.getValues(release.name, current.revision),
        helm.getValues(release.name, to),
      ]);
      if (manifestThen === null) throw new UsageError(`${release.name} has no revision ${to}`);
      const valuesChanged = [...new Set([...Object.keys(valuesNow), ...Object.keys(valuesThen)])]
        .filter((k) => JSON.stringify(valuesNow[k]) !== JSON.stringify(valuesThen[k]))
        .sort();
      return {
        release,
        from: current.revision,
        to,
        status: current.status,
        images: { before: imagesOf(manifestNow ?? ''), after: imagesOf(manifestThen) },
        valuesChanged,
      };
    }),
  );

  for (const plan of plans) {
    deps.io.stderr.write(
      `${plan.release.name}: revision ${plan.from} (${plan.status}) -> ${plan.to}\n` +
        `  images: ${plan.images.before.join(', ') || '-'} -> ${plan.images.after.join(', ') || '-'}\n` +
        `  values that differ: ${plan.valuesChanged.join(', ') || 'none'}\n`,
    );
  }
  const names = plans.map((p) => `${p.release.name} to revision ${p.to}`).join(', ');
  if (!(await deps.prompts.confirm(`Roll back ${names} in ${namespace}?`))) throw new UsageError('rollback cancelled');

  const outcomes: RollbackOutcome[] = [];
  for (const plan of plans) {
    await helm.rollback(plan.release.name, { revision: plan.to, wait: true, timeout: o.timeout });
    const after = await helm.status(plan.release.name);
    const values = plan.release.chart ? await chartValues(root, plan.release.chart, env) : {};
    const health = await verifyService(kubectl, plan.release.name, plan.release.name, healthTargets(values));
    if (!health.healthy) {
      const failed = health.checks.filter((c) => !c.ok).map((c) => `${c.path}: ${c.detail}`);
      throw new ClusterError(`${plan.release.name} is back at revision ${plan.to} but not healthy: ${failed.join('; ')}`, {
        hint: `Run todoctl doctor --env ${env} for the cause.`,
      });
    }
    if (after) await markVerified(kubectl, plan.release.name, after.revision);
    outcomes.push({
      release: plan.release.name,
      namespace,
      from: plan.from,
      to: plan.to,
      revision: after?.revision ?? 0,
      images: plan.images,
      valuesChanged: plan.valuesChanged,
      health,
    });
  }
  return outcomes;
}

/** The images a manifest runs, in order of first appearance. */
function imagesOf(manifest: string): string[] {
  return [...new Set([...manifest.matchAll(/^\s*image:\s*["']?([^"'\s]+)["']?\s*$/gm)].map((m) => m[1]!))];
}
