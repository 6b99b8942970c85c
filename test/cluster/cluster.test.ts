/**
 * Self-tests of the test cluster (test/cluster/up.sh): that Kubernetes and KWOK behave as the
 * todoctl tests assume. They test no todoctl code; the tests of todoctl are in test/e2e.
 */
import { describe, expect, it } from 'vitest';
import { podState, type PodLike } from '../../cli/src/clients/pod-state.js';
import { eventually, uniqueName } from '../support/cluster.js';
import { admission, apps, core, deployment, namespace } from '../support/kube.js';

async function pods(namespace: string, labelSelector: string) {
  const list = await core.listNamespacedPod({ namespace, labelSelector });
  return list.items.map((p) => podState(p as PodLike));
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

describe('the test cluster', () => {
  it('runs a Deployment of 2 replicas to 2 Ready pods on the fake nodes, and marks it Available', async () => {
    const ns = await namespace('e2e-ready');
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('web', 2) });
    const ready = await eventually('2 ready pods', async () => {
      const list = await pods(ns, 'app=web');
      return list.filter((p) => p.ready).length === 2 ? list : undefined;
    });
    expect(ready).toHaveLength(2);
    for (const pod of ready) {
      expect(pod).toMatchObject({ namespace: ns, phase: 'Running', status: 'Running', readyContainers: '1/1', restarts: 0 });
      expect(pod.node).toMatch(/^kwok-node-\d+$/);
    }
    // the Deployment controller saw them too: its status counts 2 ready and available replicas
    const status = await eventually('deployment available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: ns });
      return d.status?.availableReplicas === 2 ? d.status : undefined;
    });
    expect(status).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
    expect(status.conditions?.find((c) => c.type === 'Available')?.status).toBe('True');
  });

  it('turns pod labels into CrashLoopBackOff and not-ready pods through the real controllers', async () => {
    const ns = await namespace('e2e-faults');
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('crashy', 1, { 'todoctl.test/crashloop': 'true' }) });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment('stuck', 1, { 'todoctl.test/notready': 'true' }) });

    const [crashy] = await eventually('a crash-looping pod', async () => {
      const list = await pods(ns, 'app=crashy');
      return list[0]?.status === 'CrashLoopBackOff' ? list : undefined;
    });
    expect(crashy).toMatchObject({ phase: 'Running', ready: false, readyContainers: '0/1', lastExitCode: 1 });
    expect(crashy!.restarts).toBeGreaterThan(0);

    const [stuck] = await eventually('a running, unready pod', async () => {
      const list = await pods(ns, 'app=stuck');
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
