/**
 * The charts install on the real API server: pods pass Pod Security Admission `restricted`,
 * fit a ResourceQuota and LimitRange and become Ready (KWOK plays the kubelet), and `helm test`
 * passes (the test cluster's stages run helm.sh/hook=test pods to completion).
 * Installed into a throwaway namespace so other tests are not affected.
 */
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, testKubeconfig, tool, uniqueName } from '../support/cluster.js';

const kubeconfig = testKubeconfig();
const namespace = uniqueName('charts');

function run(bin: string, args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      bin,
      args,
      { maxBuffer: 20 * 1024 * 1024, env: { ...process.env, KUBECONFIG: kubeconfig } },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}
const kubectl = (args: string[], input?: string) => run(tool('kubectl'), ['--kubeconfig', kubeconfig, ...args], input);
const helm = (args: string[]) => run(tool('helm'), ['--kubeconfig', kubeconfig, ...args]);

beforeAll(async () => {
  const manifest = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: namespace,
          labels: { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'todo-quota', namespace },
        spec: {
          hard: {
            'requests.cpu': '4',
            'requests.memory': '8Gi',
            'limits.cpu': '8',
            'limits.memory': '16Gi',
            pods: '50',
            'services.loadbalancers': '0',
            'services.nodeports': '0',
          },
        },
      },
      {
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'todo-limits', namespace },
        spec: {
          limits: [
            {
              type: 'Container',
              default: { cpu: '500m', memory: '512Mi' },
              defaultRequest: { cpu: '100m', memory: '128Mi' },
              max: { cpu: '2', memory: '4Gi' },
            },
          ],
        },
      },
    ],
  };
  const created = await kubectl(['create', '-f', '-'], JSON.stringify(manifest));
  expect(created.code, created.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await helm(['uninstall', 'todo-frontend', '-n', namespace, '--wait=false']);
  await helm(['uninstall', 'todo-backend', '-n', namespace, '--wait=false']);
  await kubectl(['delete', 'namespace', namespace, '--ignore-not-found', '--wait=false']);
});

describe('charts on the test cluster', () => {
  for (const chart of ['todo-backend', 'todo-frontend']) {
    it(`${chart} (staging values) installs under PSA restricted with Ready pods`, async () => {
      const install = await helm([
        'upgrade',
        '--install',
        chart,
        `${repoRoot}/charts/${chart}`,
        '-n',
        namespace,
        '-f',
        `${repoRoot}/charts/${chart}/values-staging.yaml`,
        '--wait',
        '--timeout',
        '3m',
      ]);
      expect(install.code, install.stderr).toBe(0);
      expect(install.stderr).not.toMatch(/would violate PodSecurity/);
      const pods = await kubectl(['get', 'pods', '-n', namespace, '-l', `app.kubernetes.io/instance=${chart}`, '-o', 'json']);
      const items = (JSON.parse(pods.stdout) as { items: { status: { conditions?: { type: string; status: string }[] } }[] })
        .items;
      expect(items.length).toBeGreaterThanOrEqual(2);
      expect(items.every((p) => p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))).toBe(true);

      const test = await helm(['test', chart, '-n', namespace, '--timeout', '2m']);
      expect(test.code, test.stderr).toBe(0);
      expect(test.stdout).toMatch(/Phase:\s+Succeeded/);
    }, 300_000);
  }
});
