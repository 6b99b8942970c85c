import { AppsV1Api, CoreV1Api, KubeConfig, AdmissionregistrationV1Api, type V1Deployment } from '@kubernetes/client-node';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HelmClient } from '../../cli/src/clients/helm.js';
import { KubeApi } from '../../cli/src/clients/kube-api.js';
import { KubectlClient } from '../../cli/src/clients/kubectl.js';
import { ToolError } from '../../cli/src/runtime/errors.js';
import { ExecaRunner } from '../../cli/src/runtime/runner.js';
import { eventually, repoRoot, testKubeconfig, tool, uniqueName } from '../support/cluster.js';

const kubeconfig = testKubeconfig();
const kc = new KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const apps = kc.makeApiClient(AppsV1Api);
const admission = kc.makeApiClient(AdmissionregistrationV1Api);
const runner = new ExecaRunner(process.env.PATH ?? '');
const tinyChart = path.join(repoRoot, 'test/fixtures/charts/tiny');
const namespaces: string[] = [];

async function namespace(prefix: string, labels: Record<string, string> = {}): Promise<string> {
  const name = uniqueName(prefix);
  await core.createNamespace({ body: { metadata: { name, labels } } });
  namespaces.push(name);
  // Pods are refused until the namespace's default ServiceAccount exists.
  await eventually(`default ServiceAccount in ${name}`, async () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
  return name;
}

function deployment(name: string, replicas: number, podLabels: Record<string, string> = {}, tag = 'v1.0.0'): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels: { ...labels, ...podLabels } },
        spec: { containers: [{ name: 'app', image: `registry.invalid/${name}:${tag}` }] },
      },
    },
  };
}

/** The message of a Kubernetes API error (a Status object in the response body). */
function apiMessage(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return String((JSON.parse(body) as { message?: unknown }).message);
    } catch {
      return body;
    }
  }
  return String(error);
}

afterAll(async () => {
  await Promise.allSettled(namespaces.map((name) => core.deleteNamespace({ name })));
});

describe('the test cluster', () => {
  it('runs a Deployment of 2 replicas to 2 Ready pods, which the API client lists with their states', async () => {
    const ns = await namespace('e2e-ready');
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    const api = new KubeApi({ kubeconfig, namespace: ns }, {});
    const pods = await eventually('2 ready pods', async () => {
      const list = await api.listPods({ labelSelector: 'app=web' });
      return list.filter((p) => p.ready).length === 2 ? list : undefined;
    });
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod).toMatchObject({ namespace: ns, phase: 'Running', status: 'Running', readyContainers: '1/1', restarts: 0 });
      expect(pod.node).toMatch(/^kwok-node-\d+$/);
    }
    const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    await eventually(
      'deployment available',
      async () => (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).status?.readyReplicas === 2,
    );
    expect(d.metadata?.name).toBe('web');
  });

  it('turns pod labels into CrashLoopBackOff and not-ready pods through the real controllers', async () => {
    const ns = await namespace('e2e-faults');
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('crashy', 1, { 'todoctl.test/crashloop': 'true' }) });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('stuck', 1, { 'todoctl.test/notready': 'true' }) });
    const api = new KubeApi({ kubeconfig, namespace: ns }, {});

    const [crashy] = await eventually('a crash-looping pod', async () => {
      const list = await api.listPods({ labelSelector: 'app=crashy' });
      return list[0]?.status === 'CrashLoopBackOff' ? list : undefined;
    });
    expect(crashy).toMatchObject({ phase: 'Running', ready: false, readyContainers: '0/1', lastExitCode: 1 });
    expect(crashy!.restarts).toBeGreaterThan(0);

    const [stuck] = await eventually('a running, unready pod', async () => {
      const list = await api.listPods({ labelSelector: 'app=stuck' });
      return list[0]?.phase === 'Running' ? list : undefined;
    });
    expect(stuck).toMatchObject({ status: 'Running', ready: false, readyContainers: '0/1', restarts: 0 });
  });

  it('enforces Pod Security Admission "restricted" on a labelled namespace', async () => {
    const ns = await namespace('e2e-psa', { 'pod-security.kubernetes.io/enforce': 'restricted' });
    const error = await core
      .createNamespacedPod({
        namespace: ns,
        body: {
          metadata: { name: 'root-pod' },
          spec: { containers: [{ name: 'c', image: 'registry.invalid/x:v1', securityContext: { privileged: true } }] },
        },
      })
      .catch((e: unknown) => e);
    expect(apiMessage(error)).toContain('violates PodSecurity "restricted:latest"');
    expect(apiMessage(error)).toContain('privileged (container "c" must not set securityContext.privileged=true)');

    // The same pod hardened as the constitution asks is admitted.
    await expect(
      core.createNamespacedPod({
        namespace: ns,
        dryRun: 'All',
        body: {
          metadata: { name: 'hardened-pod' },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'c',
                image: 'registry.invalid/x:v1',
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ['ALL'] },
                },
              },
            ],
          },
        },
      }),
    ).resolves.toBeDefined();
  });

  it('enforces a ValidatingAdmissionPolicy written in CEL', async () => {
    const ns = await namespace('e2e-vap', { 'todoctl.test/vap': 'on' });
    const name = uniqueName('no-latest-tag');
    await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name },
        spec: {
          failurePolicy: 'Fail',
          matchConstraints: {
            resourceRules: [
              { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] },
            ],
          },
          validations: [
            {
              expression: "object.spec.template.spec.containers.all(c, !c.image.endsWith(':latest'))",
              message: 'images must not use the latest tag',
            },
          ],
        },
      },
    });
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name },
        spec: {
          policyName: name,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'todoctl.test/vap': 'on' } } },
        },
      },
    });
    try {
      // The policy takes effect once the API server has loaded it.
      const message = await eventually('the policy to deny', async () => {
        const error = await apps
          .createNamespacedDeployment({ namespace: ns, body: deployment('bad', 1, {}, 'latest'), dryRun: 'All' })
          .then(() => undefined)
          .catch((e: unknown) => apiMessage(e));
        return error;
      });
      expect(message).toContain('images must not use the latest tag');
      await expect(
        apps.createNamespacedDeployment({ namespace: ns, body: deployment('good', 1, {}, 'v1.2.3'), dryRun: 'All' }),
      ).resolves.toBeDefined();
    } finally {
      await admission.deleteValidatingAdmissionPolicyBinding({ name }).catch(() => undefined);
      await admission.deleteValidatingAdmissionPolicy({ name }).catch(() => undefined);
    }
  });
});

describe.each([
  { label: 'Helm 4', binary: () => tool('helm'), major: 4 },
  { label: 'Helm 3', binary: () => tool('helm3'), major: 3 },
])('todoctl helm client with $label on the test cluster', ({ binary, major }) => {
  let ns: string;
  let helm: HelmClient;
  let kubectl: KubectlClient;
  let api: KubeApi;

  beforeAll(async () => {
    ns = await namespace(`e2e-helm${major}`);
    helm = new HelmClient(runner, { kubeconfig, namespace: ns }, binary());
    kubectl = new KubectlClient(runner, { kubeconfig, namespace: ns }, tool('kubectl'));
    api = new KubeApi({ kubeconfig, namespace: ns }, {});
    expect(await helm.majorVersion()).toBe(major);
  });

  it('installs a chart with upgrade --install --wait', async () => {
    await helm.upgradeInstall({ release: 'tiny', chart: tinyChart, wait: true, rollbackOnFailure: true, timeout: '90s' });
    const history = await helm.history('tiny');
    expect(history.map((r) => [r.revision, r.status])).toEqual([[1, 'deployed']]);
    const pods = await api.listPods({ labelSelector: 'app.kubernetes.io/instance=tiny' });
    expect(pods.filter((p) => p.ready)).toHaveLength(2);
  });

  it('runs `helm test` hook pods to completion, and reports a failing one', async () => {
    const passing = await runner.run(binary(), ['test', 'tiny', '--timeout', '60s', ...helm.targetArgs()]);
    expect(passing.exitCode, passing.stderr).toBe(0);
    expect(passing.stdout).toMatch(/Phase:\s+Succeeded/);

    await helm.upgradeInstall({
      release: 'tiny',
      chart: tinyChart,
      set: { 'testPodLabels.todoctl\\.test/fail': 'true' },
      wait: true,
      timeout: '60s',
    });
    const failing = await runner.run(binary(), ['test', 'tiny', '--timeout', '60s', ...helm.targetArgs()]);
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
      const list = await api.listPods({ labelSelector: 'app.kubernetes.io/instance=tiny' });
      return list.length === 2 && list.every((p) => p.ready && p.status === 'Running') ? list : undefined;
    });
    expect(pods).toHaveLength(2);
  });
});
