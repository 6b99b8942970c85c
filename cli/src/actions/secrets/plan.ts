/**
 * The Secrets a deployment needs, and where each value comes from. The charts name their Secret
 * and map each key to the app's own variable (`existingSecret`, `secretKeys`); todoctl fills
 * the keys from those variables and writes the Secret through the Kubernetes API (stdin, never
 * argv, values or a Helm release). A value is never printed, logged or put in a result: the
 * plan carries where a value came from, not the value.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseEnv } from 'node:util';
import type { KubectlClient } from '../../clients/kubectl.js';
import type { Environment, TodoctlConfig } from '../../config.js';
import { chartValues, environmentsOf } from '../../project.js';
import { UsageError } from '../../runtime/errors.js';
import type { Prompts } from '../../runtime/prompts.js';
import { z } from '../../runtime/schema.js';

/** Where a key's value came from. */
export type ValueSource = 'environment' | '.env' | 'cluster' | 'generated' | 'prompt' | 'empty' | 'rotated';

export interface SecretKeyPlan {
  key: string;
  /** The app's variable the key is read into (BACKEND_JWT_SECRET, ...). */
  variable: string;
  source: ValueSource;
}

/** A Secret a release reads: its name and namespace, and the variable behind each key. */
export interface SecretSpec {
  release: string;
  name: string;
  namespace: string;
  /** key -> variable */
  keys: Record<string, string>;
}

export interface SecretPlan {
  /** The release whose workloads read the Secret. */
  release: string;
  name: string;
  namespace: string;
  keys: SecretKeyPlan[];
  /** The Secret does not exist yet, or a key's value differs from the cluster's. */
  changed: boolean;
}

/** The values, kept apart from the plan so that nothing that prints a plan can print one. */
export type SecretValues = Map<SecretPlan, Record<string, string>>;

export interface VariableRule {
  schema: z.ZodMiniType<string>;
  /** Empty is allowed (the app treats it as unset). */
  optional?: boolean;
  /** What dev uses when nothing provides a value: made once, then kept in the cluster. */
  devDefault?: (facts: DevFacts) => string | undefined;
  /** A new random value for `secrets rotate`; absent where a new value must come from the person. */
  rotate?: () => string;
}

interface DevFacts {
  /** The dev PostgreSQL the infrastructure chart runs, when it runs one. */
  postgres?: { host: string; user: string; database: string; password: string | undefined };
}

const secret = (bytes: number) => randomBytes(bytes).toString('base64url');

/** What todoctl knows of the apps' secret variables; any other variable is required and non-empty. */
export const RULES: Record<string, VariableRule> = {
  BACKEND_JWT_SECRET: {
    schema: z.string().check(z.minLength(32, 'must be at least 32 characters')),
    devDefault: () => secret(48),
    rotate: () => secret(48),
  },
  BACKEND_DATABASE_URL: {
    schema: z.string().check(z.regex(/^postgres(ql)?:\/\/[^\s]+$/, 'must be a postgres:// or postgresql:// URL')),
    devDefault: ({ postgres }) =>
      postgres?.password
        ? `postgresql://${postgres.user}:${encodeURIComponent(postgres.password)}@${postgres.host}:5432/${postgres.database}`
        : undefined,
  },
  BACKEND_OPENAI_API_KEY: { schema: z.string(), optional: true },
  POSTGRESQL_PASSWORD: {
    schema: z.string().check(z.minLength(12, 'must be at least 12 characters')),
    devDefault: () => secret(24),
  },
};
const anyValue: VariableRule = { schema: z.string().check(z.minLength(1, 'must not be empty')) };

/** The Secrets the releases of todoctl.yaml read in `env`, from their charts' values. */
export async function secretSpecs(config: TodoctlConfig, root: string, env: Environment): Promise<SecretSpec[]> {
  const namespace = environmentsOf(config).get(env)?.namespace;
  if (!namespace) throw new UsageError(`environment ${env} is not defined in todoctl.yaml`);
  const specs: SecretSpec[] = [];
  for (const release of config.releases) {
    const values = await chartValues(root, release.chart, env);
    for (const secret of secretsOfValues(values, { release: release.namespace ?? namespace, env: namespace })) {
      if (Object.keys(secret.keys).length > 0) specs.push({ release: release.name, ...secret });
    }
  }
  return specs;
}

/**
 * The Secrets a chart's values name, with the variable behind each key: an app chart's
 * `existingSecret` and `secretKeys` (variable -> key), in the release's namespace, and the
 * infrastructure chart's dev PostgreSQL (`postgresql.{enabled, existingSecret, passwordKey,
 * namespace}`), in its own namespace or the environment's.
 */
export function secretsOfValues(
  values: Record<string, unknown>,
  namespaces: { release: string; env: string },
): { name: string; namespace: string; keys: Record<string, string> }[] {
  const found: { name: string; namespace: string; keys: Record<string, string> }[] = [];
  if (typeof values.existingSecret === 'string' && values.existingSecret) {
    const keys = isStringMap(values.secretKeys) ? values.secretKeys : {};
    found.push({
      name: values.existingSecret,
      namespace: namespaces.release,
      keys: Object.fromEntries(Object.entries(keys).map(([variable, key]) => [key, variable])),
    });
  }
  const pg = values.postgresql as Record<string, unknown> | undefined;
  if (pg?.enabled === true && typeof pg.existingSecret === 'string') {
    found.push({
      name: pg.existingSecret,
      namespace: typeof pg.namespace === 'string' ? pg.namespace : namespaces.env,
      keys: { [typeof pg.passwordKey === 'string' ? pg.passwordKey : 'password']: 'POSTGRESQL_PASSWORD' },
    });
  }
  return found;
}

export interface PlanInput {
  config: TodoctlConfig;
  root: string;
  env: Environment;
  /** The process environment (variables win over .env). */
  processEnv: Readonly<Record<string, string | undefined>>;
  kubectl: KubectlClient;
  prompts: Prompts;
  /** Ask for a missing required value when a person is at the terminal. */
  interactive: boolean;
  /** Values that win over every other source (`secrets set`, `secrets rotate`). */
  overrides?: Readonly<Record<string, { value: string; source: ValueSource }>>;
}

/**
 * Resolves every key: the process environment, then the project's .env, then the value the
 * cluster already has (so a second run changes nothing), then in dev a generated value, then
 * a prompt at a terminal. A required value that is still missing, or one that is invalid, is a
 * UsageError naming the variable and how to provide it.
 */
export async function planSecrets(input: PlanInput): Promise<{ plans: SecretPlan[]; values: SecretValues }> {
  const specs = await secretSpecs(input.config, input.root, input.env);
  const dotenv = await readDotenv(input.root);
  const existing = await Promise.all(specs.map((s) => existingData(input.kubectl.inNamespace(s.namespace), s.name)));
  // resolved in order: the PostgreSQL password first, since dev's database URL is built from it
  const order = specs.map((_, i) => i).sort((a, b) => rank(specs[b]!) - rank(specs[a]!));
  const resolved: { plan: SecretPlan; values: Record<string, string> }[] = new Array(specs.length);
  const facts: DevFacts = {};
  for (const i of order) {
    const spec = specs[i]!;
    const current = existing[i] ?? null;
    const values: Record<string, string> = {};
    const keys: SecretKeyPlan[] = [];
    for (const [key, variable] of Object.entries(spec.keys)) {
      const rule = RULES[variable] ?? anyValue;
      const found = await resolveValue({ variable, rule, key, current, dotenv, facts, input });
      const checked = rule.schema.safeParse(found.value);
      if (!checked.success && !(rule.optional && found.value === '')) {
        throw new UsageError(`${variable} (${found.source}) is invalid: ${checked.error?.issues[0]?.message ?? 'bad value'}`, {
          hint: `Set ${variable} to a valid value in the environment or in ${path.join(input.root, '.env')}.`,
        });
      }
      values[key] = found.value;
      keys.push({ key, variable, source: found.source });
    }
    const passwordKey = Object.entries(spec.keys).find(([, v]) => v === 'POSTGRESQL_PASSWORD')?.[0];
    if (passwordKey) {
      const infra = input.config.releases.find((r) => r.name === spec.release);
      facts.postgres = {
        host: `${infra?.name ?? spec.release}-postgresql.${spec.namespace}.svc.cluster.local`,
        user: 'todo',
        database: 'todo',
        password: values[passwordKey],
      };
    }
    const changed = !current || Object.entries(values).some(([k, v]) => current[k] !== v);
    resolved[i] = { plan: { release: spec.release, name: spec.name, namespace: spec.namespace, keys, changed }, values };
  }
  const plans = resolved.map((r) => r.plan);
  return { plans, values: new Map(resolved.map((r) => [r.plan, r.values])) };
}

/** The PostgreSQL password resolves before the URLs that embed it. */
function rank(spec: SecretSpec): number {
  return Object.values(spec.keys).includes('POSTGRESQL_PASSWORD') ? 1 : 0;
}

async function resolveValue(o: {
  variable: string;
  rule: VariableRule;
  key: string;
  current: Record<string, string> | null;
  dotenv: Record<string, string>;
  facts: DevFacts;
  input: PlanInput;
}): Promise<{ value: string; source: ValueSource }> {
  const { variable, rule, key, current, dotenv, facts, input } = o;
  const override = input.overrides?.[variable];
  if (override) return override;
  const fromEnv = input.processEnv[variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: 'environment' };
  if (dotenv[variable] !== undefined && dotenv[variable] !== '') return { value: dotenv[variable], source: '.env' };
  if (current?.[key] !== undefined && (current[key] !== '' || rule.optional)) return { value: current[key], source: 'cluster' };
  if (input.env === 'dev') {
    const generated = rule.devDefault?.(facts);
    if (generated !== undefined) return { value: generated, source: 'generated' };
  }
  if (rule.optional) return { value: '', source: 'empty' };
  if (input.interactive) {
    const value = await input.prompts.secret(`${variable} for ${input.env}`);
    return { value, source: 'prompt' };
  }
  throw new UsageError(`${variable} is required in ${input.env} and was not provided`, {
    hint: `Set ${variable} in the environment or in ${path.join(input.root, '.env')} (never in a chart's values), or run at a terminal to be asked.`,
  });
}

/** A Secret's data as text, or null when it does not exist. Values stay in memory, never printed. */
export async function existingData(kubectl: KubectlClient, name: string): Promise<Record<string, string> | null> {
  const object = await kubectl.getIfExists<{ data?: Record<string, string> }>('secret', name);
  if (!object) return null;
  return Object.fromEntries(Object.entries(object.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

/** The project's .env (local development only; it is gitignored, constitution III). */
export async function readDotenv(root: string): Promise<Record<string, string>> {
  try {
    return parseEnv(await readFile(path.join(root, '.env'), 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new UsageError(`cannot read ${path.join(root, '.env')}: ${(error as Error).message}`);
  }
}

/** Writes the Secrets whose plan changed, server-side, through stdin. */
export async function applySecrets(kubectl: KubectlClient, plans: readonly SecretPlan[], values: SecretValues): Promise<void> {
  const changed = plans.filter((p) => p.changed);
  if (changed.length === 0) return;
  await kubectl.apply(
    changed.map((plan) => ({
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: {
        name: plan.name,
        namespace: plan.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'todoctl', 'app.kubernetes.io/part-of': 'todo' },
      },
      data: Object.fromEntries(Object.entries(values.get(plan) ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
    })),
  );
}

function isStringMap(v: unknown): v is Record<string, string> {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}
