import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeRunner } from '../../../test/helpers/fake-runner.js';
import { runTodoctl } from '../../../test/helpers/run-todoctl.js';
import { HelmClient } from '../../clients/helm.js';
import { urlsFrom, type ClusterAccess } from './urls.js';

const labels = (release: string) => ({ name: release, labels: { 'app.kubernetes.io/instance': release } });
const services = [
  { metadata: labels('todo-backend'), spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 8080 }] } },
  { metadata: labels('todo-frontend'), spec: { type: 'ClusterIP', ports: [{ name: 'http', port: 3000 }] } },
];
const ingress = (host: string, tls = false) => ({
  metadata: labels('todo-frontend'),
  spec: {
    ...(tls ? { tls: [{ hosts: [host] }] } : {}),
    rules: [{ host, http: { paths: [{ path: '/', backend: { service: { name: 'todo-frontend' } } }] } }],
  },
});
const minikube = (driver: string, os: NodeJS.Platform): ClusterAccess => ({
  kind: 'minikube',
  profile: 'minikube',
  driver,
  ip: '192.168.49.2',
  os,
});

describe('urlsFrom', () => {
  it('gives a ClusterIP service the port-forward that reaches it, on every kind of cluster', () => {
    for (const access of [minikube('docker', 'linux'), minikube('docker', 'darwin'), { kind: 'other', os: 'linux' } as const]) {
      expect(urlsFrom(['todo-backend'], services, [], 'todo-dev', access)).toEqual([
        {
          release: 'todo-backend',
          url: 'http://127.0.0.1:8080/',
          how: 'kubectl port-forward -n todo-dev service/todo-backend 8080:8080',
        },
      ]);
    }
  });

  it('prefers the Ingress, and says what makes its host answer for the Minikube driver and the OS', () => {
    const url = (access: ClusterAccess, host = 'todo.example.test') =>
      urlsFrom(['todo-frontend'], services, [ingress(host)], 'todo-dev', access)[0]!;
    // Linux: the node IP is routable, the host must resolve to it
    expect(url(minikube('docker', 'linux'))).toEqual({
      release: 'todo-frontend',
      url: 'http://todo.example.test/',
      how: 'through the Ingress at 192.168.49.2: map it once with echo "192.168.49.2 todo.example.test" | sudo tee -a /etc/hosts',
    });
    // macOS and Windows with the docker driver: only minikube tunnel reaches the Ingress, on 127.0.0.1
    expect(url(minikube('docker', 'darwin')).how).toBe(
      'through the Ingress while minikube tunnel -p minikube runs, with todo.example.test mapped to 127.0.0.1 in /etc/hosts',
    );
    expect(url(minikube('podman', 'win32')).how).toContain('C:\\Windows\\System32\\drivers\\etc\\hosts');
    // a *.localhost host already means 127.0.0.1: nothing to map behind a tunnel, and no way to reach a node IP
    expect(url(minikube('docker', 'darwin'), 'todo.localhost').how).toBe(
      'through the Ingress while minikube tunnel -p minikube runs',
    );
    expect(url(minikube('kvm2', 'linux'), 'todo.localhost').how).toMatch(/todo.localhost always means 127.0.0.1, not the node/);
    // a VM driver on macOS has a routable IP, like Linux
    expect(url(minikube('hyperkit', 'darwin')).how).toMatch(/^through the Ingress at 192.168.49.2/);
    expect(url({ kind: 'docker-desktop', os: 'darwin' }, 'todo.localhost').how).toBe('through the Ingress on localhost');
  });

  it('uses https for a host the Ingress terminates TLS for, and gives no URL to a release without a Service', () => {
    expect(
      urlsFrom(['todo-frontend'], services, [ingress('todo.example.test', true)], 'todo-dev', { kind: 'other', os: 'linux' })[0]!
        .url,
    ).toBe('https://todo.example.test/');
    expect(urlsFrom(['todo-infrastructure'], services, [], 'todo-dev', { kind: 'other', os: 'linux' })).toEqual([]);
  });
});

// What minikube v1.34.0 prints (docker driver): test/fixtures/minikube/README.md and the stand-in's sources.
const printed = (file: string) =>
  readFileSync(new URL(`../../../../test/fixtures/minikube/default/${file}`, import.meta.url), 'utf8');

describe('status URLs on minikube', () => {
  it('reads the driver from minikube profile list and the node IP from minikube ip', async () => {
    const target = ['--kubeconfig', '/k/config', '--namespace', 'todo-dev'];
    const kubeconfig = {
      'current-context': 'minikube',
      contexts: [{ name: 'minikube', context: { cluster: 'minikube' } }],
      clusters: [{ name: 'minikube', cluster: { server: 'https://192.168.49.2:8443' } }],
    };
    const release = {
      name: 'todo-frontend',
      namespace: 'todo-dev',
      revision: '1',
      updated: 'now',
      status: 'deployed',
      chart: 'c',
      app_version: '1',
    };
    const runner = new FakeRunner()
      .on('helm', [...HelmClient.listArgs(), ...target], { stdout: JSON.stringify([release]) })
      .on('kubectl', ['get', 'pods', '--output', 'json', ...target], { stdout: '{"items":[]}' })
      .on('kubectl', ['get', 'ingresses,services', '--output', 'json', ...target], {
        stdout: JSON.stringify({ items: [{ kind: 'Ingress', ...ingress('todo.example.test') }] }),
      })
      .on('kubectl', ['config', 'view', '--minify', '--output', 'json', '--kubeconfig', '/k/config'], {
        stdout: JSON.stringify(kubeconfig),
      })
      .on('minikube', ['profile', 'list', '--output', 'json', '--light'], { stdout: printed('profile-list.json') })
      .on('minikube', ['ip', '--profile', 'minikube'], { stdout: printed('ip') });
    const run = await runTodoctl(['status', '-o', 'json', ...target], { runner });
    expect(run.stderr).toBe('');
    const expected =
      process.platform === 'linux'
        ? 'through the Ingress at 192.168.49.2: map it once with echo "192.168.49.2 todo.example.test" | sudo tee -a /etc/hosts'
        : 'through the Ingress while minikube tunnel -p minikube runs, with todo.example.test mapped to 127.0.0.1 in /etc/hosts';
    expect(JSON.parse(run.stdout).urls).toEqual([{ release: 'todo-frontend', url: 'http://todo.example.test/', how: expected }]);
  });
});
