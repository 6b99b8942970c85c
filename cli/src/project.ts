/**
 * The project's facts, in one place for every command: which environments exist, the namespace
 * of each, the release name and namespace a chart is deployed (and so rendered) with, and the
 * Kubernetes version charts are rendered for. They come from todoctl.yaml or its embedded
 * defaults; nothing else in todoctl spells a namespace or an environment list.
 */
import path from 'node:path';
import { defaultConfig, ENVIRONMENTS, type Environment, type TodoctlConfig } from './config.js';
import { UsageError } from './runtime/errors.js';

/**
 * Kubernetes version charts are linted and rendered for offline. Helm 3 defaults to an old one
 * that the charts' kubeVersion constraint rejects; this is the version the test cluster runs.
 */
export const RENDER_KUBE_VERSION = '1.36.0';

export interface EnvironmentSettings {
  namespace: string;
  context?: string | undefined;
}

/** The environments todoctl.yaml defines, in dev, staging, prod order; the embedded defaults when it lists none. */
export function environmentsOf(config: TodoctlConfig): Map<Environment, EnvironmentSettings> {
  const listed = ENVIRONMENTS.filter((e) => config.environments[e] !== undefined);
  const source = listed.length > 0 ? config.environments : defaultConfig().environments;
  const out = new Map<Environment, EnvironmentSettings>();
  for (const env of ENVIRONMENTS) {
    const settings = source[env];
    if (settings) out.set(env, { namespace: settings.namespace, ...(settings.context ? { context: settings.context } : {}) });
  }
  return out;
}

/**
 * Parses --env: one environment, or (where `list` is allowed) a comma-separated list. An
 * environment todoctl.yaml does not define is a usage error that lists the ones it does.
 */
export function parseEnvFlag(config: TodoctlConfig, value: string, o: { list: boolean }): Environment[] {
  const known = [...environmentsOf(config).keys()];
  const names = [
    ...new Set(
      value
        .split(',')
        .map((e) => e.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = names.filter((e) => !(known as string[]).includes(e));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`unknown environment ${JSON.stringify(unknown.join(',') || value)}`, {
      hint: `Use --env ${o.list ? 'with a comma-separated list of ' : ''}${known.join(o.list ? ', ' : '|')} (the environments of todoctl.yaml).`,
    });
  }
  if (!o.list && names.length > 1) {
    throw new UsageError(`--env takes one environment here, not ${JSON.stringify(value)}`, {
      hint: `Use --env ${known.join('|')}.`,
    });
  }
  return names as Environment[];
}

/** A chart's values file for an environment, relative to the chart: environments.<env>.valuesFile, else values-<env>.yaml. */
export function envValuesFileOf(config: TodoctlConfig, env: Environment): string {
  return config.environments[env]?.valuesFile ?? `values-${env}.yaml`;
}

/** The release todoctl.yaml deploys from the chart in `chartDir` (relative to `root`), if any. */
export function releaseOfChart(config: TodoctlConfig, root: string, chartDir: string) {
  const wanted = path.resolve(root, chartDir);
  return config.releases.find((r) => path.resolve(root, r.chart) === wanted);
}

/**
 * The release name and namespace a chart is deployed with in an environment: the release's
 * name and fixed namespace from todoctl.yaml, else the chart's name and the environment's namespace.
 */
export function renderTargetOf(config: TodoctlConfig, root: string) {
  const environments = environmentsOf(config);
  return (chart: { name: string; dir: string }, env: Environment): { release: string; namespace: string } => {
    const release = releaseOfChart(config, root, chart.dir);
    const settings = environments.get(env);
    if (!release?.namespace && !settings) throw new UsageError(`environment ${env} is not defined in todoctl.yaml`);
    const namespace = release?.namespace ?? settings!.namespace;
    return { release: release?.name ?? chart.name, namespace };
  };
}

/**
 * A chart's values for an environment as helm merges them: values.yaml, then values-<env>.yaml
 * over it (maps merge key by key, anything else is replaced).
 */
export async function chartValues(root: string, chartDir: string, env: Environment): Promise<Record<string, unknown>> {
  const [{ readFile }, { parse }] = await Promise.all([import('node:fs/promises'), import('./runtime/yaml.js')]);
  const read = async (file: string) => {
    try {
      return (parse(await readFile(path.join(root, chartDir, file), 'utf8')) ?? {}) as Record<string, unknown>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new UsageError(`cannot read ${path.join(chartDir, file)}: ${(error as Error).message}`, {
        hint: `Fix the YAML of ${path.join(chartDir, file)}; todoctl validate names the line.`,
      });
    }
  };
  return mergeValues(await read('values.yaml'), await read(`values-${env}.yaml`));
}

function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return out;
}

/** A YAML mapping (not a list, not a scalar). */
export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
