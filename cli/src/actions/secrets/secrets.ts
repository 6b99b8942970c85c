/**
 * `todoctl secrets list|set|rotate`: the Secrets the releases read, by name and key only. `set`
 * and `rotate` write one variable's key and restart the workloads that read it, with no image
 * rebuild and no chart re-install (constitution III). Values come from the environment, the
 * project's .env or a prompt, never from argv, and are never printed.
 */
import { shortRunGoEnv } from '../../clients/go-env.js';
import type { KubectlClient } from '../../clients/kubectl.js';
import type { Deps } from '../../deps.js';
import { UsageError } from '../../runtime/errors.js';
import { restartWorkloads } from '../up/up.js';
import {
  applySecrets,
  existingData,
  planSecrets,
  readDotenv,
  RULES,
  secretSpecs,
  type SecretPlan,
  type ValueSource,
} from './plan.js';

export interface SecretListing {
  release: string;
  name: string;
  namespace: string;
  exists: boolean;
  keys: { key: string; variable: string; present: boolean }[];
}

export interface SecretChange {
  variable: string;
  secret: string;
  namespace: string;
  source: ValueSource;
  /** Deployments restarted so their pods read the new value. */
  restarted: string[];
}

async function context(deps: Deps) {
  const [{ config }, root] = await Promise.all([deps.config(), deps.root()]);
  const env = await deps.environment();
  const kubectl = (await deps.kubectl()).withEnv(shortRunGoEnv(deps.env));
  return { config, root, env, kubectl };
}

export async function listSecrets(deps: Deps): Promise<SecretListing[]> {
  const { config, root, env, kubectl } = await context(deps);
  const specs = await secretSpecs(config, root, env);
  return Promise.all(
    specs.map(async (spec) => {
      const data = await existingData(kubectl.inNamespace(spec.namespace), spec.name);
      return {
        release: spec.release,
        name: spec.name,
        namespace: spec.namespace,
        exists: data !== null,
        keys: Object.entries(spec.keys).map(([key, variable]) => ({ key, variable, present: data?.[key] !== undefined })),
      };
    }),
  );
}

/**
 * Writes a new value of `variable` into the Secret that holds it and restarts the workloads of
 * the release that reads it. `rotate` makes a new random value where todoctl can (the JWT
 * secret); any other variable needs its new value in the environment, .env or a prompt.
 */
export async function changeSecret(deps: Deps, variable: string, mode: 'set' | 'rotate', timeout: string): Promise<SecretChange> {
  const { config, root, env, kubectl } = await context(deps);
  const specs = await secretSpecs(config, root, env);
  const spec = specs.find((s) => Object.values(s.keys).includes(variable));
  if (!spec) {
    const known = [...new Set(specs.flatMap((s) => Object.values(s.keys)))].join(', ');
    throw new UsageError(`no Secret of ${env} holds ${variable}`, {
      hint: `The variables in ${env}'s Secrets: ${known || 'none'}.`,
    });
  }
  const value = await newValue(deps, { variable, mode, root, kubectl: kubectl.inNamespace(spec.namespace), spec });
  const { plans, values } = await planSecrets({
    config,
    root,
    env,
    processEnv: deps.env,
    kubectl,
    prompts: deps.prompts,
    interactive: deps.io.interactive,
    overrides: { [variable]: value },
  });
  const plan = plans.find((p) => p.name === spec.name && p.namespace === spec.namespace) as SecretPlan;
  // only the Secret that holds the variable is written
  await applySecrets(kubectl, [plan], values);
  const restarted = plan.changed ? await restartWorkloads(kubectl.inNamespace(spec.namespace), spec.release, timeout) : [];
  return { variable, secret: spec.name, namespace: spec.namespace, source: value.source, restarted };
}

async function newValue(
  deps: Deps,
  o: {
    variable: string;
    mode: 'set' | 'rotate';
    root: string;
    kubectl: KubectlClient;
    spec: { name: string; keys: Record<string, string> };
  },
): Promise<{ value: string; source: ValueSource }> {
  const rule = RULES[o.variable];
  if (o.mode === 'rotate' && rule?.rotate) return { value: rule.rotate(), source: 'rotated' };
  const fromEnv = deps.env[o.variable];
  const dotenv = await readDotenv(o.root);
  const provided: { value: string; source: ValueSource } | undefined =
    fromEnv !== undefined && fromEnv !== ''
      ? { value: fromEnv, source: 'environment' }
      : dotenv[o.variable]
        ? { value: dotenv[o.variable]!, source: '.env' }
        : deps.io.interactive
          ? { value: await deps.prompts.secret(`new ${o.variable}`), source: 'prompt' }
          : undefined;
  if (!provided) {
    throw new UsageError(`${o.variable} needs a new value and none was given`, {
      hint: `Set ${o.variable} in the environment or in the project .env (never on the command line), or run at a terminal to be asked.`,
    });
  }
  if (o.mode === 'rotate') {
    const key = Object.entries(o.spec.keys).find(([, v]) => v === o.variable)![0];
    const current = await existingData(o.kubectl, o.spec.name);
    if (current?.[key] === provided.value) {
      throw new UsageError(`the value of ${o.variable} given (${provided.source}) is the one in use; rotating needs a new one`);
    }
  }
  return provided;
}
