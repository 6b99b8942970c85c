#!/usr/bin/env node
// Figures for the chat UI (issue 5):
//   1. first-load JavaScript of the main page, gzipped, from the production build
//   2. time to the first streamed token of a chat reply through the web proxy, as a ratio to
//      calling the API directly in the same run (same API, same user, interleaved requests),
//      with a local OpenAI-compatible provider answering at once and after
//      BENCH_PROVIDER_LATENCY_MS (default 200 ms, a fast real provider)
// Needs the production build: npm run build -w apps/web. Prints JSON to stdout; progress to stderr.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(web, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 40);
const log = (...a) => console.error('bench:web', ...a);

if (!existsSync(path.join(web, '.next/standalone/apps/web/server.js'))) {
  console.error('bench:web: no production build; run `npm run build -w apps/web` first');
  process.exit(1);
}

const freePort = () =>
  new Promise((resolve) => {
    const s = http.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitFor(url, child, name) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not become ready at ${url}`);
}

// A minimal OpenAI-compatible provider (Chat Completions, stream: true) whose first chunk comes
// after `provider.latencyMs`: the API's assistant talks to it, so the figures include a real
// provider round trip and the ratio is measured against a realistic baseline.
const provider = { latencyMs: 0 };
const providerServer = http.createServer(async (req, res) => {
  let raw = '';
  for await (const part of req) raw += part;
  const body = JSON.parse(raw || '{}');
  await new Promise((r) => setTimeout(r, provider.latencyMs));
  const chunk = (delta, finish = null) =>
    `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.write(chunk({ role: 'assistant', content: '' }));
  for (const piece of ['Sure', ', ', 'done', '.']) res.write(chunk({ content: piece }));
  res.write(chunk({}, 'stop'));
  if (body.stream_options?.include_usage) {
    res.write(
      `data: ${JSON.stringify({ id: 'bench', object: 'chat.completion.chunk', created: 0, model: 'bench', choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`,
    );
  }
  res.end('data: [DONE]\n\n');
});
await new Promise((r) => providerServer.listen(0, '127.0.0.1', r));
const providerUrl = `http://127.0.0.1:${providerServer.address().port}/v1`;

const children = [];
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'todo-web-bench-'));
function cleanup() {
  for (const c of children) c.kill('SIGTERM');
  providerServer.close();
  providerServer.closeAllConnections();
  rmSync(dataDir, { recursive: true, force: true });
}
process.on('exit', cleanup);

const [apiPort, apiMetrics, webPort] = [await freePort(), await freePort(), await freePort()];
const api = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/server.ts'], {
  cwd: repo,
  env: {
    ...process.env,
    NODE_ENV: 'production',
    BACKEND_HOST: '127.0.0.1',
    BACKEND_PORT: String(apiPort),
    BACKEND_METRICS_PORT: String(apiMetrics),
    BACKEND_DATA_DIR: dataDir,
    BACKEND_JWT_SECRET: 'bench-secret-'.padEnd(48, 'x'),
    BACKEND_LOG_LEVEL: 'warn',
    BACKEND_CHAT_RATE_LIMIT: '10000',
    BACKEND_OPENAI_API_KEY: 'bench-key',
    BACKEND_OPENAI_BASE_URL: providerUrl,
    BACKEND_OPENAI_MAX_RETRIES: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(api);
const apiUrl = `http://127.0.0.1:${apiPort}`;
await waitFor(`${apiUrl}/readyz`, api, 'api');

const webServer = spawn(process.execPath, [path.join(web, 'scripts/start.mjs')], {
  env: {
    ...process.env,
    FRONTEND_HOST: '127.0.0.1',
    FRONTEND_PORT: String(webPort),
    FRONTEND_METRICS_PORT: '0',
    FRONTEND_API_URL: apiUrl,
    FRONTEND_LOG_LEVEL: 'warn',
    NEXT_TELEMETRY_DISABLED: '1',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
children.push(webServer);
const webUrl = `http://127.0.0.1:${webPort}`;
await waitFor(`${webUrl}/api/healthz`, webServer, 'web');
log('api and web are up');

// a user, through the web app (cookie) — the same account is used directly (bearer token)
const email = `bench-${Date.now()}@example.test`;
const password = 'bench password 1';
const signup = await fetch(`${webUrl}/api/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email, password }),
});
if (!signup.ok) throw new Error(`signup failed: ${signup.status}`);
const cookie = signup.headers
  .getSetCookie()
  .map((c) => c.split(';')[0])
  .join('; ');
const login = await (
  await fetch(`${apiUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  })
).json();

// ---- 1. first-load JS of the main page ----------------------------------------------------
const html = await (await fetch(`${webUrl}/`, { headers: { cookie } })).text();
if (!html.includes('role="log"')) throw new Error('the main page did not render the chat (not logged in?)');
// noModule scripts (legacy polyfills) are never fetched by the browsers that run modules
const scriptTags = [...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
const scripts = [
  ...new Set(
    scriptTags
      .filter((t) => !/\snomodule/i.test(t))
      .map((t) => /src="([^"]+)"/.exec(t)?.[1])
      .filter(Boolean),
  ),
];
const skipped = scriptTags.filter((t) => /\snomodule/i.test(t) && /src=/.test(t)).length;
const styles = [...new Set([...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]))];
const gz = async (u) => gzipSync(Buffer.from(await (await fetch(new URL(u, webUrl))).arrayBuffer())).length;
let jsGzip = 0;
for (const s of scripts) jsGzip += await gz(s);
let cssGzip = 0;
for (const s of styles) cssGzip += await gz(s);
const htmlGzip = gzipSync(Buffer.from(html)).length;
log(`first-load JS: ${scripts.length} scripts, ${(jsGzip / 1024).toFixed(1)} KB gzipped`);

// ---- 2. time to first token: proxy vs direct ---------------------------------------------
async function firstToken(url, headers) {
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ message: 'add bench task' }),
  });
  if (!res.ok) throw new Error(`chat failed: ${res.status}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let ttft;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (ttft === undefined && text.includes('event: delta')) ttft = performance.now() - started;
  }
  if (ttft === undefined) throw new Error('no delta event in the reply');
  return ttft;
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
async function measure(latencyMs) {
  provider.latencyMs = latencyMs;
  const direct = [];
  const proxied = [];
  for (let i = 0; i < 3; i++) {
    await firstToken(`${apiUrl}/api/chat`, { authorization: `Bearer ${login.token}` });
    await firstToken(`${webUrl}/api/chat`, { cookie, origin: webUrl });
  }
  for (let i = 0; i < ROUNDS; i++) {
    // interleaved, so drift (GC, other load) hits both sides alike
    direct.push(await firstToken(`${apiUrl}/api/chat`, { authorization: `Bearer ${login.token}` }));
    proxied.push(await firstToken(`${webUrl}/api/chat`, { cookie, origin: webUrl }));
  }
  const d = median(direct);
  const p = median(proxied);
  log(`provider latency ${latencyMs} ms: direct ${d.toFixed(1)} ms, proxy ${p.toFixed(1)} ms (p50 of ${ROUNDS})`);
  return {
    provider_latency_ms: latencyMs,
    direct_ms_p50: Number(d.toFixed(2)),
    proxy_ms_p50: Number(p.toFixed(2)),
    proxy_overhead_ms_p50: Number((p - d).toFixed(2)),
    ratio_proxy_to_direct: Number((p / d).toFixed(3)),
  };
}
const LATENCY = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 200);
const instant = await measure(0);
const realistic = await measure(LATENCY);
const result = {
  first_load_js_gzip_bytes: jsGzip,
  first_load_js_gzip_kb: Number((jsGzip / 1024).toFixed(1)),
  first_load_js_target_kb: 150,
  first_load_scripts: scripts.length,
  nomodule_scripts_skipped: skipped,
  css_gzip_bytes: cssGzip,
  html_gzip_bytes: htmlGzip,
  ttft_rounds: ROUNDS,
  // the figure the issue asks for: a provider answering its first token after LATENCY ms
  ttft_ratio_proxy_to_direct: realistic.ratio_proxy_to_direct,
  ttft_ratio_target: 1.1,
  ttft: [instant, realistic],
};
console.log(JSON.stringify(result, null, 2));
cleanup();
process.exit(0);
