/**
 * `todoctl down`: uninstalls the environment's app releases after confirmation. Namespaces,
 * PersistentVolumeClaims and the shared infrastructure release stay; `--purge` also deletes the
 * namespace and its claims, and only a person typing the environment's name can allow that.
 */
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../runtime/errors.js';

export interface DownResult {
  env: string;
  namespace: string;
  uninstalled: string[];
  /** Releases todoctl.yaml names that were not installed. */
  absent: string[];
  purged: boolean;
}

export async function runDown(deps: Deps, o: { purge: boolean; timeout: string }): Promise<DownResult> {
  const { config } = await deps.config();
  const env = await deps.environment();
  const { namespace } = await deps.target();
  if (!namespace) throw new UsageError(`environment ${env} has no namespace`);
  const goEnv = shortRunGoEnv(deps.env);
  const helm = (await deps.helm()).withEnv(goEnv).inNamespace(namespace);
  const kubectl = (await deps.kubectl()).withEnv(goEnv).inNamespace(namespace);
  const apps = config.releases.filter((r) => r.namespace === undefined).map((r) => r.name);
  const installed = (await Promise.all(apps.map(async (name) => ((await helm.status(name)) ? name : null)))).filter(
    (n): n is string => n !== null,
  );
  const absent = apps.filter((n) => !installed.includes(n));

  if (o.purge) {
    const what = `uninstall ${installed.join(', ') || 'nothing'} and delete namespace ${namespace} with its volumes (data is lost)`;
    if (!(await deps.prompts.typed(`This will ${what}.`, env))) {
      throw new UsageError("down --purge cancelled: the name typed was not the environment's");
    }
  } else if (installed.length > 0) {
    const question = `Uninstall ${installed.join(', ')} from ${namespace}? Namespace and volumes stay.`;
    if (!(await deps.prompts.confirm(question))) throw new UsageError('down cancelled');
  }
  // the reverse of the order up installs in
  const order = [...installed].reverse();
  for (const name of order) await helm.uninstall(name, { wait: true, timeout: o.timeout });
  if (o.purge) {
    await kubectl.delete('persistentvolumeclaims', { all: true });
    await kubectl.delete('namespace', { name: namespace });
  }
  return { env, namespace, uninstalled: order, absent, purged: o.purge };
}
