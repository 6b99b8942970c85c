import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, pinnedVersions, repoRoot, testKubeconfig, tool, uniqueName } from '../support/cluster.js';
import { todoctlBin } from '../support/todoctl.js';

const run = promisify(execFile);
const kubeconfig = testKubeconfig();

/** Runs the built todoctl as a user would, against the test cluster. */
const todoctl = (args: string[]) => todoctlBin(args, { env: { KUBECONFIG: kubeconfig } });

describe('the todoctl binary against the test cluster', () => {
  const ns = uniqueName('e2e-cli');
  const core = (() => {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    return kc.makeApiClient(CoreV1Api);
  })();

  beforeAll(async () => {
    await core.createNamespace({ body: { metadata: { name: ns } } });
    await eventually('default ServiceAccount', async () =>
      core.readNamespacedServiceAccount({ name: 'default', namespace: ns }).then(() => true),
    );
    await run(tool('helm'), [
      'upgrade',
      '--install',
      'tiny',
      path.join(repoRoot, 'test/fixtures/charts/tiny'),
      '--kubeconfig',
      kubeconfig,
      '--namespace',
      ns,
      '--wait=watcher',
      '--timeout',
      '90s',
    ]);
  });

  afterAll(async () => {
    await core.deleteNamespace({ name: ns }).catch(() => undefined);
  });

  it('doctor finds the tools and the cluster', async () => {
    const result = await todoctl(['doctor', '-o', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { checks: { name: string; status: string; detail: string }[] };
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    const pinned = pinnedVersions();
    expect(byName.helm).toMatchObject({ status: 'ok', detail: `v${pinned.HELM4_VERSION} (Helm 4)` });
    expect(byName.cluster).toMatchObject({ status: 'ok', detail: `server v${pinned.KUBERNETES_VERSION}` });
  });

  it('status lists the release and its ready pods as JSON', async () => {
    const result = await todoctl(['status', '-n', ns, '-o', 'json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      namespace: string;
      healthy: boolean;
      releases: { name: string; status: string; revision: number }[];
      pods: { name: string; ready: boolean; status: string }[];
    };
    expect(report.namespace).toBe(ns);
    expect(report.releases).toMatchObject([{ name: 'tiny', status: 'deployed', revision: 1 }]);
    expect(report.pods).toHaveLength(2);
    expect(report.pods.every((p) => p.ready && p.status === 'Running')).toBe(true);
    expect(report.healthy).toBe(true);
  });

  it('status exits 1 with the reason when the cluster cannot be reached', async () => {
    const result = await todoctl([
      'status',
      '-n',
      ns,
      '--kubeconfig',
      path.join(repoRoot, 'test/fixtures/kubeconfig-unreachable.yaml'),
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^Error: helm list failed \(exit code 1\): .*(refused|unreachable)/m);
  });
});
