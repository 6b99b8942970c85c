/**
 * todoctl's helm and kubectl clients against the real test cluster, with Helm 4 and Helm 3.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { HelmClient } from '../../cli/src/clients/helm.js';
import { KubectlClient } from '../../cli/src/clients/kubectl.js';
import { ToolError } from '../../cli/src/runtime/errors.js';
import { ExecaRunner } from '../../cli/src/runtime/runner.js';
import { eventually, repoRoot, tool } from '../support/cluster.js';
import { apps, deployment, kubeconfig, namespace } from '../support/kube.js';

const runner = new ExecaRunner(process.env.PATH ?? '');
const tinyChart = path.join(repoRoot, 'test/fixtures/charts/tiny');

describe('todoctl kubectl client on the test cluster', () => {
  it('lists pods with the state kubectl shows: ready, crash-looping with its exit code, running but unready', async () => {
    const ns = await namespace('e2e-pods');
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('crashy', 1, { 'todoctl.test/crashloop': 'true' }) });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('stuck', 1, { 'todoctl.test/notready': 'true' }) });
    const kubectl = new KubectlClient(runner, { kubeconfig, namespace: ns }, tool('kubectl'));
    const pods = await eventually('ready, crash-looping and unready pods', async () => {
      const list = await kubectl.listPods();
      const by = (app: string) => list.filter((p) => p.name.startsWith(`${app}-`));
      return by('web').filter((p) => p.ready).length === 2 &&
        by('crashy')[0]?.status === 'CrashLoopBackOff' &&
        by('stuck')[0]?.phase === 'Running'
        ? list
        : undefined;
    });
    expect(pods).toHaveLength(4);
    expect(pods.find((p) => p.name.startsWith('crashy-'))).toMatchObject({
      ready: false,
      readyContainers: '0/1',
      lastExitCode: 1,
    });
    expect(pods.find((p) => p.name.startsWith('stuck-'))).toMatchObject({ status: 'Running', ready: false, restarts: 0 });
    const selected = await kubectl.listPods({ selector: 'app=web' });
    expect(selected.map((p) => p.name).every((n) => n.startsWith('web-'))).toBe(true);
    expect(selected).toHaveLength(2);
  });
});

describe.each([
  { label: 'Helm 4', binary: () => tool('helm'), major: 4 },
  { label: 'Helm 3', binary: () => tool('helm3'), major: 3 },
])('todoctl helm client with $label on the test cluster', ({ binary, major }) => {
  let ns: string;
  let helm: HelmClient;
  let kubectl: KubectlClient;

  beforeAll(async () => {
    ns = await namespace(`e2e-helm${major}`);
    helm = new HelmClient(runner, { kubeconfig, namespace: ns }, binary());
    kubectl = new KubectlClient(runner, { kubeconfig, namespace: ns }, tool('kubectl'));
    expect(await helm.majorVersion()).toBe(major);
  });

  it('installs a chart with upgrade --install --wait', async () => {
    await helm.upgradeInstall({ release: 'tiny', chart: tinyChart, wait: true, rollbackOnFailure: true, timeout: '90s' });
    const history = await helm.history('tiny');
    expect(history.map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);
    const pods = await kubectl.listPods({ selector: 'app.kubernetes.io/instance=tiny' });
    expect(pods.filter((p) => p.ready)).toHaveLength(2);
  });

  it('runs `helm test` hook pods to completion, and reports a failing one', async () => {
    const passing = await helm.test('tiny', { timeout: '60s' });
    expect(passing.exitCode, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/Phase:\s+Succeeded/);

    await helm.upgradeInstall({
      release: 'tiny',
      chart: tinyChart,
      set: { 'testPodLabels.todoctl\\.test/fail': 'true' },
      wait: true,
      timeout: '60s',
    });
    const failing = await helm.test('tiny', { timeout: '60s' });
    expect(failing.exitCode).toBe(1);
    expect(failing.stderr + failing.stdout).toMatch(/failed/i);
    // back to revision 1's values, so the next test starts from a known release
    await helm.rollback('tiny', { revision: 1, wait: true, timeout: '60s' });
  });

  it('rolls back automatically when the upgraded pods crash-loop, leaving the previous revision deployed', async () => {
    const before = (await helm.history('tiny')).at(-1)!;
    expect(before.status).toBe('deployed');
    const failed = await helm
      .upgradeInstall({
        release: 'tiny',
        chart: tinyChart,
        set: { 'image.tag': 'v1.0.1', 'podLabels.todoctl\\.test/crashloop': 'true' },
        wait: true,
        rollbackOnFailure: true,
        timeout: '15s',
      })
      .catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ToolError);

    const history = await helm.history('tiny');
    const [failedRevision, rolledBack] = history.slice(-2);
    expect(failedRevision).toMatchObject({ revision: before.revision + 1, status: 'failed' });
    expect(rolledBack).toMatchObject({ revision: before.revision + 2, status: 'deployed' });
    expect(rolledBack!.description).toContain(`Rollback to ${before.revision}`);
    expect(history.filter((r) => r.status === 'deployed')).toHaveLength(1);

    const deploy = await kubectl.getJson<V1Deployment>('deployment', 'tiny');
    expect(deploy.spec?.template.spec?.containers[0]?.image).toBe('registry.invalid/tiny:v1.0.0');
    expect(deploy.spec?.template.metadata?.labels?.['todoctl.test/crashloop']).toBeUndefined();
    const pods = await eventually('the crash-looping pods to be gone', async () => {
      const list = await kubectl.listPods({ selector: 'app.kubernetes.io/instance=tiny' });
      return list.length === 2 && list.every((p) => p.ready && p.status === 'Running') ? list : undefined;
    });
    expect(pods).toHaveLength(2);
  });
});
