/**
 * todoctl doctor against the real test cluster: workloads that fail the ways the KWOK stages of
 * test/cluster/stages.yaml and the real controllers make them fail, and the built todoctl naming
 * each cause with the cluster's evidence. The crash log doctor quotes is the real `kubectl logs
 * --previous` of test/cluster/logs/previous.log (KWOK's ClusterLogs).
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { V1Container, V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, repoRoot, tool, toolsBin } from '../support/cluster.js';
import { apps, core, kubeconfig, namespace } from '../support/kube.js';
import { todoctlBin } from '../support/todoctl.js';

const run = promisify(execFile);
const SECRET_VALUE = 'e2e-secret-value-must-never-be-printed';

/** The message of the last line of the previous container's log (CRI format: time, stream, tag, message). */
const lastPreviousLine = readFileSync(path.join(repoRoot, 'test/cluster/logs/previous.log'), 'utf8')
  .trimEnd()
  .split('\n')
  .at(-1)!
  .split(' ')
  .slice(3)
  .join(' ');

function workload(
  name: string,
  o: {
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    replicas?: number;
    container?: Partial<V1Container>;
  } = {},
): V1Deployment {
  const selector = { app: name };
  return {
    metadata: { name },
    spec: {
      replicas: o.replicas ?? 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...selector, ...o.labels }, ...(o.annotations ? { annotations: o.annotations } : {}) },
        spec: { containers: [{ name: 'app', image: `registry.invalid/${name}:v1.0.0`, ...o.container }] },
      },
    },
  };
}

interface Finding {
  reason: string;
  status: string;
  object: string;
  container?: string;
  message: string;
  exitCode?: number;
  restarts?: number;
  previousLogs?: string[];
  events?: string[];
  fix: string;
}
interface Report {
  ok: boolean;
  checks: { name: string; status: string; detail: string; fix?: string; notRun?: boolean; findings?: Finding[] }[];
}

async function doctor(ns: string, o: { env?: Record<string, string>; args?: string[] } = {}) {
  const result = await todoctlBin(['doctor', '-n', ns, '-o', 'json', ...(o.args ?? [])], {
    env: { KUBECONFIG: kubeconfig, ...o.env },
  });
  const report = JSON.parse(result.stdout) as Report;
  const check = (name: string) => report.checks.find((c) => c.name === name)!;
  return { ...result, report, check };
}

async function podNamed(ns: string, app: string): Promise<string> {
  const pods = await core.listNamespacedPod({ namespace: ns, labelSelector: `app=${app}` });
  return pods.items[0]!.metadata!.name!;
}

describe('todoctl doctor names the cause of failing workloads on the test cluster', () => {
  let ns = '';
  let quotaNs = '';
  // one run serves the tests that only read its report
  let first: ReturnType<typeof doctor> | undefined;
  const report = () => (first ??= doctor(ns));

  beforeAll(async () => {
    [ns, quotaNs] = await Promise.all([namespace('e2e-doctor'), namespace('e2e-doctor-quota')]);
    await core.createNamespacedSecret({
      namespace: ns,
      body: { metadata: { name: 'present-secret' }, stringData: { 'jwt-secret': SECRET_VALUE } },
    });
    const deployments = [
      workload('crash', { labels: { 'todoctl.test/crashloop': 'true' } }),
      workload('slow', { labels: { 'todoctl.test/notready': 'true' } }),
      workload('pull', { labels: { 'todoctl.test/imagepull': 'true' } }),
      workload('oom', { labels: { 'todoctl.test/oomkilled': 'true' }, container: { resources: { limits: { memory: '64Mi' } } } }),
      workload('probe', { labels: { 'todoctl.test/probefail': 'true' } }),
      workload('huge', { container: { resources: { requests: { cpu: '1000' } } } }),
      workload('needs-secret', {
        container: {
          envFrom: [{ secretRef: { name: 'todo-e2e-env' } }],
          env: [
            { name: 'BACKEND_JWT_SECRET', valueFrom: { secretKeyRef: { name: 'present-secret', key: 'jwt-secret' } } },
            { name: 'BACKEND_DATABASE_URL', valueFrom: { secretKeyRef: { name: 'present-secret', key: 'database-url' } } },
          ],
        },
      }),
      // KWOK forwards only the pod ports of test/cluster/forwards.env: 9091 answers nothing
      workload('scraped', {
        annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9091', 'prometheus.io/path': '/metrics' },
      }),
    ];
    await Promise.all(deployments.map((body) => apps.createNamespacedDeployment({ namespace: ns, body })));

    await core.createNamespacedResourceQuota({
      namespace: quotaNs,
      body: { metadata: { name: 'tight' }, spec: { hard: { pods: '1' } } },
    });
    await apps.createNamespacedDeployment({ namespace: quotaNs, body: workload('many', { replicas: 3 }) });

    await eventually('the pods in their stages', async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns })).items;
      const waiting = (app: string) =>
        pods.find((p) => p.metadata?.labels?.app === app)?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      const scheduled = pods
        .find((p) => p.metadata?.labels?.app === 'huge')
        ?.status?.conditions?.find((c) => c.type === 'PodScheduled');
      return (
        pods.length === deployments.length &&
        waiting('crash') === 'CrashLoopBackOff' &&
        waiting('pull') === 'ImagePullBackOff' &&
        waiting('oom') === 'CrashLoopBackOff' &&
        scheduled?.reason === 'Unschedulable' &&
        pods
          .find((p) => p.metadata?.labels?.app === 'scraped')
          ?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')
      );
    });
    await eventually('the quota refusing a pod', async () => {
      const events = await core.listNamespacedEvent({ namespace: quotaNs });
      return events.items.some((e) => e.reason === 'FailedCreate' && /exceeded quota: tight/.test(e.message ?? ''));
    });
  });

  it('CrashLoopBackOff: the pod, the container, exit code 1 and the last line the previous container wrote', async () => {
    const { code, stderr, check } = await report();
    expect(code).toBe(1);
    expect(stderr).toMatch(/check\(s\) failed: .*workloads/);
    const crash = check('workloads').findings!.find((f) => f.reason === 'CrashLoopBackOff')!;
    expect(crash).toMatchObject({
      status: 'fail',
      object: `pod/${await podNamed(ns, 'crash')}`,
      container: 'app',
      exitCode: 1,
      restarts: 5,
    });
    expect(lastPreviousLine).toContain('invalid environment: BACKEND_DATABASE_URL is required');
    expect(crash.previousLogs?.at(-1)).toBe(lastPreviousLine);
    expect(crash.fix).toContain(`kubectl rollout restart deployment/crash -n ${ns}`);
  });

  it('names the missing Secret of envFrom, and the missing key of a present Secret', async () => {
    const { check } = await report();
    const pod = `pod/${await podNamed(ns, 'needs-secret')}`;
    const findings = check('workloads').findings!.filter((f) => f.object === pod);
    expect(findings).toEqual([
      expect.objectContaining({
        reason: 'MissingSecretKey',
        message: `secret "present-secret" has no key "database-url" (it has "jwt-secret"; referenced by env BACKEND_JWT_SECRET of container app, env BACKEND_DATABASE_URL of container app)`,
      }),
      expect.objectContaining({
        reason: 'MissingSecret',
        container: 'app',
        message: `secret "todo-e2e-env" not found in namespace ${ns} (referenced by envFrom of container app)`,
        fix: `kubectl create secret generic todo-e2e-env -n ${ns} --from-literal=<KEY>='<value>'`,
      }),
    ]);
  });

  it('the other analyzers: not ready, image pull, OOMKilled, failing probe, unschedulable', async () => {
    const { check } = await report();
    const findings = check('workloads').findings!;
    const apps = ['slow', 'pull', 'oom', 'probe', 'huge', 'scraped'];
    const pods = new Map(await Promise.all(apps.map(async (app) => [app, `pod/${await podNamed(ns, app)}`] as const)));
    const of = (app: string) => findings.filter((f) => f.object === pods.get(app)).map((f) => f.reason);
    expect(of('slow')).toEqual(['NotReady']);
    expect(of('pull')).toEqual(['ImagePullBackOff']);
    expect(of('oom')).toEqual(['OOMKilled']);
    expect(of('probe')).toEqual(['ProbeFailed']);
    expect(of('huge')).toEqual(['Unschedulable']);
    // the pod that is fine is not named
    expect(of('scraped')).toEqual([]);
    const byReason = (reason: string) => findings.find((f) => f.reason === reason)!;
    expect(byReason('NotReady').message).toMatch(/^condition Ready is False \(ContainersNotReady\)/);
    expect(byReason('ImagePullBackOff').message).toBe('Back-off pulling image "registry.invalid/pull:v1.0.0"');
    expect(byReason('OOMKilled')).toMatchObject({ exitCode: 137, message: expect.stringMatching(/memory limit 64Mi$/) });
    expect(byReason('ProbeFailed').events).toEqual(['Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 503']);
    expect(byReason('Unschedulable').message).toMatch(/^0\/\d+ nodes are available: \d+ Insufficient cpu/);
  });

  it('probes the metrics endpoint through a real port-forward and reports that it does not answer', async () => {
    const { check } = await report();
    const metrics = check('metrics');
    expect(metrics.status).toBe('fail');
    expect(metrics.findings).toEqual([
      expect.objectContaining({
        reason: 'MetricsUnanswered',
        object: `pod/${await podNamed(ns, 'scraped')}`,
        message: expect.stringMatching(/^GET \/metrics on port 9091: /),
      }),
    ]);
  });

  it('a quota that refuses pods: the ReplicaSet, the quota, the Deployment to change', async () => {
    const { check } = await doctor(quotaNs);
    expect(check('quota')).toMatchObject({ status: 'warn', detail: `used up in ${quotaNs}: tight: pods 1/1` });
    const refused = check('workloads').findings!.find((f) => f.reason === 'QuotaExceeded')!;
    expect(refused.object).toMatch(/^replicaset\/many-/);
    expect(refused.message).toMatch(/exceeded quota: tight, requested: pods=1, used: pods=1, limited: pods=1$/);
    expect(refused.fix).toContain('deployment/many');
  });

  it('never prints a Secret value, in any format and with --verbose', async () => {
    const encoded = Buffer.from(SECRET_VALUE).toString('base64');
    for (const format of ['json', 'yaml', 'text']) {
      const result = await todoctlBin(['doctor', '-n', ns, '-o', format, '--verbose'], { env: { KUBECONFIG: kubeconfig } });
      expect(result.stdout).toContain('present-secret');
      expect(result.stdout + result.stderr).not.toContain(SECRET_VALUE);
      expect(result.stdout + result.stderr).not.toContain(encoded);
    }
  });

  it('the namespace-level checks, and the API server flags it cannot read here', async () => {
    const { check } = await report();
    expect(check('namespace')).toMatchObject({ status: 'ok', detail: `namespace ${ns} is Active` });
    expect(check('quota')).toMatchObject({
      status: 'fail',
      detail: `no ResourceQuota in ${ns}; the constitution requires one in every namespace`,
    });
    // todoctl.yaml's defaults deploy todo-backend here, which takes todo-backend-secrets (charts/todo-backend/values.yaml)
    expect(check('secrets')).toMatchObject({
      status: 'fail',
      detail: `secret todo-backend-secrets (todo-backend) not found in ${ns}`,
      fix: `kubectl create secret generic todo-backend-secrets -n ${ns} --from-literal=database-url='<value>' --from-literal=jwt-secret='<value>' --from-literal=openai-api-key='<value>'`,
    });
    expect(check('releases')).toMatchObject({
      status: 'warn',
      detail: 'todo-backend is not installed; todo-frontend is not installed',
    });
    expect(check('encryption-at-rest')).toMatchObject({ status: 'warn', detail: expect.stringContaining('cannot be read here') });
  });
});

describe('todoctl doctor on a minikube context (stand-in minikube and docker, real cluster)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'todoctl-doctor-minikube-'));
  const minikubeKubeconfig = path.join(dir, 'kubeconfig');
  let ns = '';

  beforeAll(async () => {
    // the test cluster's kubeconfig with its context named as minikube names its own
    copyFileSync(kubeconfig, minikubeKubeconfig);
    const { stdout } = await run(tool('kubectl'), ['--kubeconfig', minikubeKubeconfig, 'config', 'current-context']);
    await run(tool('kubectl'), ['--kubeconfig', minikubeKubeconfig, 'config', 'rename-context', stdout.trim(), 'minikube']);
    ns = await namespace('e2e-doctor-minikube');
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: workload('pull', { labels: { 'todoctl.test/imagepull': 'true' } }),
    });
    await eventually('the image-pull pod', async () => {
      const pods = (await core.listNamespacedPod({ namespace: ns })).items;
      return pods[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ImagePullBackOff';
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("checks minikube, the profile, its resources and addons, and names minikube's commands as fixes", async () => {
    const { check, report } = await doctor(ns, {
      env: {
        KUBECONFIG: minikubeKubeconfig,
        // test/fixtures/bin: the stand-ins, first on PATH; `default` is a small profile without metrics-server
        PATH: [path.join(repoRoot, 'test/fixtures/bin'), toolsBin(), process.env.PATH ?? ''].join(path.delimiter),
        TODOCTL_MINIKUBE_STANDIN: 'default',
      },
    });
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['minikube', 'minikube-profile', 'minikube-addons']));
    expect(check('container-tool')).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/^docker 27\.3\.1 .*, engine 27\.3\.1; minikube's driver is docker$/),
    });
    expect(check('minikube')).toMatchObject({ status: 'ok', detail: 'minikube v1.34.0' });
    expect(check('minikube-profile')).toMatchObject({
      status: 'ok',
      detail: expect.stringContaining('profile minikube (driver docker, runtime docker, Kubernetes v1.31.0, node 192.168.49.2)'),
    });
    expect(check('cluster-resources')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^minikube profile minikube has 2 CPUs and 3900 MiB/),
      fix: 'minikube delete -p minikube && minikube start -p minikube --cpus=4 --memory=8192',
    });
    expect(check('minikube-addons')).toMatchObject({ status: 'fail', fix: 'minikube addons enable metrics-server -p minikube' });
    const pull = check('workloads').findings!.find((f) => f.reason === 'ImagePullBackOff')!;
    expect(pull.fix).toContain('minikube -p minikube image load registry.invalid/pull:v1.0.0');
  });
});
