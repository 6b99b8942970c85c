import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeWorkloads, containersToRead, logKey, ownerOf, workloadsCheck, type WorkloadData } from './analyzers.js';
import { controllerSchema, eventSchema, parseItems, podSchema, type Pod } from './kube.js';

// What kubectl printed for a namespace of the test cluster: see cli/test/fixtures/doctor/README.md
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/doctor/${name}`, import.meta.url), 'utf8');
const list = JSON.parse(fixture('namespace-objects.json')) as { items: { kind: string }[] };
const ofKind = (...kinds: string[]) => ({ items: list.items.filter((i) => kinds.includes(i.kind)) });
const pods = parseItems(ofKind('Pod'), podSchema, 'pods');
const previousLines = fixture('previous-container.log').trimEnd().split('\n');
const podOf = (deployment: string) => pods.find((p) => p.metadata.labels['app.kubernetes.io/name'] === deployment)!;
const nameOf = (deployment: string) => podOf(deployment).metadata.name;

function data(over: Partial<WorkloadData> = {}): WorkloadData {
  return {
    namespace: 'todo-fixture',
    pods,
    events: parseItems(ofKind('Event'), eventSchema, 'events'),
    controllers: parseItems(ofKind('ReplicaSet', 'StatefulSet'), controllerSchema, 'replicasets'),
    // as `kubectl get secrets|configmaps -o go-template` printed them for the namespace
    secrets: new Map([['app-secrets', ['jwt-secret']]]),
    configMaps: new Map([
      ['app-config', ['BACKEND_PORT']],
      ['kube-root-ca.crt', ['ca.crt']],
    ]),
    previousLogs: new Map(containersToRead(pods).map(({ pod, container }) => [logKey(pod, container), previousLines])),
    ...over,
  };
}

const findingsOf = (d: WorkloadData = data()) => analyzeWorkloads(d);
const find = (reason: string, object?: string) => {
  const found = findingsOf().filter((f) => f.reason === reason && (object === undefined || f.object === object));
  expect(found, `one ${reason} finding${object ? ` for ${object}` : ''}`).toHaveLength(1);
  return found[0]!;
};

describe('workload analyzers on what the test cluster reported', () => {
  it('CrashLoopBackOff: the pod, container, exit code, restarts and the last lines of the previous container', () => {
    const pod = nameOf('crashloop');
    expect(find('CrashLoopBackOff')).toEqual({
      reason: 'CrashLoopBackOff',
      status: 'fail',
      object: `pod/${pod}`,
      container: 'api',
      message: expect.stringMatching(/^back-off 5m0s restarting failed container=api; last terminated: Error at /),
      exitCode: 1,
      restarts: 5,
      previousLogs: previousLines,
      fix: `Fix what the previous container's last lines say (kubectl logs pod/${pod} -c api --previous -n todo-fixture), then kubectl rollout restart deployment/crashloop -n todo-fixture.`,
    });
    expect(previousLines.at(-1)).toContain('invalid environment: BACKEND_DATABASE_URL is required');
  });

  it('reads the previous log only of containers that ran before (a restart count), and says when it could not', () => {
    const toRead = containersToRead(pods).map((c) => c.pod.split('-')[0]);
    expect(toRead.sort()).toEqual(['crashloop', 'oomkilled']);
    const failed = findingsOf(
      data({
        previousLogs: new Map([[logKey(nameOf('crashloop'), 'api'), { error: 'kubectl logs failed (exit code 1): not found' }]]),
      }),
    ).find((f) => f.reason === 'CrashLoopBackOff')!;
    expect(failed.previousLogs).toBeUndefined();
    expect(failed.previousLogsError).toBe('kubectl logs failed (exit code 1): not found');
  });

  it('OOMKilled: exit code 137 and the memory limit it ran into', () => {
    expect(find('OOMKilled')).toMatchObject({
      status: 'fail',
      object: `pod/${nameOf('oomkilled')}`,
      container: 'api',
      exitCode: 137,
      restarts: 3,
      message: expect.stringMatching(/last terminated: OOMKilled .*; memory limit 512Mi$/),
      fix: expect.stringContaining('kubectl set resources deployment/oomkilled -c api --limits=memory=<more> -n todo-fixture'),
    });
  });

  it("ImagePullBackOff: the kubelet's message and event, and the image to push", () => {
    expect(find('ImagePullBackOff')).toMatchObject({
      status: 'fail',
      object: `pod/${nameOf('imagepull')}`,
      container: 'api',
      message: 'Back-off pulling image "registry.invalid/todo-backend:v1.0.0"',
      events: [expect.stringMatching(/^Failed: Error: ImagePullBackOff/)],
      fix: expect.stringContaining('docker push registry.invalid/todo-backend:v1.0.0'),
    });
    const onMinikube = findingsOf(data({ minikubeProfile: 'dev' })).find((f) => f.reason === 'ImagePullBackOff')!;
    expect(onMinikube.fix).toContain('minikube -p dev image load registry.invalid/todo-backend:v1.0.0');
  });

  it('ProbeFailed: an unready pod with Unhealthy events quotes them', () => {
    expect(find('ProbeFailed')).toMatchObject({
      status: 'fail',
      object: `pod/${nameOf('probefail')}`,
      message: expect.stringMatching(/^condition Ready is False \(ContainersNotReady\) since /),
      events: ['Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503'],
    });
  });

  it('NotReady: without events it states the Ready condition and guesses no cause', () => {
    const finding = find('NotReady');
    expect(finding).toMatchObject({ status: 'warn', object: `pod/${nameOf('notready')}` });
    expect(finding.message).toMatch(/^condition Ready is False \(ContainersNotReady\) since \S+$/);
    expect(finding.events).toBeUndefined();
  });

  it("Unschedulable: the scheduler's message, once (its FailedScheduling event says the same)", () => {
    const finding = find('Unschedulable');
    expect(finding).toMatchObject({
      status: 'fail',
      object: `pod/${nameOf('big')}`,
      message: expect.stringMatching(/^0\/2 nodes are available: 2 Insufficient cpu\./),
    });
    expect(finding.events).toBeUndefined();
    expect(finding.fix).toContain('deployment/big');
  });

  it('QuotaExceeded: the ReplicaSet short of pods, the quota named, the Deployment to change', () => {
    const finding = find('QuotaExceeded');
    expect(finding.object).toMatch(/^replicaset\/many-/);
    expect(finding.message).toMatch(
      /is forbidden: exceeded quota: todo-quota, requested: pods=1, used: pods=10, limited: pods=10$/,
    );
    expect(finding.fix).toContain('Raise quota todo-quota');
    expect(finding.fix).toContain('lower the requests or replicas of deployment/many');
    // the replicas that were created are fine
    expect(findingsOf().filter((f) => f.object.startsWith('pod/many-'))).toEqual([]);
  });

  it('missing Secrets and ConfigMaps, and missing keys of present ones, with the command that creates them', () => {
    expect(find('MissingSecret')).toMatchObject({
      status: 'fail',
      object: `pod/${nameOf('crashloop')}`,
      container: 'api',
      message:
        'secret "todo-backend-secrets" not found in namespace todo-fixture (referenced by env BACKEND_DATABASE_URL of container api)',
      fix: "kubectl create secret generic todo-backend-secrets -n todo-fixture --from-literal=database-url='<value>'",
    });
    const keys = `pod/${nameOf('keys')}`;
    expect(find('MissingSecretKey', keys)).toMatchObject({
      message:
        'secret "app-secrets" has no key "database-url" (it has "jwt-secret"; referenced by env BACKEND_JWT_SECRET of container api, env BACKEND_DATABASE_URL of container api)',
      fix: `kubectl patch secret app-secrets -n todo-fixture --type merge -p '{"stringData":{"database-url":"<value>"}}'`,
    });
    expect(find('MissingConfigMapKey', keys).message).toBe(
      'configmap "app-config" has no key "BACKEND_LOG_LEVEL" (it has "BACKEND_PORT"; referenced by env BACKEND_LOG_LEVEL of container api)',
    );
    expect(find('MissingConfigMap', keys).message).toBe(
      'configmap "todo-backend-config" not found in namespace todo-fixture (referenced by envFrom of container api)',
    );
  });

  it('reports nothing for the healthy pods, and nothing the cluster did not say', () => {
    const objects = new Set(findingsOf().flatMap((f) => [f.object, ...(f.alsoIn ?? [])]));
    for (const healthy of ['healthy', 'many']) {
      for (const pod of pods.filter((p) => p.metadata.labels['app.kubernetes.io/name'] === healthy)) {
        expect(objects.has(`pod/${pod.metadata.name}`)).toBe(false);
      }
    }
    // with every Secret and ConfigMap present, only the stage-made failures remain
    const complete = findingsOf(
      data({
        secrets: new Map([
          ['app-secrets', ['jwt-secret', 'database-url']],
          ['todo-backend-secrets', ['database-url']],
        ]),
        configMaps: new Map([
          ['app-config', ['BACKEND_PORT', 'BACKEND_LOG_LEVEL']],
          ['todo-backend-config', ['NODE_ENV']],
          ['kube-root-ca.crt', ['ca.crt']],
        ]),
      }),
    );
    expect(complete.map((f) => f.reason).sort()).toEqual([
      'CrashLoopBackOff',
      'ImagePullBackOff',
      'NotReady',
      'OOMKilled',
      'ProbeFailed',
      'QuotaExceeded',
      'Unschedulable',
    ]);
  });

  it('a Pending pod the cluster gives no reason for is no finding', () => {
    const pending: Pod = podSchema.parse({
      metadata: { name: 'fresh-abc', namespace: 'ns' },
      spec: { containers: [{ name: 'app', image: 'x:v1' }] },
      status: { phase: 'Pending' },
    });
    expect(analyzeWorkloads(data({ pods: [pending], events: [], controllers: [] }))).toEqual([]);
  });

  it("an evicted pod: the kubelet's reason and message", () => {
    // pkg/kubelet/eviction: phase Failed, reason Evicted, the message naming the resource
    const evicted: Pod = podSchema.parse({
      metadata: { name: 'api-7d9c-evict', namespace: 'ns' },
      spec: { containers: [{ name: 'api', image: 'x:v1' }] },
      status: {
        phase: 'Failed',
        reason: 'Evicted',
        message: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. ',
      },
    });
    expect(analyzeWorkloads(data({ pods: [evicted], events: [], controllers: [] }))).toEqual([
      expect.objectContaining({
        reason: 'Evicted',
        status: 'warn',
        object: 'pod/api-7d9c-evict',
        message: expect.stringMatching(/^The node was low on resource: memory/),
      }),
    ]);
  });

  it('replicas of one Deployment with the same finding are one finding naming the others', () => {
    const crash = podOf('crashloop');
    const replica = { ...crash, metadata: { ...crash.metadata, name: `${crash.metadata.name.slice(0, -5)}zzzzz` } };
    const findings = findingsOf(data({ pods: [crash, replica] })).filter((f) => f.reason === 'CrashLoopBackOff');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.alsoIn).toEqual([`pod/${replica.metadata.name}`]);
  });

  it('names the workload a pod belongs to: its Deployment through the pod-template-hash', () => {
    expect(ownerOf(podOf('crashloop'))).toBe('deployment/crashloop');
    expect(ownerOf(podSchema.parse({ metadata: { name: 'bare' }, spec: {} }))).toBe('pod/bare');
    expect(
      ownerOf(podSchema.parse({ metadata: { name: 'pg-0', ownerReferences: [{ kind: 'StatefulSet', name: 'pg' }] }, spec: {} })),
    ).toBe('statefulset/pg');
  });

  it('the workloads check: fail with the findings, or ok saying how many pods it looked at', () => {
    const d = data();
    const failing = workloadsCheck(d, analyzeWorkloads(d));
    expect(failing.status).toBe('fail');
    expect(failing.detail).toMatch(/^\d+ finding\(s\) in todo-fixture: /);
    expect(failing.findings?.length).toBeGreaterThan(5);
    expect(workloadsCheck(data({ pods: [] }), [])).toEqual({
      name: 'workloads',
      status: 'ok',
      detail: 'no pods in todo-fixture',
    });
  });
});
