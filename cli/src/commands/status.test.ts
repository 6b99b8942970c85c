import { describe, expect, it } from 'vitest';
import { HelmClient } from '../clients/helm.js';
import { expectGolden } from '../../test/helpers/golden.js';
import { FakeRunner } from '../../test/helpers/fake-runner.js';
import { runTodoctl } from '../../test/helpers/run-todoctl.js';

const target = ['--kubeconfig', '/k/config', '--namespace', 'todo-dev'];
const releases = [
  {
    name: 'todo-backend',
    namespace: 'todo-dev',
    revision: '3',
    updated: 'now',
    status: 'deployed',
    chart: 'todo-backend-0.2.0',
    app_version: '0.1.0',
  },
  {
    name: 'todo-frontend',
    namespace: 'todo-dev',
    revision: '1',
    updated: 'now',
    status: 'failed',
    chart: 'todo-frontend-0.2.0',
    app_version: '0.1.0',
  },
];
const pod = (name: string, status: object, ready: boolean) => ({
  metadata: { name, namespace: 'todo-dev' },
  spec: { nodeName: 'kwok-node-0', containers: [{ name: 'app', image: `${name.split('-').slice(0, 2).join('-')}:dev-1a2b3c4` }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
    containerStatuses: [{ name: 'app', ready, ...status }],
  },
});
const pods = {
  items: [
    pod('todo-backend-7d9f-abcde', { restartCount: 0, state: { running: {} } }, true),
    pod(
      'todo-frontend-5c4b-fghij',
      { restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } },
      false,
    ),
  ],
};

/** helm list and kubectl get pods answer in any order: status asks them side by side. */
function cluster() {
  return new FakeRunner()
    .on('helm', [...HelmClient.listArgs(), '--kubeconfig', '/k/config', '--namespace', 'todo-dev'], {
      stdout: JSON.stringify(releases),
    })
    .on('kubectl', ['get', 'pods', '--output', 'json', ...target], { stdout: JSON.stringify(pods) })
    .on('kubectl', ['get', 'ingresses,services', '--output', 'json', ...target], { stdout: JSON.stringify(objects) })
    .on('kubectl', ['config', 'view', '--minify', '--output', 'json', '--kubeconfig', '/k/config'], {
      stdout: JSON.stringify(kubeconfig),
    });
}

const service = (release: string, port: number) => ({
  kind: 'Service',
  metadata: { name: release, labels: { 'app.kubernetes.io/instance': release } },
  spec: { type: 'ClusterIP', ports: [{ name: 'http', port }] },
});
const objects = {
  items: [
    {
      kind: 'Ingress',
      metadata: { name: 'todo-frontend', labels: { 'app.kubernetes.io/instance': 'todo-frontend' } },
      spec: { rules: [{ host: 'todo.example.test', http: { paths: [{ path: '/' }] } }] },
    },
    service('todo-backend', 8080),
    service('todo-frontend', 3000),
  ],
};
const kubeconfig = {
  'current-context': 'kind-dev',
  contexts: [{ name: 'kind-dev', context: { cluster: 'kind-dev' } }],
  clusters: [{ name: 'kind-dev', cluster: { server: 'https://127.0.0.1:6443' } }],
};

describe('todoctl status (in-process)', () => {
  it('prints the releases and pods as tables', async () => {
    const run = await runTodoctl(['status', ...target], { runner: cluster() });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expectGolden('status.txt', run.stdout);
  });

  it('prints every field as JSON', async () => {
    const run = await runTodoctl(['status', '-o', 'json', ...target], { runner: cluster() });
    expect(run.exitCode).toBe(0);
    expectGolden('status.json', run.stdout);
    expect(JSON.parse(run.stdout)).toMatchObject({ namespace: 'todo-dev', healthy: false });
  });

  it('looks in the namespace todoctl.yaml gives the environment when -n is not set', async () => {
    const runner = new FakeRunner()
      .on('helm', [...HelmClient.listArgs(), '--namespace', 'todo-staging'], { stdout: '[]' })
      .on('kubectl', ['get', 'pods', '--output', 'json', '--namespace', 'todo-staging'], { stdout: '{"items":[]}' })
      .on('kubectl', ['get', 'ingresses,services', '--output', 'json', '--namespace', 'todo-staging'], { stdout: '{"items":[]}' })
      .on('kubectl', ['config', 'view', '--minify', '--output', 'json'], { stdout: JSON.stringify(kubeconfig) });
    const run = await runTodoctl(['status', '--env', 'staging', '-o', 'json'], { runner });
    expect(run.stderr).toBe('');
    // nothing deployed is not healthy
    expect(JSON.parse(run.stdout)).toEqual({ namespace: 'todo-staging', releases: [], pods: [], urls: [], healthy: false });
  });
});
