import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/knex.js';
import { migrations, migrationsApplied, runMigrations } from '../../src/db/migrations.js';
import { client, createTestDatabase, signup, startTestApp, type TestApp } from '../support/harness.js';
import { startTcpProxy } from '../support/tcp-proxy.js';

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
};

describe('PostgreSQL operations', () => {
  it('applies migrations once when replicas race for them', async () => {
    const database = await createTestDatabase();
    const dbs = await Promise.all(
      [0, 1, 2].map(() =>
        createDatabase({
          databaseUrl: database.url,
          dataDir: ':memory:',
          poolMin: 0,
          poolMax: 2,
          connectTimeoutMs: 5_000,
          statementTimeoutMs: 30_000,
        }),
      ),
    );
    try {
      const results = await Promise.all(dbs.map((db) => runMigrations(db.knex)));
      expect(results.flat().sort()).toEqual(migrations.map((m) => m.name));
      expect(await migrationsApplied(dbs[0]!.knex)).toBe(true);
      const rows = await dbs[0]!.knex('knex_migrations').select('name');
      expect(rows.map((r: { name: string }) => r.name)).toEqual(migrations.map((m) => m.name));
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
      await database.drop();
    }
  });

  it('reports not ready before migrations are applied', async () => {
    const database = await createTestDatabase();
    const app = await startTestApp('postgres', { BACKEND_DATABASE_URL: database.url, BACKEND_MIGRATE_ON_START: 'false' });
    try {
      const ready = await client(app.url).request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks).toEqual({ started: true, database: true, migrations: false });
    } finally {
      await app.close();
      await database.drop();
    }
  });

  describe('database outage', () => {
    let app: TestApp;
    let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
    let database: Awaited<ReturnType<typeof createTestDatabase>>;

    beforeAll(async () => {
      database = await createTestDatabase();
      const real = new URL(database.url);
      proxy = await startTcpProxy(real.hostname, Number(real.port || 5432));
      const viaProxy = new URL(database.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      app = await startTestApp('postgres', {
        BACKEND_DATABASE_URL: viaProxy.toString(),
        BACKEND_DB_CONNECT_TIMEOUT_MS: '1000',
        BACKEND_DB_POOL_MIN: '0',
        BACKEND_DB_POOL_MAX: '4',
      });
    });
    afterAll(async () => {
      await app?.close();
      await proxy?.close();
      await database?.drop();
    });

    it('fails readiness and answers 503 while the database is gone, then recovers', async () => {
      const u = await signup(app.url);
      expect((await u.request('POST', '/api/todos', { title: 'before outage' })).status).toBe(201);

      proxy.cut();
      const ready = await client(app.url).request('GET', '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe(false);
      for (const [method, path, body] of [
        ['GET', '/api/todos'],
        ['POST', '/api/todos', { title: 'during outage' }],
        ['POST', '/api/auth/login', { email: u.email, password: 'whatever-pass' }],
      ] as const) {
        const res = await u.request(method, path, body);
        expect(res.status, `${method} ${path}`).toBe(503);
        expect(res.body.error.code).toBe('database_unavailable');
      }
      // the process is alive and still answers liveness
      expect((await client(app.url).request('GET', '/healthz')).status).toBe(200);

      proxy.restore();
      await waitFor(
        'readiness after the database returns',
        async () => (await client(app.url).request('GET', '/readyz')).status === 200,
      );
      const list = await u.request('GET', '/api/todos');
      expect(list.status).toBe(200);
      expect(list.body.items.map((t: { title: string }) => t.title)).toEqual(['before outage']);
    });
  });

  it('drains an in-flight request on stop, then refuses new connections', async () => {
    const app = await startTestApp('postgres');
    const u = await signup(app.url);
    // a chat turn is the longest request we serve; start it and stop the server mid-flight
    const inflight = fetch(`${app.url}/api/chat`, {
      method: 'POST',
      headers: { authorization: `Bearer ${u.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'add drain test' }),
    }).then(async (r) => ({ status: r.status, text: await r.text() }));
    await new Promise((r) => setTimeout(r, 20));
    await app.close();
    const done = await inflight;
    expect(done.status).toBe(200);
    expect(done.text).toContain('event: done');
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  });
});
