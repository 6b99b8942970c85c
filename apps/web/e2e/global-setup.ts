import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM } from './support/browser';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildId = path.join(app, '.next/standalone/apps/web/.next/BUILD_ID');

function newestMtime(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(s.mtimeMs, ...readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

/** The tests run the production build; (re)build it when the sources are newer. Missing Chromium fails here, loudly. */
export default function setup() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is required for the web e2e tests and was not found at ${CHROMIUM}. Install it: apt-get install chromium`,
    );
  }
  const inputs = ['src', 'public', 'next.config.ts', 'package.json', 'scripts'].map((p) => path.join(app, p)).filter(existsSync);
  const sourcesChanged = Math.max(...inputs.map(newestMtime));
  if (existsSync(buildId) && statSync(buildId).mtimeMs > sourcesChanged && process.env.WEB_E2E_REBUILD !== '1') return;
  console.log('web e2e: building apps/web (production build)…');
  const result = spawnSync('npm', ['run', 'build'], {
    cwd: app,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`next build failed (exit ${result.status}); see the output above`);
}
