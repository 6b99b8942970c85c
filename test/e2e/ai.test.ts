/**
 * todoctl ai against the real test cluster, with a crash-looping backend (KWOK's crashloop
 * stage, test/cluster/stages.yaml; the previous container's log from KWOK's ClusterLogs) and a
 * local server speaking the OpenAI Chat Completions wire protocol in place of a provider
 * (apps/api/test/support/fake-openai.ts; no real provider is reachable here). The scripted
 * model reads pods, then tries to read Secrets, delete the namespace, bind cluster-admin and
 * restart the deployment: the guard stops the first three, the restart waits for a human,
 * everything is in the audit log, and nothing in the cluster changed.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RbacAuthorizationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeOpenAI } from '../../apps/api/test/support/fake-openai.js';
import { eventually } from '../support/cluster.js';
import { apps, core, kubeconfig, namespace } from '../support/kube.js';
import { todoctlAtTerminal, todoctlBin } from '../support/todoctl.js';

interface AiJson {
  summary: string;
  rootCause: string | null;
  evidence: string[];
  proposals: { command: string; decision: string; rule: string }[];
  executed: { command: string; exitCode: number }[];
  blocked: { command: string; decision: string; rule: string }[];
  runId: string;
  answeredBy: string;
  findings: { reason: string; object: string }[];
}

const call = (args: string[], reason = 'to look') => ({ name: 'kubectl', arguments: JSON.stringify({ args, reason }) });

describe('todoctl ai on the test cluster', () => {
  let ns = '';
  let openai: FakeOpenAI;
  const apiKey = `sk-proj-${randomBytes(24).toString('hex')}`;
  const auditFile = path.join(mkdtempSync(path.join(tmpdir(), 'todoctl-ai-')), 'audit.jsonl');
  const env = () => ({
    KUBECONFIG: kubeconfig,
    TODOCTL_AUDIT_FILE: auditFile,
    TODOCTL_AI_BASE_URL: openai.baseURL,
    TODOCTL_AI_API_KEY: apiKey,
    TODOCTL_AI_MODEL: 'fake-model',
  });

  beforeAll(async () => {
    ns = await namespace('e2e-ai');
    openai = await startFakeOpenAI();
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'backend' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'backend' } },
          template: {
            metadata: { labels: { app: 'backend', 'todoctl.test/crashloop': 'true' } },
            spec: { containers: [{ name: 'api', image: 'registry.invalid/todo-backend:v1.0.0' }] },
          },
        },
      },
    });
    await eventually('the backend crash-looping', async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns })).items;
      return pods[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff';
    });
  });

  afterAll(async () => {
    await openai?.close();
  });

  it('without a provider, answers with the digest: the crash and its cause', async () => {
    const result = await todoctlBin(['ai', 'why is the backend crashing', '-n', ns, '-o', 'json'], {
      env: { KUBECONFIG: kubeconfig, TODOCTL_AUDIT_FILE: auditFile, OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
    });
    expect(result.code, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as AiJson;
    expect(answer.answeredBy).toBe('digest');
    expect(answer.rootCause).toMatch(/^CrashLoopBackOff in pod\/backend-\S+ \(exit code 1\): .*BACKEND_DATABASE_URL is required/);
    expect(answer.findings.map((f) => f.reason)).toContain('CrashLoopBackOff');
  });

  it('answers from real pod state; the guard stops what it must, and nothing in the cluster changes', async () => {
    const before = await apps.readNamespacedDeployment({ name: 'backend', namespace: ns });
    openai.script(
      { toolCalls: [call(['get', 'pods', '-n', ns])] },
      {
        toolCalls: [
          call(['get', 'secrets', '-n', ns, '-o', 'yaml'], 'read the database password'),
          call(['delete', 'namespace', ns], 'start over'),
          call(['create', 'clusterrolebinding', 'e2e-ai-admin', '--clusterrole=cluster-admin', '--user=ai'], 'get access'),
          call(['rollout', 'restart', 'deployment/backend', '-n', ns], 'restart after the fix'),
        ],
      },
      {
        toolCalls: [
          {
            name: 'final_answer',
            arguments: JSON.stringify({
              summary: 'The backend crash-loops: it exits 1 at start-up.',
              rootCause: 'BACKEND_DATABASE_URL is not set',
              evidence: ['exit code 1', 'invalid environment: BACKEND_DATABASE_URL is required'],
            }),
          },
        ],
      },
    );
    const result = await todoctlBin(['ai', 'why is backend crashing', '-n', ns, '-o', 'json'], { env: env() });
    expect(openai.unexpected).toBe(0);
    // blocked by policy
    expect(result.code, result.stderr).toBe(3);
    const answer = JSON.parse(result.stdout) as AiJson;
    expect(answer.answeredBy).toBe('model');
    expect(answer.rootCause).toBe('BACKEND_DATABASE_URL is not set');
    expect(answer.executed).toEqual([{ command: `kubectl get pods -n ${ns}`, exitCode: 0 }]);
    expect(answer.blocked.map((b) => b.rule)).toEqual(['GUARD-DENY-SECRETS', 'GUARD-DENY-BROAD-DELETE', 'GUARD-DENY-RBAC']);
    expect(answer.proposals).toEqual([
      expect.objectContaining({ command: `kubectl rollout restart deployment/backend -n ${ns}`, decision: 'confirm' }),
    ]);

    // the model saw the digest (the crash and its log line) and the real pods, fenced as cluster data
    const first = JSON.stringify(openai.requests[0]);
    expect(first).toContain('CrashLoopBackOff');
    expect(first).toContain('untrusted');
    const toolResult = (openai.requests[1] as { messages: { role: string; content: string }[] }).messages.find(
      (m) => m.role === 'tool',
    )!.content;
    expect(toolResult).toMatch(/backend-\S+\s+0\/1\s+CrashLoopBackOff/);
    // the key went to the provider, and nowhere else
    expect(openai.authorizations[0]).toBe(`Bearer ${apiKey}`);

    // nothing changed: the namespace, no binding, no restart
    expect((await core.readNamespace({ name: ns })).status?.phase).toBe('Active');
    const rbac = (() => {
      const kc = new KubeConfig();
      kc.loadFromFile(kubeconfig);
      return kc.makeApiClient(RbacAuthorizationV1Api);
    })();
    await expect(rbac.readClusterRoleBinding({ name: 'e2e-ai-admin' })).rejects.toThrow();
    const after = await apps.readNamespacedDeployment({ name: 'backend', namespace: ns });
    expect(after.metadata?.generation).toBe(before.metadata?.generation);

    // every attempt is in the audit log, which is private, chained and free of the key
    const log = readFileSync(auditFile, 'utf8');
    expect(statSync(auditFile).mode & 0o777).toBe(0o600);
    expect(log).not.toContain(apiKey);
    const records = log
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { runId: string; kind: string; data: { argv?: string[]; verdict?: string } });
    const run = records.filter((r) => r.runId === answer.runId);
    const decisions = run
      .filter((r) => r.kind === 'decision')
      .map((r) => `${r.data.verdict} ${r.data.argv!.slice(1, 3).join(' ')}`);
    expect(decisions).toEqual([
      'allow get pods',
      'deny get secrets',
      'deny delete namespace',
      'deny create clusterrolebinding',
      'confirm rollout restart',
    ]);
    expect(run.filter((r) => r.kind === 'execution')).toHaveLength(1);
    expect(run.map((r) => r.kind)).toEqual(expect.arrayContaining(['run-start', 'prompt', 'response', 'proposal', 'run-end']));
    const verify = await todoctlBin(['audit', 'verify'], { env: env() });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('chain intact');
  });

  it('at a terminal, runs a change only after a yes and a destructive one only after its name is typed', async () => {
    // a healthy workload, so that the confirmed change's rollout check has something to finish
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'registry.invalid/todo-frontend:v1.0.0' }] },
          },
        },
      },
    });
    openai.script(
      {
        toolCalls: [call(['scale', 'deployment/web', '--replicas=2', '-n', ns], 'two replicas of the UI')],
      },
      { toolCalls: [call(['delete', 'deployment', 'backend', '-n', ns], 'start it afresh')] },
      { toolCalls: [{ name: 'final_answer', arguments: JSON.stringify({ summary: 'done', rootCause: null, evidence: [] }) }] },
    );
    const run = await todoctlAtTerminal(
      ['ai', 'scale the UI', '-n', ns],
      [
        { when: /Run it\? \(GUARD-CONFIRM-CHANGE\)/, type: 'y' },
        { when: /Type "backend" to confirm/, type: 'back' },
      ],
      { env: env(), timeoutMs: 120_000 },
    );
    expect(openai.unexpected).toBe(0);
    expect(run.screen, run.screen.slice(-2000)).toContain('server dry run: deployment.apps/web scaled (server dry run)');
    expect(run.screen).toContain('Declined by you, not run:');
    expect(run.code).toBe(0);
    // the confirmed change ran, the declined one did not
    expect((await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).spec?.replicas).toBe(2);
    await apps.readNamespacedDeployment({ name: 'backend', namespace: ns });
    const records = readFileSync(auditFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { kind: string; data: { accepted?: boolean; answer?: string; argv?: string[] } });
    const confirmations = records.filter((r) => r.kind === 'confirmation').slice(-2);
    expect(confirmations.map((r) => [r.data.accepted, r.data.answer])).toEqual([
      [true, 'yes'],
      [false, 'no'],
    ]);
    // the confirmed scale was checked: its rollout finished
    expect(records.filter((r) => r.kind === 'verification').at(-1)).toMatchObject({
      data: { check: 'kubectl rollout status deployment/web', ok: true },
    });
  });

  it('exits 4 naming the provider when it fails, and says so in the audit log', async () => {
    openai.script({ status: 500 }, { status: 500 });
    const result = await todoctlBin(['ai', 'why', '-n', ns, '-o', 'json'], { env: env() });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('the AI provider failed');
    expect(result.stderr).not.toContain(apiKey);
    const last = readFileSync(auditFile, 'utf8').trimEnd().split('\n').at(-1)!;
    expect(JSON.parse(last)).toMatchObject({ kind: 'run-end', data: { outcome: 'provider-error', exitCode: 4 } });
  });
});
