import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectGolden } from '../../test/helpers/golden.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const versionCall = ['version', '--template', '{{.Version}}'];
const serverVersion = (v = 'v1.36.3') =>
  JSON.stringify({ clientVersion: { gitVersion: 'v1.36.3' }, serverVersion: { gitVersion: v } });
/**
 * `kubectl config view --minify -o json`: minikube's (cli/test/fixtures/doctor/kubeconfig-minikube.json),
 * or another cluster's context named `name`.
 */
const kubeconfigView = (name: string, minikube = false) =>
  minikube
    ? read('cli/test/fixtures/doctor/kubeconfig-minikube.json')
    : JSON.stringify({
        kind: 'Config',
        apiVersion: 'v1',
        clusters: [{ name, cluster: { server: 'https://127.0.0.1:32758' } }],
        contexts: [{ name, context: { cluster: name, user: name } }],
        'current-context': name,
      });
const SECRET_VALUE = 'cG9zdGdyZXM6Ly90b2RvOmh1bnRlcjJAZGIvdG9kbw==';
const KEYS_TEMPLATE = 'go-template={{range .items}}{{.metadata.name}}{{range $key, $_ := .data}} {{$key}}{{end}}{{"\\n"}}{{end}}';

interface ClusterScript {
  ns: string;
  context: string;
  minikube?: boolean;
  /** `kubectl get nodes,pods,events,replicasets,statefulsets,resourcequotas -o json` */
  objects: { items: unknown[] };
  namespaceExists?: boolean;
  /** Secret name -> keys, as the key-only go-template prints them */
  secrets?: Record<string, string[]>;
  configMaps?: Record<string, string[]>;
  apiServerPods?: unknown[];
  releases?: unknown[];
  histories?: Record<string, unknown[]>;
}

/**
 * A cluster behind kubectl and helm, as doctor asks it: each call answered from the script, in
 * any order (doctor asks side by side). A Secret read any other way than by its keys gets the
 * values, so a leak would show in the output.
 */
function scriptCluster(runner: FakeRunner, s: ClusterScript): FakeRunner {
  const keys = (m: Record<string, string[]>) =>
    Object.entries(m)
      .map(([name, k]) => [name, ...k].join(' ') + '\n')
      .join('');
  return runner
    .on('kubectl', (a) => a[0] === 'version', { stdout: serverVersion() })
    .on('kubectl', (a) => a[0] === 'config', { stdout: kubeconfigView(s.context, s.minikube) })
    .on('kubectl', (a) => a[0] === 'get' && a[1] === 'nodes,pods,events,replicasets,statefulsets,resourcequotas', {
      stdout: JSON.stringify(s.objects),
    })
    .on('kubectl', (a) => a[0] === 'get' && a[1] === 'namespace', {
      stdout:
        s.namespaceExists === false
          ? ''
          : JSON.stringify({ kind: 'Namespace', metadata: { name: s.ns }, status: { phase: 'Active' } }),
    })
    .on(
      'kubectl',
      (a) => a[0] === 'get' && /^secrets?$/.test(a[1]!),
      (a) =>
        a[3] === KEYS_TEMPLATE
          ? { stdout: keys(s.secrets ?? {}) }
          : {
              stdout: JSON.stringify({
                items: [{ kind: 'Secret', metadata: { name: 'todo-backend-secrets' }, data: { 'database-url': SECRET_VALUE } }],
              }),
            },
    )
    .on('kubectl', (a) => a[0] === 'get' && a[1] === 'configmaps', {
      stdout: keys(s.configMaps ?? { 'kube-root-ca.crt': ['ca.crt'] }),
    })
    .on('kubectl', (a) => a[0] === 'get' && a[1] === 'pods' && a.includes('component=kube-apiserver'), {
      stdout: JSON.stringify({ items: s.apiServerPods ?? [] }),
    })
    .on('kubectl', (a) => a[0] === 'logs' && a.includes('--previous'), {
      stdout: read('cli/test/fixtures/doctor/previous-container.log'),
    })
    .on('helm', versionCall, { stdout: 'v4.3.1' })
    .on('helm', (a) => a[0] === 'list', { stdout: JSON.stringify(s.releases ?? []) })
    .on(
      'helm',
      (a) => a[0] === 'history',
      (a) => ({ stdout: JSON.stringify(s.histories?.[a[1]!] ?? []) }),
    );
}

const fixtureObjects = JSON.parse(read('cli/test/fixtures/doctor/namespace-objects.json')) as {
  items: { kind: string; metadata: { name: string } }[];
};
const nodesOnly = { items: fixtureObjects.items.filter((i) => i.kind === 'Node') };
const quota = { kind: 'ResourceQuota', metadata: { name: 'todo-quota' }, status: { hard: { pods: '50' }, used: { pods: '2' } } };
const deployed = (name: string) => ({
  name,
  namespace: 'todo-dev',
  revision: '2',
  updated: '2026-12-01 10:00:00.123456789 +0000 UTC',
  status: 'deployed',
  chart: `${name}-0.2.0`,
  app_version: '0.1.0',
});
const backendKeys = { 'todo-backend-secrets': ['database-url', 'jwt-secret', 'openai-api-key'] };
/** The stand-in docker's answer (test/fixtures/bin/docker: docker 27.3.1 with a running engine). */
const dockerVersion = () => {
  const script = read('test/fixtures/bin/docker');
  return script.slice(script.indexOf("<<'JSON'\n") + 9, script.indexOf('\nJSON\n'));
};

type Report = {
  ok: boolean;
  checks: { name: string; status: string; detail: string; fix?: string; notRun?: true; findings?: Record<string, unknown>[] }[];
};
const byName = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.name, c]));

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('todoctl doctor', () => {
  it('passes on a healthy namespace: every check, JSON on stdout and nothing on stderr', async () => {
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl', docker: '/usr/bin/docker' }), {
      ns: 'todo-dev',
      context: 'kwok',
      objects: { items: [...nodesOnly.items, quota] },
      secrets: backendKeys,
      releases: [deployed('todo-backend'), deployed('todo-frontend')],
    }).on('docker', ['version', '--format', '{{json .}}'], { stdout: dockerVersion() });
    const run = await runTodoctl(['doctor', '-o', 'json', '--context', 'kwok'], { runner, cwd: repoRoot });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => [c.name, c.status])).toEqual([
      ['node', 'ok'],
      ['config', 'ok'],
      ['helm', 'ok'],
      ['kubectl', 'ok'],
      ['container-tool', 'ok'],
      ['cluster', 'ok'],
      ['cluster-resources', 'ok'],
      ['namespace', 'ok'],
      ['quota', 'ok'],
      ['secrets', 'ok'],
      ['releases', 'ok'],
      // the test cluster's API server does not run as a pod: its flags cannot be read
      ['encryption-at-rest', 'warn'],
      ['audit-logging', 'warn'],
      ['workloads', 'ok'],
      ['metrics', 'ok'],
      ['kubectl-ai', 'warn'],
    ]);
    const checks = byName(report);
    expect(checks.helm!.detail).toBe('v4.3.1 (Helm 4)');
    expect(checks.cluster!.detail).toBe('server v1.36.3 (context kwok)');
    // the required Secret comes from charts/todo-backend/values.yaml: existingSecret and secretKeys
    expect(checks.secrets!.detail).toBe('present in todo-dev: todo-backend-secrets (database-url, jwt-secret, openai-api-key)');
    // one `helm version` serves both the version and the major version
    expect(runner.calls.filter((c) => c.cmd === 'helm' && c.args[0] === 'version')).toHaveLength(1);
    // no minikube context: minikube is never asked
    expect(runner.calls.some((c) => c.cmd === 'minikube')).toBe(false);
  });

  it('fails with exit 1 and a fix for each missing piece; what needs the cluster is not run', async () => {
    const runner = new FakeRunner()
      .on('helm', versionCall, { exitCode: 127 })
      .on('kubectl', (a) => a[0] === 'version' || a[0] === 'config', { exitCode: 127 });
    const run = await runTodoctl(['doctor'], { runner, nodeVersion: 'v20.20.2' });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/^node\s+fail\s+v20\.20\.2$/m);
    expect(run.stdout).toMatch(/^to fix:\n {2}node\s+Install Node\.js >= 22\.12/m);
    expect(run.stdout).toMatch(/^helm\s+fail\s+helm was not found on PATH/m);
    expect(run.stdout).toMatch(/^kubectl\s+fail/m);
    expect(run.stdout).toMatch(/^workloads\s+warn\s+not run: the cluster did not answer \(see the cluster check\)/m);
    expect(run.stderr).toContain('4 check(s) failed: node, helm, kubectl, cluster');
  });

  it('an unreachable cluster is reported once, by the cluster check', async () => {
    const runner = new FakeRunner({ kubectl: '/usr/bin/kubectl' })
      .on('helm', versionCall, { stdout: 'v3.21.4' })
      .on('kubectl', (a) => a[0] === 'config', { stdout: kubeconfigView('kind-dev') })
      .on('kubectl', (a) => a[0] === 'version', {
        exitCode: 1,
        stderr: 'The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?\n',
      });
    const run = await runTodoctl(['doctor', '-o', 'json'], { runner, cwd: repoRoot });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.name)).toEqual(['cluster']);
    expect(byName(report).cluster!.detail).toBe(
      'kubectl version failed (exit code 1): The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?',
    );
    const skipped = report.checks.filter((c) => c.notRun).map((c) => c.name);
    expect(skipped).toEqual([
      'cluster-resources',
      'namespace',
      'quota',
      'secrets',
      'releases',
      'encryption-at-rest',
      'audit-logging',
      'workloads',
      'metrics',
    ]);
    // nothing else was asked of the cluster
    expect(
      runner.calls
        .filter((c) => c.cmd === 'kubectl')
        .map((c) => c.args[0])
        .sort(),
    ).toEqual(['config', 'version']);
  });

  it('names the cause of each failing workload, with the evidence and the fix (text)', async () => {
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl' }), {
      ns: 'todo-fixture',
      context: 'kwok',
      objects: fixtureObjects,
      secrets: { 'app-secrets': ['jwt-secret'] },
      configMaps: { 'app-config': ['BACKEND_PORT'], 'kube-root-ca.crt': ['ca.crt'] },
    }).onSpawn('kubectl', ['port-forward'], 'Forwarding from 127.0.0.1:43123 -> 9090\n');
    vi.stubGlobal(
      'fetch',
      async () => new Response('# HELP process_cpu_seconds_total\nprocess_cpu_seconds_total 1.5\n', { status: 200 }),
    );
    const run = await runTodoctl(['doctor', '-n', 'todo-fixture', '--context', 'kwok'], { runner, cwd: repoRoot });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('2 check(s) failed: secrets, workloads');
    expectGolden('doctor.txt', run.stdout);
    // the port-forward to the metrics port was stopped
    expect(runner.spawned).toEqual([expect.objectContaining({ cmd: 'kubectl', stopped: true })]);
  });

  it('reports the findings as JSON: the crash-looping container, its exit code and last log line', async () => {
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl' }), {
      ns: 'todo-fixture',
      context: 'kwok',
      objects: fixtureObjects,
    }).onSpawn('kubectl', ['port-forward'], 'Forwarding from 127.0.0.1:43123 -> 9090\n');
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('fetch failed');
    });
    const run = await runTodoctl(['doctor', '-n', 'todo-fixture', '-o', 'json'], { runner, cwd: repoRoot });
    const report = JSON.parse(run.stdout) as Report;
    const workloads = byName(report).workloads!;
    const crash = workloads.findings!.find((f) => f.reason === 'CrashLoopBackOff')!;
    expect(crash).toMatchObject({
      object: expect.stringMatching(/^pod\/crashloop-/),
      container: 'api',
      exitCode: 1,
      restarts: 5,
    });
    expect((crash.previousLogs as string[]).at(-1)).toBe(
      '{"level":"fatal","time":"2026-12-01T09:59:59.000Z","service":"todo","message":"invalid environment: BACKEND_DATABASE_URL is required"}',
    );
    expect(byName(report).metrics).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/:9090\/metrics: fetch failed$/),
    });
  });

  it('never shows a Secret value: Secrets are read by their keys only, in every format and with --verbose', async () => {
    for (const format of ['text', 'json', 'yaml']) {
      const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl' }), {
        ns: 'todo-dev',
        context: 'kwok',
        objects: { items: [...nodesOnly.items, quota] },
        secrets: { 'todo-backend-secrets': ['database-url'] },
      });
      const run = await runTodoctl(['doctor', '-o', format, '--verbose'], { runner, cwd: repoRoot });
      expect(run.stdout + run.stderr).not.toContain(SECRET_VALUE);
      expect(run.stdout + run.stderr).not.toContain(Buffer.from(SECRET_VALUE, 'base64').toString());
      const secretReads = runner.calls.filter((c) => c.cmd === 'kubectl' && /^secrets?$/.test(c.args[1] ?? ''));
      expect(secretReads.map((c) => c.args[3])).toEqual([KEYS_TEMPLATE]);
      // the keys are evidence: the missing ones are named
      expect(run.stdout).toContain('lacks key(s)');
    }
  });

  it('offers the exact repair for a release stuck in pending-upgrade', async () => {
    const history = JSON.parse(read('cli/test/fixtures/doctor/helm-history-pending-upgrade.json')) as unknown[];
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl' }), {
      ns: 'todo-dev',
      context: 'kwok',
      objects: { items: [...nodesOnly.items, quota] },
      secrets: backendKeys,
      releases: [{ ...deployed('todo-backend'), revision: '3', status: 'pending-upgrade' }, deployed('todo-frontend')],
      histories: { 'todo-backend': history },
    });
    const run = await runTodoctl(['doctor', '-o', 'json'], { runner, cwd: repoRoot });
    expect(run.exitCode).toBe(1);
    const releases = byName(JSON.parse(run.stdout) as Report).releases!;
    expect(releases.status).toBe('fail');
    expect(releases.detail).toContain(
      'todo-backend revision 3 pending-upgrade (todo-backend-0.2.0) since 2026-12-01 10:00:00.123456789 +0000 UTC: "Preparing upgrade"',
    );
    expect(releases.fix).toMatch(/^helm rollback todo-backend 2 -n todo-dev /);
    expect(runner.calls.filter((c) => c.cmd === 'helm' && c.args[0] === 'history').map((c) => c.args[1])).toEqual([
      'todo-backend',
    ]);
  });

  it("on a minikube context, checks minikube, its profile and addons, with minikube's own commands as fixes", async () => {
    // minikube's answers are what v1.34.0 prints (test/fixtures/minikube/default: see its README and
    // the sources named in test/fixtures/bin/minikube)
    const standin = (file: string) => read(`test/fixtures/minikube/default/${file}`);
    // the static pod kubeadm writes for minikube's API server, as kubectl prints it: no encryption, no audit flags
    const apiServer = JSON.parse(read('cli/test/fixtures/doctor/kube-apiserver-minikube.json')) as { items: unknown[] };
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl', docker: '/usr/bin/docker' }), {
      ns: 'todo-dev',
      context: 'minikube',
      minikube: true,
      objects: { items: [...nodesOnly.items, quota] },
      secrets: backendKeys,
      releases: [deployed('todo-backend'), deployed('todo-frontend')],
      apiServerPods: apiServer.items,
    })
      .on('docker', ['version', '--format', '{{json .}}'], { stdout: dockerVersion() })
      .on('minikube', ['version', '--output', 'json'], { stdout: standin('version.json') })
      .on('minikube', ['status', '--profile', 'minikube', '--output', 'json'], { stdout: standin('status.json') })
      .on('minikube', ['profile', 'list', '--output', 'json', '--light'], { stdout: standin('profile-list.json') })
      .on('minikube', ['addons', 'list', '--profile', 'minikube', '--output', 'json'], { stdout: standin('addons-list.json') })
      .on('minikube', ['ip', '--profile', 'minikube'], { stdout: standin('ip') });
    const run = await runTodoctl(['doctor', '-o', 'json'], { runner, cwd: repoRoot });
    expect(run.exitCode).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.checks.map((c) => c.name).slice(4, 10)).toEqual([
      'container-tool',
      'minikube',
      'minikube-profile',
      'cluster',
      'cluster-resources',
      'minikube-addons',
    ]);
    const checks = byName(report);
    expect(checks['container-tool']).toMatchObject({
      status: 'ok',
      detail: "docker 27.3.1 (/usr/bin/docker), engine 27.3.1; minikube's driver is docker",
    });
    expect(checks.minikube).toMatchObject({ status: 'ok', detail: 'minikube v1.34.0' });
    expect(checks['minikube-profile']).toMatchObject({
      status: 'ok',
      detail:
        'profile minikube (driver docker, runtime docker, Kubernetes v1.31.0, node 192.168.49.2): minikube: host Running, kubelet Running, apiserver Running, kubeconfig Configured',
    });
    expect(checks['cluster-resources']).toMatchObject({
      status: 'fail',
      fix: 'minikube delete -p minikube && minikube start -p minikube --cpus=4 --memory=8192',
    });
    expect(checks['minikube-addons']).toMatchObject({
      status: 'fail',
      detail: 'ingress enabled, metrics-server disabled',
      fix: 'minikube addons enable metrics-server -p minikube',
    });
    expect(checks['encryption-at-rest']).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('apiserver.encryption-provider-config'),
    });
    expect(checks['audit-logging']).toMatchObject({
      status: 'fail',
      fix: expect.stringContaining('apiserver.audit-policy-file'),
    });
    expect(run.stderr).toContain('check(s) failed: cluster-resources, minikube-addons, encryption-at-rest, audit-logging');
  });

  it('a minikube context without minikube installed: said once, the profile checks are not run', async () => {
    const runner = scriptCluster(new FakeRunner({ kubectl: '/usr/bin/kubectl' }), {
      ns: 'todo-dev',
      context: 'minikube',
      minikube: true,
      objects: { items: [...nodesOnly.items, quota] },
      secrets: backendKeys,
    }).on('minikube', () => true, { exitCode: 127 });
    const run = await runTodoctl(['doctor', '-o', 'json'], { runner, cwd: repoRoot });
    const checks = byName(JSON.parse(run.stdout) as Report);
    expect(checks.minikube).toMatchObject({
      status: 'fail',
      detail: 'minikube was not found on PATH',
      fix: expect.stringContaining('Install minikube >= 1.32'),
    });
    expect(checks['minikube-profile']).toMatchObject({ status: 'warn', notRun: true });
    expect(checks['minikube-addons']).toMatchObject({ status: 'warn', notRun: true });
  });
});
