import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../../test/helpers/fake-runner.js';
import { KubectlClient } from '../../clients/kubectl.js';
import { defaultConfig } from '../../config.js';
import { UsageError } from '../../runtime/errors.js';
import { createPrompts } from '../../runtime/prompts.js';
import { applySecrets, planSecrets } from './plan.js';

/** The repository itself: its charts name the Secrets (existingSecret, secretKeys). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** kubectl answering `get secret` from `existing` (name -> data), empty for any other Secret. */
function cluster(existing: Record<string, Record<string, string>> = {}) {
  const runner = new FakeRunner().on('kubectl', ['get', 'secret'], (args) => {
    const data = existing[args[2]!];
    return {
      stdout: data ? JSON.stringify({ data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) }) : '',
    };
  });
  return { runner, kubectl: new KubectlClient(runner) };
}

const input = (kubectl: KubectlClient, env: 'dev' | 'staging', processEnv: Record<string, string> = {}) => ({
  config: defaultConfig(),
  root: ROOT,
  env,
  processEnv,
  kubectl,
  prompts: createPrompts({ yes: false, interactive: false }),
  interactive: false,
});

describe('planSecrets', () => {
  it('in dev makes what is missing once: a JWT secret, the database password, and the URL built from it', async () => {
    const { kubectl } = cluster();
    const { plans, values } = await planSecrets(input(kubectl, 'dev'));
    const backend = plans.find((p) => p.name === 'todo-backend-secrets')!;
    expect(backend).toMatchObject({ namespace: 'todo-dev', release: 'todo-backend', changed: true });
    expect(Object.fromEntries(backend.keys.map((k) => [k.variable, k.source]))).toEqual({
      BACKEND_DATABASE_URL: 'generated',
      BACKEND_JWT_SECRET: 'generated',
      BACKEND_OPENAI_API_KEY: 'empty',
    });
    const db = plans.find((p) => p.name === 'todo-postgresql')!;
    const password = values.get(db)!.password!;
    expect(password.length).toBeGreaterThanOrEqual(24);
    const data = values.get(backend)!;
    expect(data['database-url']).toBe(
      `postgresql://todo:${encodeURIComponent(password)}@todo-infrastructure-postgresql.todo-dev.svc.cluster.local:5432/todo`,
    );
    expect(data['jwt-secret']!.length).toBeGreaterThanOrEqual(32);
    // a plan is safe to print: no value is in it
    expect(JSON.stringify(plans)).not.toContain(data['jwt-secret']);
    expect(JSON.stringify(plans)).not.toContain(password);
  });

  it('keeps the values the cluster has, so a second run changes nothing', async () => {
    const { kubectl } = cluster({
      'todo-backend-secrets': { 'database-url': 'postgresql://u:p@db/todo', 'jwt-secret': 'j'.repeat(40), 'openai-api-key': '' },
      'todo-postgresql': { password: 'p'.repeat(24) },
    });
    const { plans } = await planSecrets(input(kubectl, 'dev'));
    expect(plans.map((p) => p.changed)).toEqual([false, false]);
    expect(plans.flatMap((p) => p.keys.map((k) => k.source))).toEqual(['cluster', 'cluster', 'cluster', 'cluster']);
  });

  it('takes the environment over the cluster, and names an invalid value without showing it', async () => {
    const { kubectl } = cluster({ 'todo-backend-secrets': { 'jwt-secret': 'j'.repeat(40) } });
    const { plans } = await planSecrets(input(kubectl, 'dev', { BACKEND_OPENAI_API_KEY: 'sk-from-env' }));
    const key = plans[0]!.keys.find((k) => k.variable === 'BACKEND_OPENAI_API_KEY');
    expect(key?.source).toBe('environment');
    const error = await planSecrets(input(kubectl, 'dev', { BACKEND_JWT_SECRET: 'too-short-secret' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toBe('BACKEND_JWT_SECRET (environment) is invalid: must be at least 32 characters');
    expect((error as UsageError).message).not.toContain('too-short-secret');
  });

  it('in staging fails on a missing required secret, naming it and how to give it, without asking', async () => {
    const { kubectl } = cluster();
    const error = await planSecrets(input(kubectl, 'staging')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toMatch(
      /^BACKEND_(DATABASE_URL|JWT_SECRET) is required in staging and was not provided$/,
    );
    expect((error as UsageError).hint).toContain('.env');
  });

  it('writes changed Secrets through stdin, never argv', async () => {
    const { runner, kubectl } = cluster();
    runner.on('kubectl', ['apply'], {});
    const { plans, values } = await planSecrets(input(kubectl, 'dev', { BACKEND_OPENAI_API_KEY: 'sk-canary-123' }));
    await applySecrets(kubectl, plans, values);
    const apply = runner.calls.find((c) => c.args[0] === 'apply')!;
    expect(apply.args.join(' ')).not.toContain('sk-canary-123');
    const list = JSON.parse(apply.options!.input!) as { items: { metadata: { name: string }; data: Record<string, string> }[] };
    const secret = list.items.find((i) => i.metadata.name === 'todo-backend-secrets')!;
    expect(Buffer.from(secret.data['openai-api-key']!, 'base64').toString()).toBe('sk-canary-123');
  });
});
