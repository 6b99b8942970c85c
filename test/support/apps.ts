/**
 * The real API and chat UI, started on this machine on the local ports the test cluster
 * forwards pod ports to (test/cluster/forwards.env): `todoctl up` then reaches them through
 * the cluster (`kubectl port-forward` to the Service), as it would reach real pods.
 * The API runs on embedded PGlite with the offline assistant; the UI is the production build.
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startTestApp } from '../../apps/api/test/support/harness.js';
import { clusterForwards, eventually, repoRoot } from './cluster.js';

export async function startAppsBehindCluster(): Promise<{ close(): Promise<void> }> {
  const ports = clusterForwards();
  execFileSync(process.execPath, [path.join(repoRoot, 'apps/web/scripts/ensure-build.mjs')], { stdio: 'inherit' });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'todoctl-e2e-api-'));
  const api = await startTestApp('pglite', {
    BACKEND_PORT: String(ports.http8080),
    BACKEND_METRICS_PORT: String(ports.metrics9090),
    BACKEND_DATA_DIR: dataDir,
  });
  const web = spawn(process.execPath, [path.join(repoRoot, 'apps/web/scripts/start.mjs')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      FRONTEND_HOST: '127.0.0.1',
      FRONTEND_PORT: String(ports.http3000),
      // the cluster forwards every pod's port 9090 to the API's metrics (see forwards.env)
      FRONTEND_METRICS_PORT: '0',
      FRONTEND_API_URL: `http://127.0.0.1:${ports.http8080}`,
      FRONTEND_LOG_LEVEL: 'warn',
      NEXT_TELEMETRY_DISABLED: '1',
    },
    stdio: 'ignore',
  });
  const close = async () => {
    web.kill('SIGTERM');
    await new Promise((r) => (web.exitCode !== null ? r(undefined) : web.once('exit', r)));
    await api.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await eventually(
      'the chat UI to answer',
      async () => {
        if (web.exitCode !== null) throw new Error(`the web server exited with code ${web.exitCode}`);
        return (await fetch(`http://127.0.0.1:${ports.http3000}/api/healthz`)).ok;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch (error) {
    await close();
    throw error;
  }
  return { close };
}
