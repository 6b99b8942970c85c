import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI, type FakeOpenAI } from '../../../api/test/support/fake-openai';
import { startTestApp, type TestApp } from '../../../api/test/support/harness';
import { ARTIFACTS } from './browser';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Sits between the API and the fake provider. With `delayMs` set it re-sends the provider's
 * stream one SSE event at a time, so a reply takes long enough to be stopped; it records
 * whether the API hung up before the provider's stream finished (Stop reached the provider).
 */
export interface SlowLink {
  baseURL: string;
  delayMs: number;
  /** Provider streams that the API abandoned before their end. */
  abandoned: number;
  close(): Promise<void>;
}

async function startSlowLink(target: FakeOpenAI): Promise<SlowLink> {
  const state = { delayMs: 0, abandoned: 0 };
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const part of req) body += part;
    const upstream = await fetch(`${target.baseURL}${req.url?.replace(/^\/v1/, '')}`, {
      method: req.method,
      headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' },
      body,
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
    const text = await upstream.text();
    if (state.delayMs === 0 || !upstream.headers.get('content-type')?.includes('event-stream')) {
      res.end(text);
      return;
    }
    let closed = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        closed = true;
        state.abandoned++;
      }
    });
    for (const event of text.split(/(?<=\n\n)/)) {
      if (closed) return;
      res.write(event);
      await new Promise((r) => setTimeout(r, state.delayMs));
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    get delayMs() {
      return state.delayMs;
    },
    set delayMs(v: number) {
      state.delayMs = v;
    },
    get abandoned() {
      return state.abandoned;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Stack {
  webUrl: string;
  metricsUrl: string;
  /** What the web server wrote to stdout so far, one entry per line. */
  logLines(): string[];
  api: TestApp;
  fake?: FakeOpenAI;
  link?: SlowLink;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web server exited with code ${child.exitCode} before answering ${url}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the web server did not answer ${url} within ${timeoutMs} ms`);
}

/** The real API (PGlite in a temp folder) with the fake provider or the offline assistant, and the built web app. */
export async function startStack(assistant: 'fake' | 'offline', name: string): Promise<Stack> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-web-e2e-db-'));
  const fake = assistant === 'fake' ? await startFakeOpenAI() : undefined;
  const link = fake ? await startSlowLink(fake) : undefined;
  const api = await startTestApp('pglite', {
    BACKEND_DATA_DIR: dataDir,
    BACKEND_CHAT_RATE_LIMIT: '1000',
    ...(link
      ? { BACKEND_OPENAI_API_KEY: 'sk-test-web-e2e', BACKEND_OPENAI_BASE_URL: link.baseURL, BACKEND_OPENAI_MAX_RETRIES: '0' }
      : {}),
  });

  const port = await freePort();
  mkdirSync(ARTIFACTS, { recursive: true });
  const log = createWriteStream(path.join(ARTIFACTS, `web-server-${name}.log`));
  const web = spawn(process.execPath, [path.join(app, 'scripts/start.mjs')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FRONTEND_HOST: '127.0.0.1',
      FRONTEND_PORT: String(port),
      FRONTEND_METRICS_PORT: '0',
      FRONTEND_API_URL: api.url,
      FRONTEND_LOG_LEVEL: 'info',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  web.stdout?.pipe(log);
  web.stderr?.pipe(log);
  const stdout: string[] = [];
  web.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  const webUrl = `http://127.0.0.1:${port}`;
  const close = async () => {
    web.kill('SIGTERM');
    await new Promise((r) => (web.exitCode !== null ? r(undefined) : web.once('exit', r)));
    await api.close();
    await link?.close();
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${webUrl}/api/healthz`, web, 30_000);
  } catch (err) {
    await close();
    throw err;
  }
  // the metrics port was 0 (any free port): the start-up log line says which one it got
  const started = stdout
    .join('')
    .split('\n')
    .map((line) => {
      try {
        return JSON.parse(line) as { message?: string; metrics_port?: number };
      } catch {
        return undefined;
      }
    })
    .find((entry) => entry?.message === 'web started');
  if (!started?.metrics_port) {
    await close();
    throw new Error(`the web server did not log its metrics port; output:\n${stdout.join('')}`);
  }
  return {
    webUrl,
    metricsUrl: `http://127.0.0.1:${started.metrics_port}/metrics`,
    logLines: () => stdout.join('').split('\n').filter(Boolean),
    api,
    ...(fake ? { fake } : {}),
    ...(link ? { link } : {}),
    close,
  };
}
