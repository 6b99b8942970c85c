import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeRunner } from '../../../test/helpers/fake-runner.js';
import { KubectlClient } from '../../clients/kubectl.js';
import { healthTargets } from './up.js';
import { verifiedRevisions, verifyService } from './verify.js';

/** A stand-in for the pod behind the Service: the port a port-forward would reach. */
let server: http.Server;
let port: number;
let ready = true;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/readyz' && !ready) return void res.writeHead(503).end('{"status":"starting"}');
    if (req.url === '/metrics') return void res.end('# HELP up 1\n# TYPE up gauge\nup 1\n');
    res.end('{"status":"ok"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function kubectlTo(localPort: number) {
  const runner = new FakeRunner()
    .on('kubectl', ['get', 'service', 'todo-backend'], {
      stdout: JSON.stringify({
        spec: {
          ports: [
            { name: 'http', port: 8080 },
            { name: 'metrics', port: 9090 },
          ],
        },
      }),
    })
    .onSpawn(
      'kubectl',
      ['port-forward', 'service/todo-backend', ':8080', ':9090'],
      `Forwarding from 127.0.0.1:${localPort} -> 8080\nForwarding from 127.0.0.1:${localPort} -> 9090\n`,
    );
  return { runner, kubectl: new KubectlClient(runner) };
}

describe('verifyService', () => {
  const targets = healthTargets({ probes: { liveness: { path: '/healthz' }, readiness: { path: '/readyz' } } });

  it('asks the probes and /metrics through a port-forward to the Service, then stops it', async () => {
    ready = true;
    const { runner, kubectl } = kubectlTo(port);
    const health = await verifyService(kubectl, 'todo-backend', 'todo-backend', targets);
    expect(health.healthy).toBe(true);
    expect(health.checks.map((c) => [c.path, c.status])).toEqual([
      ['/healthz', 200],
      ['/readyz', 200],
      ['/metrics', 200],
    ]);
    expect(runner.spawned).toEqual([expect.objectContaining({ stopped: true })]);
  });

  it('reports what answered wrong, with the status and body', async () => {
    ready = false;
    const { kubectl } = kubectlTo(port);
    const health = await verifyService(kubectl, 'todo-backend', 'todo-backend', targets, { waitMs: 0 });
    expect(health.healthy).toBe(false);
    expect(health.checks.find((c) => c.path === '/readyz')).toMatchObject({
      ok: false,
      status: 503,
      detail: 'HTTP 503: {"status":"starting"}',
    });
  });
});

describe('verifiedRevisions', () => {
  it('takes only labels whose revision is their own: helm copies custom labels to later revisions', async () => {
    const secret = (version: string, verified: string) => ({
      metadata: { labels: { version, 'todoctl.dev/verified-revision': verified } },
    });
    const runner = new FakeRunner().on(
      'kubectl',
      ['get', 'secrets', '--selector', 'owner=helm,name=todo-backend,todoctl.dev/verified-revision'],
      {
        stdout: JSON.stringify({ items: [secret('1', '1'), secret('3', '1'), secret('4', '4'), secret('5', '4')] }),
      },
    );
    expect(await verifiedRevisions(new KubectlClient(runner), 'todo-backend')).toEqual([4, 1]);
  });
});
