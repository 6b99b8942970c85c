import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadEnv } from '../../src/env.js';
import { start, type RunningServer, type StartOptions } from '../../src/server.js';
import { createLogger } from '../../src/observability/logger.js';

export type Backend = 'pglite' | 'postgres';

export const POSTGRES_HELP =
  'TEST_DATABASE_URL is not set, so the PostgreSQL integration tests cannot run. Start a throwaway server with:\n' +
  '  eval "$(bash test/services/postgres.sh up)" && export TEST_DATABASE_URL\n' +
  'then re-run the tests; stop it with: bash test/services/postgres.sh down\n' +
  '(needs the Debian package: apt-get install postgresql)';

/** The admin URL of the test PostgreSQL server; throws (fails the suite) when it is not configured. */
export function requirePostgresUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error(POSTGRES_HELP);
  return url;
}

/** Creates a fresh database on the test server, so test files never share state. */
export async function createTestDatabase(prefix = 'todo_api_test'): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = requirePostgresUrl();
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestApp extends RunningServer {
  databaseUrl?: string;
  close(): Promise<void>;
}

export const TEST_SECRET = 'test-secret-'.padEnd(48, 'x');

/** Starts the real app on port 0 against PGlite (in memory) or a fresh PostgreSQL database. */
export async function startTestApp(
  backend: Backend,
  envOverrides: Record<string, string> = {},
  opts: Omit<StartOptions, 'env'> = {},
): Promise<TestApp> {
  let database: { url: string; drop(): Promise<void> } | undefined;
  if (backend === 'postgres' && !envOverrides.BACKEND_DATABASE_URL) database = await createTestDatabase();
  const env = loadEnv({
    NODE_ENV: 'test',
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: '0',
    BACKEND_METRICS_PORT: '0',
    BACKEND_JWT_SECRET: TEST_SECRET,
    BACKEND_DATA_DIR: ':memory:',
    BACKEND_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BACKEND_SHUTDOWN_TIMEOUT_MS: '2000',
    ...(database ? { BACKEND_DATABASE_URL: database.url } : {}),
    ...envOverrides,
  });
  const logger = opts.logger ?? createLogger({ service: 'todo-api-test', level: env.BACKEND_LOG_LEVEL });
  const running = await start({ ...opts, env, logger });
  return {
    ...running,
    ...(database ? { databaseUrl: database.url } : {}),
    async close() {
      await running.stop();
      await database?.drop();
    },
  };
}

/** Parsed JSON from responses: tests index into it freely and let assertions do the checking. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted on, not trusted
export type Json = any;

export interface Client {
  token?: string;
  request(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Json; headers: Headers }>;
}

/** A tiny JSON HTTP client bound to one app and (optionally) one user's token. */
export function client(baseUrl: string, token?: string): Client {
  return {
    token,
    async request(method, path, body, headers = {}) {
      const init: RequestInit = { method, headers: { ...headers } };
      if (token) (init.headers as Record<string, string>).authorization = `Bearer ${token}`;
      if (body !== undefined) {
        (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
        init.body = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(`${baseUrl}${path}`, init);
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // non-JSON bodies are returned as text so assertions can show them
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
}

let userCounter = 0;
/** Signs up a new user and returns a client carrying its token. */
export async function signup(baseUrl: string, email?: string): Promise<Client & { userId: number; email: string }> {
  const address = email ?? `user${++userCounter}-${randomBytes(3).toString('hex')}@example.test`;
  const res = await client(baseUrl).request('POST', '/api/auth/signup', { email: address, password: 'correct horse battery' });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { ...client(baseUrl, res.body.token), userId: res.body.user.id, email: address };
}

export interface SseEvent {
  event: string;
  data: Json;
}

/** POSTs a chat message and parses the whole Server-Sent Events response. */
export async function chat(
  baseUrl: string,
  token: string,
  body: unknown,
): Promise<{ status: number; events: SseEvent[]; raw: string; contentType: string | null }> {
  const res = await fetch(`${baseUrl}/api/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  const events: SseEvent[] = [];
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    for (const block of raw.split('\n\n')) {
      if (!block.trim()) continue;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      events.push({ event, data: JSON.parse(data.join('\n')) });
    }
  }
  return { status: res.status, events, raw, contentType: res.headers.get('content-type') };
}
