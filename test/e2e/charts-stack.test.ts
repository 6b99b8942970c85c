/**
 * The whole stack as the README installs it: todo-infrastructure (namespaces under PSA
 * restricted, quotas, default-deny, admission policies in Deny mode, dev PostgreSQL), then the
 * backend and frontend into todo-dev. The admission policies must admit the charts' own objects
 * and refuse a non-compliant one with the rule id in the message.
 */
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, testKubeconfig, tool } from '../support/cluster.js';

const kubeconfig = testKubeconfig();

function run(bin: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(bin, args, { maxBuffer: 20 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}
const kubectl = (args: string[], input?: string) => run(tool('kubectl'), ['--kubeconfig', kubeconfig, ...args], input);
const helm = (args: string[]) => run(tool('helm'), ['--kubeconfig', kubeconfig, ...args]);
const chart = (name: string) => [`${repoRoot}/charts/${name}`, '-f', `${repoRoot}/charts/${name}/values-dev.yaml`];

afterAll(async () => {
  await helm(['uninstall', 'todo-frontend', '-n', 'todo-dev', '--wait']);
  await helm(['uninstall', 'todo-backend', '-n', 'todo-dev', '--wait']);
  await helm(['uninstall', 'todo-infrastructure', '-n', 'default', '--wait']);
  // helm keeps the namespaces (helm.sh/resource-policy: keep); this test created them.
  await kubectl([
    'delete',
    'namespace',
    'todo-dev',
    'todo-staging',
    'todo-prod',
    'todo-system',
    '--ignore-not-found',
    '--wait=false',
  ]);
}, 180_000);

describe('the full stack on the test cluster (dev values)', () => {
  it('installs todo-infrastructure: namespaces labelled restricted, each with quota and limits', async () => {
    const install = await helm([
      'upgrade',
      '--install',
      'todo-infrastructure',
      ...chart('todo-infrastructure'),
      '-n',
      'default',
      '--wait',
      '--timeout',
      '3m',
    ]);
    expect(install.code, install.stderr).toBe(0);
    for (const ns of ['todo-dev', 'todo-staging', 'todo-prod', 'todo-system']) {
      const { stdout } = await kubectl([
        'get',
        'namespace',
        ns,
        '-o',
        'jsonpath={.metadata.labels.pod-security\\.kubernetes\\.io/enforce}',
      ]);
      expect(stdout, ns).toBe('restricted');
      const quota = await kubectl(['get', 'resourcequota,limitrange', '-n', ns, '-o', 'name']);
      expect(quota.stdout.split('\n').filter(Boolean).sort(), ns).toEqual(['limitrange/todo-limits', 'resourcequota/todo-quota']);
    }
    const postgres = await kubectl([
      'get',
      'statefulset',
      '-n',
      'todo-dev',
      '-l',
      'app.kubernetes.io/component=database',
      '-o',
      'jsonpath={.items[0].status.readyReplicas}',
    ]);
    expect(postgres.stdout).toBe('1');
  }, 240_000);

  it('installs the backend and frontend into todo-dev under the Deny admission policies', async () => {
    for (const name of ['todo-backend', 'todo-frontend']) {
      const install = await helm(['upgrade', '--install', name, ...chart(name), '-n', 'todo-dev', '--wait', '--timeout', '3m']);
      expect(install.code, `${name}: ${install.stderr}`).toBe(0);
    }
    const pods = await kubectl(['get', 'pods', '-n', 'todo-dev', '-o', 'json']);
    const items = (
      JSON.parse(pods.stdout) as {
        items: { metadata: { name: string }; status: { conditions?: { type: string; status: string }[] } }[];
      }
    ).items;
    expect(items.length).toBeGreaterThanOrEqual(3);
    const notReady = items
      .filter((p) => !p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      .map((p) => p.metadata.name);
    expect(notReady).toEqual([]);
  }, 240_000);

  it('refuses a non-compliant Deployment in todo-dev, naming the rule', async () => {
    const bad = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'hand-made' },
      spec: {
        selector: { matchLabels: { app: 'hand-made' } },
        template: {
          metadata: { labels: { app: 'hand-made' } },
          spec: { containers: [{ name: 'app', image: 'todo-backend:latest' }] },
        },
      },
    };
    const result = await kubectl(['create', '--dry-run=server', '-n', 'todo-dev', '-f', '-'], JSON.stringify(bad));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ValidatingAdmissionPolicy 'todo-k8s-\d{3}'/);
    expect(result.stderr).toMatch(/TODO-K8S-\d{3}: /);
  }, 60_000);
});
