// API benchmark against real PostgreSQL: GET list, POST create and a mixed load at 50
// connections, next to a bare Koa route (the framework ceiling) measured in the same run.
//
//   npm run build -w apps/api
//   eval "$(bash test/services/postgres.sh up)" && export TEST_DATABASE_URL
//   node apps/api/bench/api.mjs            (BENCH_DURATION=seconds, BENCH_CONNECTIONS=n)
//
// Two rows split the list figure into its parts: the bare route answering the bytes of a real
// list page (what the response size alone costs), and GET /api/auth/me, which runs the API's
// whole request pipeline without touching the database.
//
// Servers run as child processes so their RSS is their own, not the load generator's: the
// table shows each server's VmRSS after the scenario and its peak (VmHWM) so far, read from
// /proc/<pid>/status. Both run with the V8 flags the image sets in NODE_OPTIONS (Dockerfile).
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';

const here = path.dirname(fileURLToPath(import.meta.url));
const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (!adminUrl) {
  console.error(
    'bench: set TEST_DATABASE_URL (or BENCH_DATABASE_URL) to a PostgreSQL server, e.g.\n' +
      '  eval "$(bash test/services/postgres.sh up)" && export TEST_DATABASE_URL',
  );
  process.exit(2);
}
const duration = Number(process.env.BENCH_DURATION ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const memMb = (pid) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field) => Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  return { rss: mb('VmRSS'), hwm: mb('VmHWM') };
};

// the production process's V8 flags (heap sizing), so the memory measured is the memory shipped
const dockerfile = readFileSync(path.join(here, '..', 'Dockerfile'), 'utf8');
const nodeOptions = /^ENV NODE_OPTIONS="([^"]*)"/m.exec(dockerfile)?.[1] ?? '';

async function waitFor(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${url}`);
}

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections, duration, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

const rows = [];
function record(name, result, pid) {
  const row = {
    scenario: name,
    'req/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    'non-2xx': result.non2xx,
    errors: result.errors + result.timeouts,
    'rss MB': 0,
    'peak rss MB': 0,
  };
  const mem = memMb(pid);
  row['rss MB'] = mem.rss;
  row['peak rss MB'] = mem.hwm;
  rows.push(row);
  return row;
}

const dbName = `todo_api_bench_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
const dbUrl = new URL(adminUrl);
dbUrl.pathname = `/${dbName}`;

const children = [];
try {
  const barePort = await freePort();
  const bare = fork(path.join(here, 'bare-koa.mjs'), {
    env: { ...process.env, NODE_OPTIONS: nodeOptions, PORT: String(barePort) },
    stdio: 'ignore',
  });
  children.push(bare);
  await waitFor(`http://127.0.0.1:${barePort}/`);

  const apiPort = await freePort();
  const api = fork(path.join(here, '..', 'dist', 'server.js'), {
    cwd: path.join(here, '..'),
    env: {
      ...process.env,
      NODE_OPTIONS: nodeOptions,
      NODE_ENV: 'production',
      BACKEND_HOST: '127.0.0.1',
      BACKEND_PORT: String(apiPort),
      BACKEND_METRICS_PORT: String(await freePort()),
      BACKEND_DATABASE_URL: dbUrl.toString(),
      // unset: the service's own default (BACKEND_DB_POOL_MAX in env.ts)
      ...(process.env.BENCH_POOL_MAX ? { BACKEND_DB_POOL_MAX: process.env.BENCH_POOL_MAX } : {}),
      BACKEND_JWT_SECRET: 'bench-secret-'.padEnd(40, 'x'),
      BACKEND_LOG_LEVEL: 'warn',
      BACKEND_CHAT_RATE_LIMIT: '10000',
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.push(api);
  const base = `http://127.0.0.1:${apiPort}`;
  await waitFor(`${base}/readyz`);

  const signup = await fetch(`${base}/api/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password' }),
  });
  const { token } = await signup.json();
  const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  for (let i = 0; i < 50; i++) {
    await fetch(`${base}/api/todos`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: `seed task ${i}`, due_date: '2026-12-01' }),
    });
  }
  const createBody = JSON.stringify({ title: 'bench task', priority: 'high' });

  console.error(`bench: ${connections} connections, ${duration}s per scenario, NODE_OPTIONS="${nodeOptions}"`);
  record('bare koa route (ceiling)', await run({ url: `http://127.0.0.1:${barePort}/` }), bare.pid);
  // the same bare route answering the bytes of a real list page (no middleware, no DB)
  const page = await (await fetch(`${base}/api/todos?limit=20`, { headers: auth })).text();
  const pageFile = path.join(mkdtempSync(path.join(tmpdir(), 'todo-bench-')), 'page.json');
  writeFileSync(pageFile, page);
  const sizedPort = await freePort();
  const sized = fork(path.join(here, 'bare-koa.mjs'), {
    env: { ...process.env, NODE_OPTIONS: nodeOptions, PORT: String(sizedPort), BODY_FILE: pageFile },
    stdio: 'ignore',
  });
  children.push(sized);
  await waitFor(`http://127.0.0.1:${sizedPort}/`);
  rmSync(path.dirname(pageFile), { recursive: true, force: true }); // read once at start
  record(`bare koa, list page body (${page.length} B)`, await run({ url: `http://127.0.0.1:${sizedPort}/` }), sized.pid);
  sized.kill('SIGTERM');
  // The API's own request pipeline with no database work: trace id, request log, metrics,
  // body parser, router and bearer auth (a verified token is cached), then a small JSON body.
  // The list pays all of this too, so this row bounds what the list could reach with a free DB.
  record('GET /api/auth/me (pipeline, no DB)', await run({ url: `${base}/api/auth/me`, headers: auth }), api.pid);
  record('GET /api/todos?limit=20', await run({ url: `${base}/api/todos?limit=20`, headers: auth }), api.pid);
  record('POST /api/todos', await run({ url: `${base}/api/todos`, method: 'POST', headers: auth, body: createBody }), api.pid);
  // mixed: 80 % of the connections list while 20 % create, at the same time
  const listConns = Math.max(1, Math.round(connections * 0.8));
  const [mixList, mixCreate] = await Promise.all([
    run({ url: `${base}/api/todos?limit=20`, headers: auth, connections: listConns }),
    run({ url: `${base}/api/todos`, method: 'POST', headers: auth, body: createBody, connections: connections - listConns }),
  ]);
  const merged = {
    requests: { average: mixList.requests.average + mixCreate.requests.average },
    latency: {
      p50: Math.max(mixList.latency.p50, mixCreate.latency.p50),
      p99: Math.max(mixList.latency.p99, mixCreate.latency.p99),
    },
    non2xx: mixList.non2xx + mixCreate.non2xx,
    errors: mixList.errors + mixCreate.errors,
    timeouts: mixList.timeouts + mixCreate.timeouts,
  };
  record('mixed 80% list / 20% create', merged, api.pid);

  console.table(rows);
  const ceiling = rows[0]['req/s'];
  const sizedRow = rows[1];
  const pipeline = rows[2];
  const list = rows[3];
  console.log(
    JSON.stringify({
      list_vs_ceiling: Math.round((list['req/s'] / ceiling) * 100) / 100,
      list_body_vs_ceiling: Math.round((sizedRow['req/s'] / ceiling) * 100) / 100,
      pipeline_vs_ceiling: Math.round((pipeline['req/s'] / ceiling) * 100) / 100,
      list_vs_pipeline: Math.round((list['req/s'] / pipeline['req/s']) * 100) / 100,
      targets: { list_vs_ceiling: '>= 0.40', p99_ms: '< 50', rss_mb: '< 150' },
      list_p99_ms: list['p99 ms'],
      api_rss_mb: Math.max(...rows.slice(2).map((r) => r['rss MB'])),
      api_peak_rss_mb: Math.max(...rows.slice(2).map((r) => r['peak rss MB'])),
      bare_peak_rss_mb: rows[0]['peak rss MB'],
    }),
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1_000));
  await admin.query(`drop database if exists ${dbName} with (force)`).catch(() => undefined);
  await admin.end();
}
